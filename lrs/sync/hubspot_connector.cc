// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// HubSpot connector: each record becomes an occurrence of one custom event
// (custom behavioral event) on the learner's contact, found by e-mail.
//
// Vendor contract (checked 2026):
// - Events: POST /events/v3/send/batch {"inputs":[{"eventName","email",
//   "uuid","occurredAt","properties"}]} answers 204 (or 200; 207 with
//   "errors" for some inputs). A uuid is unique per event type: "when
//   multiple events have the same ID within a year, the first will be
//   accepted and all others will be rejected". The uuid is the record's
//   idempotency key in 8-4-4-4-12 form, so a retried batch has no duplicate
//   effect, and a repeat refused as such (409, category CONFLICT, a message
//   saying "already exists" or "duplicate") counts as delivered.
//   https://developers.hubspot.com/docs/api-reference/legacy/events/send-event-data/guide
//   https://developers.hubspot.com/docs/api-reference/2026-03/events/send-event-data/send-event-occurrence
//   https://developers.hubspot.com/docs/api-reference/legacy/events/send-event-data/batch-send-occurrences
// - Contacts: POST /crm/v3/objects/contacts/batch/upsert {"inputs":[{
//   "idProperty":"email","id":<email>,"properties":{...}}]} (at most 100
//   inputs), idempotent; results carry the contact "id", a 207 lists
//   per-input errors {"status":"error","category","message","context"}.
//   https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
// - Errors: {"status":"error","message","correlationId","category"}. A 429
//   adds "errorType":"RATE_LIMIT" and "policyName": TEN_SECONDLY_ROLLING
//   (a rolling 10 s window; SECONDLY: 1 s) or DAILY (resets at midnight in
//   the account's time zone). https://developers.hubspot.com/docs/api/usage-details
//
// Settings: "url" (default https://api.hubapi.com); "token" (private-app
// access token; a secret: token_env / token_file / token); "event_name"
// (required: the event's fully qualified name, pe<HubID>_<name>);
// "upsert_contacts" (default true: upsert each batch's contacts with the
// mapped contact fields first); "batch_size" (default and max 100: the
// batch limit of HubSpot's CRM batch APIs); "timeout_ms" (default 30000);
// "daily_reset_utc_hour" (default 0: the UTC hour at which the account's
// daily quota resets; set it to the account time zone's midnight, e.g. 5
// for US Eastern standard time, or a DAILY 429 may wait a day too long).
//
// Verdicts: records without an e-mail are rejected. Per-input errors of a
// 207 (duplicates aside) reject the record for VALIDATION_ERROR and retry
// it otherwise. A 400
// (or 409/413/422) for a whole request is bisected down to single records,
// which are rejected with HubSpot's message: resending is harmless (uuids,
// upserts) and bisection finds a few bad records in O(k log n) calls, which
// stays under the 10-second rate limit. 401, 403, 404, 429, 5xx and
// transport errors make the destination unavailable. A contact id learnt
// from an upsert is kept in the state as "contact:<lowercased email>"; an
// e-mail already known whose records bring no contact fields is not
// upserted again.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "lrs/common/time.h"
#include "lrs/sync/connector.h"

namespace lrs::sync {
namespace {

constexpr std::int64_t kDayMs = 86'400'000;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The 32-hex-digit key as a UUID (8-4-4-4-12); empty when malformed.
std::string UuidOf(std::string_view key) {
  if (key.size() != 32) return {};
  std::string out;
  for (std::size_t i = 0; i < 32; ++i) {
    char c = key[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return {};
    if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
    out += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
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

// One per-input error of a batch response, with every string of its
// context (the ids, uuids or e-mails it is about).
struct InputError {
  std::string category, message;
  std::vector<std::string> about;
};

std::vector<InputError> InputErrors(const json::Document& d) {
  std::vector<InputError> out;
  const json::Value* errs = d.IsObject() ? json::Member(d, "errors") : nullptr;
  if (!errs || !errs->IsArray()) return out;
  for (const json::Value& e : errs->GetArray()) {
    if (!e.IsObject()) continue;
    InputError ie{
        std::string(json::StringOr(e, "category")), std::string(json::StringOr(e, "message")), {}};
    if (const json::Value* ctx = json::Member(e, "context"); ctx && ctx->IsObject()) {
      for (const auto& m : ctx->GetObject()) {
        if (m.value.IsString()) ie.about.push_back(Lower(json::View(m.value)));
        if (!m.value.IsArray()) continue;
        for (const json::Value& v : m.value.GetArray()) {
          if (v.IsString()) ie.about.push_back(Lower(json::View(v)));
        }
      }
    }
    out.push_back(std::move(ie));
  }
  return out;
}

bool About(const InputError& e, const std::string& what) {
  return std::find(e.about.begin(), e.about.end(), what) != e.about.end();
}

// HubSpot keeps the first occurrence of a uuid and refuses the others
// ("When multiple events have the same ID within a year, the first will be
// accepted and all others will be rejected"): such a refusal means the
// occurrence is already there, a success.
bool Duplicate(std::string_view category, std::string_view message) {
  std::string m = Lower(message);
  return category == "CONFLICT" || m.find("already exist") != std::string::npos ||
         m.find("duplicate") != std::string::npos;
}

bool BatchContentRejected(int status) {
  return status == 400 || status == 409 || status == 413 || status == 422;
}

class HubSpotConnector final : public Connector {
 public:
  explicit HubSpotConnector(const ConnectorContext& ctx) : ctx_(ctx) {}

  Status Init() {
    const json::Value& s = *ctx_.settings;
    if (!s.IsObject()) return Status::InvalidArgument("settings: must be an object");
    if (const json::Value* u = json::Member(s, "url")) {
      std::string_view url = u->IsString() ? json::View(*u) : std::string_view();
      if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
        return Status::InvalidArgument("url: must be an http:// or https:// URL");
      base_ = std::string(url);
      while (!base_.empty() && base_.back() == '/') base_.pop_back();
    }
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "token", &token_));
    event_name_ = std::string(json::StringOr(s, "event_name"));
    if (event_name_.empty())
      return Status::InvalidArgument(
          "event_name: required (the custom event's fully qualified name, pe<HubID>_<name>)");
    if (const json::Value* u = json::Member(s, "upsert_contacts")) {
      if (!u->IsBool()) return Status::InvalidArgument("upsert_contacts: must be true or false");
      upsert_ = u->GetBool();
    }
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 100, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    LRS_RETURN_IF_ERROR(UintSetting(s, "daily_reset_utc_hour", 0, 23, &reset_hour_));
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    recs_ = &records;
    out_ = DeliveryResult();
    out_.records.assign(records.size(), RecordResult{});
    judged_.assign(records.size(), false);
    uuids_.assign(records.size(), std::string());
    std::vector<Group> groups;
    for (std::size_t i = 0; i < records.size(); ++i) {
      const MappedRecord& m = records[i]->mapped;
      uuids_[i] = UuidOf(records[i]->idempotency_key);
      json::Document p;
      if (m.email.empty()) {
        Judge(i, Outcome::kReject, "no e-mail address: HubSpot needs one to find the contact");
      } else if (uuids_[i].empty()) {
        Judge(i, Outcome::kReject, "idempotency key is not 32 hexadecimal digits");
      } else if (!json::Parse(m.properties, &p).ok() || !p.IsObject()) {
        Judge(i, Outcome::kReject, "mapped properties are not a JSON object");
      } else {
        std::string key = Lower(m.email);
        auto g = std::find_if(groups.begin(), groups.end(),
                              [&](const Group& x) { return x.key == key; });
        if (g == groups.end()) g = groups.insert(groups.end(), Group{key, m.email, {}, false});
        g->recs.push_back(i);
        g->props = g->props || (m.contact != "{}" && !m.contact.empty());
      }
    }
    if (upsert_) {
      std::vector<std::size_t> todo;
      for (std::size_t k = 0; k < groups.size(); ++k) {
        std::string id;
        if (groups[k].props || !ctx_.state->Get("contact:" + groups[k].key, &id).ok())
          todo.push_back(k);
      }
      if (!todo.empty()) {
        if (auto v = Upsert(groups, todo)) return *v;
      }
    }
    std::vector<std::size_t> send;
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (!judged_[i]) send.push_back(i);
    }
    if (!send.empty()) {
      if (auto v = Events(send)) return *v;
    }
    return std::move(out_);
  }

 private:
  using Verdict = std::optional<DeliveryResult>;  // set: the destination failed
  struct Group {
    std::string key;    // lowercased e-mail
    std::string email;  // as mapped (first record)
    std::vector<std::size_t> recs;
    bool props;  // some record brings contact fields
  };

  void Judge(std::size_t i, Outcome o, std::string why) {
    judged_[i] = true;
    out_.records[i].outcome = o;
    out_.records[i].error = std::move(why);
  }

  HttpResponse Post(std::string_view path, std::string body) {
    HttpRequest req;
    req.method = "POST";
    req.url = base_ + std::string(path);
    req.timeout = timeout_;
    req.headers = {{"Authorization", "Bearer " + token_}, {"Content-Type", "application/json"}};
    req.body = std::move(body);
    return ctx_.transport->Send(req);
  }

  // The destination-level verdict for a response that judges no record.
  DeliveryResult Unavailable(const HttpResponse& r) {
    const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
    auto retry_after = ParseRetryAfter(r.Header("retry-after"), now_ms);
    if (r.status == 401)
      return DeliveryResult::Unavailable("HubSpot: token rejected (" + DescribeResponse(r) + ")");
    if (r.status == 403)
      return DeliveryResult::Unavailable("HubSpot: forbidden, check the app's scopes (" +
                                         DescribeResponse(r) + ")");
    if (r.status == 429) {
      json::Document d;
      std::string policy;
      if (json::Parse(r.body, &d).ok() && d.IsObject()) policy = json::StringOr(d, "policyName");
      std::chrono::milliseconds wait;
      if (policy == "DAILY") {
        wait = std::chrono::milliseconds(UntilUtcHour(now_ms, reset_hour_));
      } else {
        std::chrono::milliseconds window(policy == "SECONDLY" ? 1000 : 10000);
        wait = std::max(retry_after, window);
      }
      return DeliveryResult::Unavailable(
          "HubSpot rate limit " + (policy.empty() ? std::string("(unknown policy)") : policy) +
              ": " + DescribeResponse(r),
          wait);
    }
    return DeliveryResult::Unavailable("HubSpot: " + DescribeResponse(r), retry_after);
  }

  // Upserts groups[gi...] by e-mail and records their contact ids; judges
  // the records of the groups HubSpot refuses.
  Verdict Upsert(const std::vector<Group>& groups, const std::vector<std::size_t>& gi) {
    json::Document body;
    body.SetObject();
    auto& a = body.GetAllocator();
    json::Value inputs(rapidjson::kArrayType);
    for (std::size_t k : gi) {
      json::Value props(rapidjson::kObjectType);
      for (std::size_t i : groups[k].recs) {  // stored order: later values win
        json::Document c;
        if (!json::Parse((*recs_)[i]->mapped.contact, &c).ok() || !c.IsObject()) continue;
        for (auto& m : c.GetObject()) {
          if (m.value.IsNull() || m.value.IsObject() || m.value.IsArray()) continue;
          auto old = props.FindMember(m.name);
          if (old != props.MemberEnd()) {
            old->value.CopyFrom(m.value, a);
          } else {
            props.AddMember(json::Value(m.name, a), json::Value(m.value, a), a);
          }
        }
      }
      json::Value in(rapidjson::kObjectType);
      in.AddMember("idProperty", "email", a);
      in.AddMember("id", json::StringValue(groups[k].email, a), a);
      in.AddMember("properties", props, a);
      inputs.PushBack(in, a);
    }
    body.AddMember("inputs", inputs, a);
    HttpResponse r = Post("/crm/v3/objects/contacts/batch/upsert", json::Write(body));
    if (BatchContentRejected(r.status)) {
      if (gi.size() == 1) {
        for (std::size_t i : groups[gi[0]].recs)
          Judge(i, Outcome::kReject, "HubSpot refused the contact: " + DescribeResponse(r));
        return std::nullopt;
      }
      return Halves(gi, [&](const std::vector<std::size_t>& h) { return Upsert(groups, h); });
    }
    if (r.status < 200 || r.status > 299) return Unavailable(r);
    json::Document d;
    if (!json::Parse(r.body, &d).ok() || !d.IsObject()) d.SetObject();
    std::vector<InputError> errors = InputErrors(d);
    // Contact ids, by the e-mail each result echoes (results are unordered).
    if (const json::Value* res = json::Member(d, "results"); res && res->IsArray()) {
      for (rapidjson::SizeType n = 0; n < res->Size(); ++n) {
        const json::Value& x = (*res)[n];
        if (!x.IsObject() || !json::Member(x, "id")) continue;
        const json::Value& idv = *json::Member(x, "id");
        std::string id = idv.IsString()   ? std::string(json::View(idv))
                         : idv.IsUint64() ? std::to_string(idv.GetUint64())
                                          : std::string();
        std::string email;
        if (const json::Value* p = json::Member(x, "properties"); p && p->IsObject())
          email = Lower(json::StringOr(*p, "email"));
        if (email.empty() && errors.empty() && res->Size() == gi.size()) email = groups[gi[n]].key;
        if (!id.empty() && !email.empty()) (void)ctx_.state->Put("contact:" + email, id);
      }
    }
    std::vector<std::size_t> unknown;  // groups whose fate the errors leave open
    const InputError* loose = nullptr;
    for (const InputError& e : errors) {
      bool placed = false;
      for (std::size_t k : gi) {
        if (!About(e, groups[k].key)) continue;
        placed = true;
        for (std::size_t i : groups[k].recs) {
          Judge(i, e.category == "VALIDATION_ERROR" ? Outcome::kReject : Outcome::kRetry,
                "HubSpot refused the contact: " + e.message);
        }
      }
      if (!placed && !loose) loose = &e;
    }
    if (!loose) return std::nullopt;
    for (std::size_t k : gi) {
      if (!judged_[groups[k].recs[0]]) unknown.push_back(k);
    }
    if (unknown.size() == 1) {
      for (std::size_t i : groups[unknown[0]].recs) {
        Judge(i, loose->category == "VALIDATION_ERROR" ? Outcome::kReject : Outcome::kRetry,
              "HubSpot refused the contact: " + loose->message);
      }
      return std::nullopt;
    }
    return Halves(unknown, [&](const std::vector<std::size_t>& h) { return Upsert(groups, h); });
  }

  // Sends the event occurrences of records idx; judges those refused.
  Verdict Events(const std::vector<std::size_t>& idx) {
    json::Document body;
    body.SetObject();
    auto& a = body.GetAllocator();
    json::Value inputs(rapidjson::kArrayType);
    for (std::size_t i : idx) {
      const MappedRecord& m = (*recs_)[i]->mapped;
      json::Document p;
      (void)json::Parse(m.properties, &p);  // checked in Deliver
      json::Value in(rapidjson::kObjectType);
      in.AddMember("eventName", json::StringValue(event_name_, a), a);
      in.AddMember("email", json::StringValue(m.email, a), a);
      in.AddMember("uuid", json::StringValue(uuids_[i], a), a);
      in.AddMember("occurredAt", json::StringValue(FormatIso8601Millis(m.timestamp_ms * 1000), a),
                   a);
      in.AddMember("properties", json::Value(p, a), a);
      inputs.PushBack(in, a);
    }
    body.AddMember("inputs", inputs, a);
    HttpResponse r = Post("/events/v3/send/batch", json::Write(body));
    if (BatchContentRejected(r.status)) {
      if (idx.size() == 1) {
        json::Document e;
        bool dup = r.status == 409;
        if (json::Parse(r.body, &e).ok() && e.IsObject())
          dup = dup || Duplicate(json::StringOr(e, "category"), json::StringOr(e, "message"));
        if (dup) {
          Judge(idx[0], Outcome::kDelivered, "");
        } else {
          Judge(idx[0], Outcome::kReject, "HubSpot refused the event: " + DescribeResponse(r));
        }
        return std::nullopt;
      }
      return Halves(idx, [&](const std::vector<std::size_t>& h) { return Events(h); });
    }
    if (r.status < 200 || r.status > 299) return Unavailable(r);
    json::Document d;
    if (r.body.empty() || !json::Parse(r.body, &d).ok() || !d.IsObject()) return std::nullopt;
    const InputError* loose = nullptr;
    std::vector<InputError> errors = InputErrors(d);
    for (const InputError& e : errors) {
      bool placed = false;
      for (std::size_t i : idx) {
        if (!About(e, uuids_[i])) continue;
        placed = true;
        if (Duplicate(e.category, e.message)) {
          Judge(i, Outcome::kDelivered, "");
        } else {
          Judge(i, e.category == "VALIDATION_ERROR" ? Outcome::kReject : Outcome::kRetry,
                "HubSpot refused the event: " + e.message);
        }
      }
      if (!placed && !loose) loose = &e;
    }
    if (!loose) return std::nullopt;
    // An error HubSpot did not tie to an input: resend the rest in halves
    // (uuids make that harmless) until it is tied to one record.
    std::vector<std::size_t> unknown;
    for (std::size_t i : idx) {
      if (!judged_[i]) unknown.push_back(i);
    }
    if (unknown.size() == 1) {
      if (Duplicate(loose->category, loose->message)) {
        Judge(unknown[0], Outcome::kDelivered, "");
      } else {
        Judge(unknown[0],
              loose->category == "VALIDATION_ERROR" ? Outcome::kReject : Outcome::kRetry,
              "HubSpot refused the event: " + loose->message);
      }
      return std::nullopt;
    }
    return Halves(unknown, [&](const std::vector<std::size_t>& h) { return Events(h); });
  }

  template <typename Fn>
  static Verdict Halves(const std::vector<std::size_t>& v, Fn fn) {
    if (v.empty()) return std::nullopt;
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    if (auto r = fn(std::vector<std::size_t>(v.begin(), mid))) return r;
    return fn(std::vector<std::size_t>(mid, v.end()));
  }

  ConnectorContext ctx_;
  std::string base_ = "https://api.hubapi.com";
  std::string token_;
  std::string event_name_;
  bool upsert_ = true;
  std::size_t batch_ = 100;
  std::chrono::milliseconds timeout_{30000};
  int reset_hour_ = 0;
  // The Deliver call in progress.
  const std::vector<const OutRecord*>* recs_ = nullptr;
  DeliveryResult out_;
  std::vector<bool> judged_;
  std::vector<std::string> uuids_;
};

}  // namespace

Status NewHubSpotConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<HubSpotConnector>(ctx, out);
}

}  // namespace lrs::sync
