// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Marketo connector: each record becomes a custom activity on the lead
// found (or created) by the learner's e-mail.
//
// Vendor contract (Marketo REST API, checked 2026):
// - Auth: 2-legged OAuth. GET <identity>/oauth/token?grant_type=
//   client_credentials&client_id=..&client_secret=.. answers {"access_token",
//   "expires_in" (remaining seconds: 3599 for a new token; while a token is
//   valid the same one comes back with its remaining life)}. REST calls send
//   "Authorization: Bearer <token>" (the access_token query parameter is
//   being removed).
//   https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/authentication
// - Leads: POST /rest/v1/leads.json {"action":"createOrUpdate","lookupField":
//   "email","input":[...]} (at most 300) answers {"success":true,"result":[
//   {"id","status":"created"|"updated"|"skipped","reasons":[{"code",
//   "message"}]}]} in input order.
//   https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/leads
// - Custom activities: POST /rest/v1/activities/external.json {"input":[{
//   "leadId","activityDate","activityTypeId","primaryAttributeValue",
//   "attributes":[{"name","value"}]}]} (at most 300) answers per input
//   "added" or "skipped" with reasons. Marketo does not de-duplicate them.
//   https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/lead-database/activities
// - Errors come as HTTP 200 {"success":false,"errors":[{"code","message"}]}:
//   601/602 token invalid/expired; 606 rate limit (100 calls / 20 s); 607
//   daily quota (resets at 12:00 AM US Central); 615 concurrency limit (10);
//   604, 608, 611, 613, 713, 719 transient. Record reasons 1001-1011.
//   https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/error-codes
//   https://experienceleague.adobe.com/en/docs/marketo-developer/marketo/rest/marketo-integration-best-practices
//
// Settings: "url" (required: the REST base, https://<munchkin>.mktorest.com);
// "identity_url" (default url + "/identity"); "client_id", "client_secret"
// (secrets: <name>_env / <name>_file / <name>); "activity_type_id"
// (required integer); "primary_attribute" (default "activity_name": the
// mapped property whose value is the primaryAttributeValue, else the event
// name); "batch_size" (default and max 300); "timeout_ms" (default 30000);
// "daily_reset_utc_hour" (default 6: midnight US Central standard time, when
// the daily quota resets; during daylight time the reset comes an hour
// earlier and a 607 waits an hour longer than needed).
//
// State: "oauth_token" = "<expiry ms> <token>", refreshed 60 s before it
// expires and once after a 601/602; "lead:<lowercased email>" = lead id
// (a lead is not upserted again when its records bring no contact fields;
// a 1004 "lead not found" drops the entry); "sent:<idempotency key>",
// written once Marketo reports the activity "added". A record whose key is
// present is reported delivered without being sent, so a batch retried
// after a partial success resends only what Marketo did not confirm.
// At-least-once window: an activity Marketo recorded whose answer never
// arrived (timeout, dropped connection, crash before the state write) is
// sent again on retry and appears twice. "sent:" keys live only as long as
// they can matter: those of a call whose outcomes the relay recorded (a
// call that did not fail as a whole) are deleted at the start of the next
// call, in one write.
//
// Verdicts: no e-mail, or no primary attribute value: rejected. Record
// reasons 1001-1003, 1006, 1007, 1011 (invalid or missing values, unknown
// fields, ambiguous lookup) reject; other reasons retry. A request refused
// for its content (HTTP 413, errors 701/704/709/1xxx) is bisected down to
// single records, which are rejected. Every other failure makes the
// destination unavailable: 606 for 20 s, 615 for 5 s, 607 until the reset.

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/sync/connector.h"

namespace lrs::sync {
namespace {

constexpr std::string_view kTokenKey = "oauth_token";
constexpr std::int64_t kRefreshMarginMs = 60'000;
constexpr std::int64_t kDayMs = 86'400'000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Milliseconds from now_ms to the next `hour`:00 UTC.
std::int64_t UntilUtcHour(std::int64_t now_ms, int hour) {
  const std::int64_t off = std::int64_t{hour} * 3'600'000;
  std::int64_t day_start = (now_ms - off) / kDayMs * kDayMs + off;
  if (day_start > now_ms) day_start -= kDayMs;
  return day_start + kDayMs - now_ms;
}

int CodeOf(const json::Value& obj) {
  const json::Value* c = json::Member(obj, "code");
  if (!c) return 0;
  if (c->IsInt()) return c->GetInt();
  return c->IsString() ? std::atoi(c->GetString()) : 0;
}

// "<code> <message>" of the first of a result's reasons.
std::string FirstReason(const json::Value& result, int* code) {
  *code = 0;
  const json::Value* rs = json::Member(result, "reasons");
  if (!rs || !rs->IsArray() || rs->Empty() || !(*rs)[0].IsObject())
    return "no reason given (status \"" + std::string(json::StringOr(result, "status")) + "\")";
  *code = CodeOf((*rs)[0]);
  return std::to_string(*code) + " " + std::string(json::StringOr((*rs)[0], "message"));
}

// Record reasons saying the record's own values are wrong.
bool ContentReason(int code) {
  return code == 1001 || code == 1002 || code == 1003 || code == 1006 || code == 1007 ||
         code == 1011;
}

// Response-level codes refusing the request for what it carries.
bool ContentError(int code) {
  return code == 701 || code == 704 || code == 709 || code / 1000 == 1;
}

std::string ValueText(const json::Value& v) {
  if (v.IsString()) return std::string(json::View(v));
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  return json::Write(v);
}

class MarketoConnector final : public Connector {
 public:
  explicit MarketoConnector(const ConnectorContext& ctx) : ctx_(ctx) {}

  Status Init() {
    const json::Value& s = *ctx_.settings;
    if (!s.IsObject()) return Status::InvalidArgument("settings: must be an object");
    auto url_setting = [&](const char* name, std::string* out) {
      std::string_view u = json::StringOr(s, name);
      if (u.rfind("http://", 0) != 0 && u.rfind("https://", 0) != 0) return false;
      *out = std::string(u);
      while (!out->empty() && out->back() == '/') out->pop_back();
      return true;
    };
    if (!url_setting("url", &base_))
      return Status::InvalidArgument(
          "url: required, the REST base URL (https://<munchkin>.mktorest.com)");
    identity_ = base_ + "/identity";
    if (json::Member(s, "identity_url") && !url_setting("identity_url", &identity_))
      return Status::InvalidArgument("identity_url: must be an http:// or https:// URL");
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_id", &client_id_));
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_secret", &client_secret_));
    const json::Value* t = json::Member(s, "activity_type_id");
    if (!t || !t->IsInt64() || t->GetInt64() <= 0)
      return Status::InvalidArgument("activity_type_id: required, a positive integer");
    activity_type_ = t->GetInt64();
    if (const json::Value* p = json::Member(s, "primary_attribute")) {
      if (!p->IsString() || p->GetStringLength() == 0)
        return Status::InvalidArgument("primary_attribute: must be a property name");
      primary_ = std::string(json::View(*p));
    }
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 300, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    LRS_RETURN_IF_ERROR(UintSetting(s, "daily_reset_utc_hour", 0, 23, &reset_hour_));
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    // The previous call's outcomes are recorded: its "sent:" keys are spent.
    if (!spent_.empty()) {
      std::vector<StateStore::Change> del;
      for (auto& k : spent_) del.emplace_back("sent:" + k, std::nullopt);
      if (ctx_.state->Write(del).ok()) spent_.clear();
    }
    sent_keys_.clear();
    DeliveryResult r = DeliverBatch(records);
    // Only a batch that failed as a whole comes again and needs its keys.
    if (r.kind == DeliveryResult::Kind::kDone)
      spent_.insert(spent_.end(), sent_keys_.begin(), sent_keys_.end());
    return r;
  }

 private:
  DeliveryResult DeliverBatch(const std::vector<const OutRecord*>& records) {
    recs_ = &records;
    out_ = DeliveryResult();
    out_.records.assign(records.size(), RecordResult{});
    judged_.assign(records.size(), false);
    lead_.assign(records.size(), 0);
    primary_value_.assign(records.size(), std::string());
    std::vector<Group> groups;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const MappedRecord& m = records[i]->mapped;
      json::Document p;
      std::string ignored;
      if (m.email.empty()) {
        Judge(i, Outcome::kReject, "no e-mail address: Marketo needs one to find the lead");
        continue;
      }
      if (!json::Parse(m.properties, &p).ok() || !p.IsObject()) {
        Judge(i, Outcome::kReject, "mapped properties are not a JSON object");
        continue;
      }
      primary_value_[i] = PrimaryValue(p, m);
      if (primary_value_[i].empty()) {
        Judge(i, Outcome::kReject,
              "no primary attribute value (property \"" + primary_ +
                  "\" and the event name are empty)");
        continue;
      }
      if (ctx_.state->Get("sent:" + records[i]->idempotency_key, &ignored).ok()) {
        Judge(i, Outcome::kDelivered, "");  // Marketo confirmed it before
        sent_keys_.push_back(records[i]->idempotency_key);
        continue;
      }
      std::string key = Lower(m.email);
      auto g =
          std::find_if(groups.begin(), groups.end(), [&](const Group& x) { return x.key == key; });
      if (g == groups.end()) g = groups.insert(groups.end(), Group{key, m.email, {}, false});
      g->recs.push_back(i);
      g->fields = g->fields || (m.contact != "{}" && !m.contact.empty());
    }
    std::vector<std::size_t> todo;
    for (std::size_t k = 0; k < groups.size(); ++k) {
      std::string id;
      if (!groups[k].fields && ctx_.state->Get("lead:" + groups[k].key, &id).ok() &&
          std::atoll(id.c_str()) > 0) {
        for (std::size_t i : groups[k].recs) lead_[i] = std::atoll(id.c_str());
      } else {
        todo.push_back(k);
      }
    }
    if (!todo.empty()) {
      if (auto v = Leads(groups, todo)) return *v;
    }
    std::vector<std::size_t> send;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!judged_[i]) send.push_back(i);
    }
    if (!send.empty()) {
      if (auto v = Activities(send)) return *v;
    }
    return std::move(out_);
  }

  using Verdict = std::optional<DeliveryResult>;  // set: the destination failed
  struct Group {
    std::string key;    // lowercased e-mail
    std::string email;  // as mapped (first record)
    std::vector<std::size_t> recs;
    bool fields;  // some record brings contact fields
  };
  enum class Answer { kOk, kRefused, kDown };

  void Judge(std::size_t i, Outcome o, std::string why) {
    judged_[i] = true;
    out_.records[i].outcome = o;
    out_.records[i].error = std::move(why);
  }

  std::string PrimaryValue(const json::Value& props, const MappedRecord& m) const {
    const json::Value* v = json::Member(props, primary_);
    if (v && !v->IsNull() && !v->IsObject() && !v->IsArray()) {
      std::string s = ValueText(*v);
      if (!s.empty()) return s;
    }
    return m.event;
  }

  std::int64_t NowMs() { return ctx_.clock->NowMicros() / 1000; }

  // Sets *token to a usable access token (a fresh one when `refresh`).
  // False: *down holds the verdict.
  bool Token(bool refresh, std::string* token, DeliveryResult* down) {
    const std::int64_t now = NowMs();
    if (token_.empty()) {
      std::string v;
      if (ctx_.state->Get(kTokenKey, &v).ok() && v.find(' ') != std::string::npos) {
        expiry_ms_ = std::atoll(v.substr(0, v.find(' ')).c_str());
        token_ = v.substr(v.find(' ') + 1);
        refresh_at_ms_ = expiry_ms_ - kRefreshMarginMs;
      }
    }
    if (!refresh && !token_.empty() && now < refresh_at_ms_) {
      *token = token_;
      return true;
    }
    HttpRequest req;
    req.method = "GET";
    req.url = identity_ +
              "/oauth/token?grant_type=client_credentials&client_id=" + PercentEncode(client_id_) +
              "&client_secret=" + PercentEncode(client_secret_);
    req.timeout = timeout_;
    HttpResponse r = ctx_.transport->Send(req);
    json::Document d;
    if (r.status != 200 || !json::Parse(r.body, &d).ok() || !d.IsObject() ||
        json::StringOr(d, "access_token").empty()) {
      std::string why = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
      if (r.status == 401) why += ": client_id or client_secret rejected";
      if (r.status != 0 && d.IsObject() && !json::StringOr(d, "error_description").empty())
        why += " (" + std::string(json::StringOr(d, "error_description")) + ")";
      *down = DeliveryResult::Unavailable("Marketo identity: no access token: " + why,
                                          ParseRetryAfter(r.Header("retry-after"), now));
      return false;
    }
    std::string fresh(json::StringOr(d, "access_token"));
    std::int64_t ttl_ms = 3'599'000;
    if (const json::Value* e = json::Member(d, "expires_in"); e && e->IsInt64())
      ttl_ms = e->GetInt64() * 1000;
    expiry_ms_ = now + ttl_ms;
    // Marketo hands out the same token until it expires: one that has less
    // than the margin left is used until it expires rather than re-asked for.
    refresh_at_ms_ = ttl_ms > kRefreshMarginMs ? expiry_ms_ - kRefreshMarginMs : expiry_ms_;
    (void)ctx_.state->Put(kTokenKey, std::to_string(expiry_ms_) + " " + fresh);
    token_ = std::move(fresh);
    *token = token_;
    return true;
  }

  // POSTs `body` with the token; refreshes it once after a 601/602. kOk: *d
  // holds the successful answer. kRefused: Marketo refused the request for
  // its content (*why says how). kDown: *down holds the verdict.
  Answer Post(std::string_view path, const std::string& body, json::Document* d, std::string* why,
              DeliveryResult* down) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string token;
      if (!Token(attempt > 0, &token, down)) return Answer::kDown;
      HttpRequest req;
      req.method = "POST";
      req.url = base_ + std::string(path);
      req.timeout = timeout_;
      req.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
      req.body = body;
      HttpResponse r = ctx_.transport->Send(req);
      const std::int64_t now = NowMs();
      if (r.status == 413) {
        *why = "HTTP 413: request too large";
        return Answer::kRefused;
      }
      if (r.status == 401 && attempt == 0) continue;
      if (r.status != 200) {
        std::string s = r.status == 0 ? r.error : "HTTP " + std::to_string(r.status);
        if (r.status != 0 && !r.body.empty()) s += ": " + r.body.substr(0, 200);
        *down = DeliveryResult::Unavailable("Marketo: " + s,
                                            ParseRetryAfter(r.Header("retry-after"), now));
        return Answer::kDown;
      }
      if (!json::Parse(r.body, d).ok() || !d->IsObject()) {
        *down = DeliveryResult::Unavailable("Marketo: unreadable answer: " + r.body.substr(0, 200));
        return Answer::kDown;
      }
      const json::Value* ok = json::Member(*d, "success");
      if (ok && ok->IsBool() && ok->GetBool()) return Answer::kOk;
      const json::Value* errs = json::Member(*d, "errors");
      int code = 0;
      std::string msg;
      if (errs && errs->IsArray() && !errs->Empty() && (*errs)[0].IsObject()) {
        code = CodeOf((*errs)[0]);
        msg = std::string(json::StringOr((*errs)[0], "message"));
      }
      if ((code == 601 || code == 602) && attempt == 0) continue;
      std::string what = "Marketo error " + std::to_string(code) + ": " + msg;
      if (ContentError(code)) {
        *why = what;
        return Answer::kRefused;
      }
      std::chrono::milliseconds wait(-1);
      if (code == 606) wait = std::chrono::milliseconds(20'000);
      if (code == 607) wait = std::chrono::milliseconds(UntilUtcHour(now, reset_hour_));
      if (code == 615) wait = std::chrono::milliseconds(5'000);
      if (code == 601 || code == 602) what += " (after a token refresh)";
      *down = DeliveryResult::Unavailable(what, wait);
      return Answer::kDown;
    }
    *down = DeliveryResult::Unavailable("Marketo: HTTP 401 (after a token refresh)");
    return Answer::kDown;
  }

  // createOrUpdate of groups[gi...] by e-mail; learns their lead ids.
  Verdict Leads(const std::vector<Group>& groups, const std::vector<std::size_t>& gi) {
    json::Document body;
    body.SetObject();
    auto& a = body.GetAllocator();
    body.AddMember("action", "createOrUpdate", a);
    body.AddMember("lookupField", "email", a);
    json::Value input(rapidjson::kArrayType);
    for (std::size_t k : gi) {
      json::Value lead(rapidjson::kObjectType);
      lead.AddMember("email", json::StringValue(groups[k].email, a), a);
      for (std::size_t i : groups[k].recs) {  // stored order: later values win
        json::Document c;
        if (!json::Parse((*recs_)[i]->mapped.contact, &c).ok() || !c.IsObject()) continue;
        for (auto& m : c.GetObject()) {
          if (m.value.IsNull() || m.value.IsObject() || m.value.IsArray()) continue;
          if (json::View(m.name) == "email") continue;
          auto old = lead.FindMember(m.name);
          if (old != lead.MemberEnd()) {
            old->value.CopyFrom(m.value, a);
          } else {
            lead.AddMember(json::Value(m.name, a), json::Value(m.value, a), a);
          }
        }
      }
      input.PushBack(lead, a);
    }
    body.AddMember("input", input, a);
    json::Document d;
    std::string why;
    DeliveryResult down;
    switch (Post("/rest/v1/leads.json", json::Write(body), &d, &why, &down)) {
      case Answer::kDown:
        return down;
      case Answer::kRefused:
        if (gi.size() > 1)
          return Halves(gi, [&](const std::vector<std::size_t>& h) { return Leads(groups, h); });
        for (std::size_t i : groups[gi[0]].recs) Judge(i, Outcome::kReject, "lead refused: " + why);
        return std::nullopt;
      case Answer::kOk:
        break;
    }
    const json::Value* res = json::Member(d, "result");
    if (!res || !res->IsArray() || res->Size() != gi.size())
      return DeliveryResult::Unavailable("Marketo: leads answer does not have one result per lead");
    for (rapidjson::SizeType n = 0; n < res->Size(); ++n) {
      const Group& g = groups[gi[n]];
      const json::Value& x = (*res)[n];
      std::string_view status = x.IsObject() ? json::StringOr(x, "status") : std::string_view();
      const json::Value* id = x.IsObject() ? json::Member(x, "id") : nullptr;
      if ((status == "created" || status == "updated") && id && id->IsInt64() &&
          id->GetInt64() > 0) {
        (void)ctx_.state->Put("lead:" + g.key, std::to_string(id->GetInt64()));
        for (std::size_t i : g.recs) lead_[i] = id->GetInt64();
        continue;
      }
      int code = 0;
      std::string reason = x.IsObject() ? FirstReason(x, &code) : "malformed result";
      for (std::size_t i : g.recs)
        Judge(i, ContentReason(code) ? Outcome::kReject : Outcome::kRetry,
              "lead " + std::string(status) + ": " + reason);
    }
    return std::nullopt;
  }

  // Adds the custom activities of records idx; records what Marketo added.
  Verdict Activities(const std::vector<std::size_t>& idx) {
    json::Document body;
    body.SetObject();
    auto& a = body.GetAllocator();
    json::Value input(rapidjson::kArrayType);
    for (std::size_t i : idx) {
      const MappedRecord& m = (*recs_)[i]->mapped;
      json::Document p;
      (void)json::Parse(m.properties, &p);  // checked in Deliver
      json::Value attrs(rapidjson::kArrayType);
      for (auto& prop : p.GetObject()) {
        if (json::View(prop.name) == primary_ || prop.value.IsNull() || prop.value.IsObject() ||
            prop.value.IsArray())
          continue;
        json::Value attr(rapidjson::kObjectType);
        attr.AddMember("name", json::Value(prop.name, a), a);
        attr.AddMember("value", json::StringValue(ValueText(prop.value), a), a);
        attrs.PushBack(attr, a);
      }
      json::Value act(rapidjson::kObjectType);
      act.AddMember("leadId", lead_[i], a);
      act.AddMember("activityDate",
                    json::StringValue(FormatIso8601Millis(m.timestamp_ms * 1000), a), a);
      act.AddMember("activityTypeId", activity_type_, a);
      act.AddMember("primaryAttributeValue", json::StringValue(primary_value_[i], a), a);
      act.AddMember("attributes", attrs, a);
      input.PushBack(act, a);
    }
    body.AddMember("input", input, a);
    json::Document d;
    std::string why;
    DeliveryResult down;
    switch (Post("/rest/v1/activities/external.json", json::Write(body), &d, &why, &down)) {
      case Answer::kDown:
        return down;
      case Answer::kRefused:
        if (idx.size() > 1)
          return Halves(idx, [&](const std::vector<std::size_t>& h) { return Activities(h); });
        Judge(idx[0], Outcome::kReject, "activity refused: " + why);
        return std::nullopt;
      case Answer::kOk:
        break;
    }
    const json::Value* res = json::Member(d, "result");
    if (!res || !res->IsArray() || res->Size() != idx.size())
      return DeliveryResult::Unavailable(
          "Marketo: activities answer does not have one result per activity");
    std::vector<StateStore::Change> added;
    for (rapidjson::SizeType n = 0; n < res->Size(); ++n) {
      const std::size_t i = idx[n];
      const json::Value& x = (*res)[n];
      std::string_view status = x.IsObject() ? json::StringOr(x, "status") : std::string_view();
      if (status == "added") {
        added.emplace_back("sent:" + (*recs_)[i]->idempotency_key, "1");
        sent_keys_.push_back((*recs_)[i]->idempotency_key);
        continue;
      }
      int code = 0;
      std::string reason = x.IsObject() ? FirstReason(x, &code) : "malformed result";
      if (code == 1004) (void)ctx_.state->Delete("lead:" + Lower((*recs_)[i]->mapped.email));
      Judge(i, ContentReason(code) ? Outcome::kReject : Outcome::kRetry,
            "activity " + std::string(status) + ": " + reason);
    }
    if (!added.empty()) (void)ctx_.state->Write(added);
    return std::nullopt;
  }

  template <typename Fn>
  static Verdict Halves(const std::vector<std::size_t>& v, Fn fn) {
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    if (auto r = fn(std::vector<std::size_t>(v.begin(), mid))) return r;
    return fn(std::vector<std::size_t>(mid, v.end()));
  }

  ConnectorContext ctx_;
  std::vector<std::string> sent_keys_;  // this call's "sent:" keys (written or read)
  std::vector<std::string> spent_;      // keys to delete at the next call
  std::string base_, identity_;
  std::string client_id_, client_secret_;
  std::int64_t activity_type_ = 0;
  std::string primary_ = "activity_name";
  std::size_t batch_ = 300;
  std::chrono::milliseconds timeout_{30000};
  int reset_hour_ = 6;
  // The cached access token.
  std::string token_;
  std::int64_t expiry_ms_ = 0, refresh_at_ms_ = 0;
  // The Deliver call in progress.
  const std::vector<const OutRecord*>* recs_ = nullptr;
  DeliveryResult out_;
  std::vector<bool> judged_;
  std::vector<std::int64_t> lead_;  // lead id per record, 0: unknown
  std::vector<std::string> primary_value_;
};

}  // namespace

Status NewMarketoConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<MarketoConnector>(ctx, out);
}

}  // namespace lrs::sync
