// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Salesforce connector: each statement becomes one record of a custom
// object (default Learning_Event__c), upserted by an external id field that
// holds the statement id, so a repeat updates the record instead of adding
// one.
//
// Vendor contract (REST API, sObject Collections upsert, API 46.0+,
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-upsert.html):
//   PATCH {instance_url}/services/data/{api_version}/composite/sobjects/
//         {object}/{external_id_field}
//   Authorization: Bearer <access token>
//   {"allOrNone": false, "records": [{"attributes": {"type": "<object>"},
//    "<external_id_field>": "<statement id>", ...}, ...]}   (at most 200)
// A well-formed request gets 200 and one UpsertResult per record, in
// order: {"id", "success": true, "created": bool, "errors": []} or
// {"success": false, "errors": [{"statusCode", "message", "fields"}]}.
// Request-level errors are 4xx/5xx with [{"errorCode", "message"}]
// (https://developer.salesforce.com/docs/platform/api-rest/guide/errorcodes.html):
// 401 INVALID_SESSION_ID (expired or revoked session), 403
// REQUEST_LIMIT_EXCEEDED (the org's API request limit), 400 for a request
// Salesforce cannot take (unknown field, a value of the wrong JSON type).
//
// Settings (besides the OAuth ones of salesforce_auth.h: "auth",
// "login_url", "instance_url", "jwt_audience", client_id, client_secret,
// username, private_key, refresh_token):
//   "object"             sObject API name (default "Learning_Event__c")
//   "external_id_field"  external id field (default "Statement_Id__c")
//   "api_version"        default "v59.0"
//   "field_names"        {"<mapped property>": "<Field API name>" | null}:
//                        renames (null drops) a property; unlisted ones go
//                        to "<property>__c". The keys "$email", "$event",
//                        "$occurred_at" and "$external_id" rename the
//                        standard fields: Email__c <- mapped.email,
//                        Event__c <- mapped.event, Occurred_At__c <- the
//                        statement's timestamp (ISO 8601, ms, UTC), and
//                        the learner's external id (not sent by default).
//   "batch_size"         records per upsert call (default 200, the maximum)
//   "parallel_requests"  upsert calls sent at once (default 4, at most 10);
//                        one Deliver takes batch_size x parallel_requests
//                        records. Each call counts against the org's
//                        daily API requests.
//   "timeout_ms"         per HTTP exchange (default 30000)
//
// Verdicts: per record, success delivers (the Salesforce id is kept in the
// destination's state as "sf:<statement id>"); errors that the same data
// will always hit (REQUIRED_FIELD_MISSING, INVALID_FIELD, STRING_TOO_LONG,
// FIELD_CUSTOM_VALIDATION_EXCEPTION, INVALID_TYPE_ON_FIELD_IN_RECORD,
// DUPLICATE_VALUE, ...) reject; UNABLE_TO_LOCK_ROW and unknown codes retry.
// A request-level 400 naming a missing object or field (INVALID_FIELD "No
// such column", NOT_FOUND, INVALID_TYPE) means the settings do not fit the
// org: the destination is unavailable. Any other request-level 400 (e.g.
// JSON_PARSER_ERROR for a value of the wrong type) is bisected to find the
// records causing it, and a single such record is rejected; when both
// halves of a split fail with the parent's errorCode the cause is taken to
// be the settings too (this also bounds the calls a systematic error
// costs). A 401 renews the token once (one token request shared by every
// call of the batch that got 401: single flight); 401 again, 403
// (REQUEST_LIMIT_EXCEEDED: Retry-After or 60 s), 429, 5xx, other statuses
// and transport errors make the destination unavailable for the whole
// batch: the relay re-sends it later, which the upsert makes harmless.

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

#include "lrs/common/time.h"
#include "lrs/sync/connector.h"
#include "lrs/sync/salesforce_auth.h"

namespace lrs::sync {
namespace {

constexpr std::size_t kMaxCollection = 200;  // sObject Collections limit
constexpr std::chrono::milliseconds kRequestLimitPause{60000};
constexpr int kMaxRounds = 24;  // bisection depth + one renewal, with room

// Error codes the same record will meet again: dead-letter at once.
const std::set<std::string_view>& PermanentCodes() {
  // clang-format off
  static const auto* codes = new std::set<std::string_view>{
      "REQUIRED_FIELD_MISSING", "INVALID_FIELD", "INVALID_FIELD_FOR_INSERT_UPDATE",
      "STRING_TOO_LONG", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "FIELD_INTEGRITY_EXCEPTION",
      "INVALID_TYPE_ON_FIELD_IN_RECORD", "DUPLICATE_VALUE", "DUPLICATES_DETECTED",
      "DUPLICATE_EXTERNAL_ID", "INVALID_EMAIL_ADDRESS", "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
      "NUMBER_OUTSIDE_VALID_RANGE", "MALFORMED_ID", "INVALID_ID_FIELD",
      "INVALID_CROSS_REFERENCE_KEY", "JSON_PARSER_ERROR", "ENTITY_IS_DELETED"};
  // clang-format on
  return *codes;
}

// Request-level 400 codes that mean the settings do not fit the org: the
// object or a field does not exist ("No such column 'X__c' on sobject of
// type Y": add the field or map the property to null). Not a record's
// fault, so nothing is dead-lettered for it.
bool SettingsError(std::string_view code) {
  return code == "INVALID_FIELD" || code == "NOT_FOUND" || code == "INVALID_TYPE" ||
         code == "API_DISABLED_FOR_ORG";
}

bool IsApiName(std::string_view s) {
  if (s.empty() || s.size() > 120 || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

// "<p>__c" with p reduced to what a custom field name may hold (letters,
// digits, single underscores, starting with a letter); empty when nothing
// usable is left.
std::string DefaultField(std::string_view p) {
  std::string s;
  for (char c : p) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c));
    if (ok)
      s += c;
    else if (!s.empty() && s.back() != '_')
      s += '_';
  }
  while (!s.empty() && s.back() == '_') s.pop_back();
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return {};
  return s + "__c";
}

// The first error of a Salesforce error body: {errorCode, message}.
std::pair<std::string, std::string> FirstError(const HttpResponse& r) {
  json::Document d;
  if (!json::Parse(r.body, &d).ok()) return {};
  const json::Value* e = d.IsArray() && !d.Empty() ? &d[0] : &d;
  if (!e->IsObject()) return {};
  std::string_view code = json::StringOr(*e, "errorCode");
  if (code.empty()) code = json::StringOr(*e, "error");
  std::string_view msg = json::StringOr(*e, "message");
  return {std::string(code), std::string(msg.substr(0, 300))};
}

std::string Describe(const HttpResponse& r) {
  if (r.status == 0)
    return "Salesforce: " + (r.error.empty() ? std::string("no response") : r.error);
  std::string s = "Salesforce: HTTP " + std::to_string(r.status);
  auto [code, msg] = FirstError(r);
  if (!code.empty()) s += " " + code;
  if (!msg.empty()) s += ": " + msg;
  if (code.empty() && msg.empty() && !r.body.empty()) s += ": " + r.body.substr(0, 200);
  return s;
}

// A slice of the batch sent as one upsert call.
struct Chunk {
  std::vector<std::size_t> idx;  // record positions, in stored order
  int parent = -1;               // bisection: chunks of one parent share it
  std::string parent_code;       // the parent's 400 errorCode, for that comparison
};

class SalesforceConnector final : public Connector {
 public:
  explicit SalesforceConnector(const ConnectorContext& ctx) : ctx_(ctx) {}

  Status Init() {
    const json::Value& s = *ctx_.settings;
    LRS_RETURN_IF_ERROR(NameSetting(s, "object", &object_));
    LRS_RETURN_IF_ERROR(NameSetting(s, "external_id_field", &ext_field_));
    if (const json::Value* v = json::Member(s, "api_version")) {
      std::string_view ver = v->IsString() ? json::View(*v) : std::string_view();
      const auto dot = ver.find('.');
      if (ver.size() < 4 || ver[0] != 'v' || dot == std::string_view::npos || dot < 2 ||
          dot + 1 == ver.size() || !std::all_of(ver.begin() + 1, ver.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
          }))
        return Status::InvalidArgument("api_version: must look like \"v59.0\"");
      api_version_ = std::string(ver);
    }
    // Not "fields": that is the mapping's (docs/sync-mapping.md).
    if (const json::Value* f = json::Member(s, "field_names")) {
      if (!f->IsObject()) return Status::InvalidArgument("field_names: must be an object");
      for (const auto& m : f->GetObject()) {
        const std::string key(json::View(m.name));
        if (m.value.IsNull()) {
          fields_[key] = "";
        } else if (m.value.IsString() && IsApiName(json::View(m.value))) {
          fields_[key] = std::string(json::View(m.value));
        } else {
          return Status::InvalidArgument("field_names." + key +
                                         ": must be a field API name or null");
        }
        if (key[0] == '$' && key != "$email" && key != "$event" && key != "$occurred_at" &&
            key != "$external_id")
          return Status::InvalidArgument("field_names." + key +
                                         ": unknown ($email, $event, $occurred_at, $external_id)");
      }
    }
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, kMaxCollection, &batch_));
    LRS_RETURN_IF_ERROR(UintSetting(s, "parallel_requests", 1, 10, &parallel_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    return SalesforceAuth::Create(ctx_, &auth_);
  }

  std::size_t max_batch() const override { return batch_ * parallel_; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    DeliveryResult result;
    result.records.assign(records.size(), RecordResult{});
    // One upsert per statement id: a repeat in the batch shares the verdict
    // (the same external id twice in one call fails both).
    std::vector<std::size_t> first(records.size());
    std::unordered_map<std::string_view, std::size_t> seen;
    std::vector<std::size_t> unique;
    bodies_.assign(records.size(), std::string());
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto [it, fresh] = seen.emplace(records[i]->statement_id, i);
      first[i] = it->second;
      if (!fresh) continue;
      if (Status st = BuildRecord(*records[i], &bodies_[i]); !st.ok()) {
        result.records[i] = {Outcome::kReject, st.message()};
        continue;
      }
      unique.push_back(i);
    }
    std::vector<Chunk> pending;
    for (std::size_t k = 0; k < unique.size(); k += batch_) {
      Chunk c;
      c.idx.assign(unique.begin() + k, unique.begin() + std::min(unique.size(), k + batch_));
      pending.push_back(std::move(c));
    }
    if (!pending.empty()) {
      DeliveryResult failed;
      if (!Send(records, std::move(pending), &result, &failed)) return failed;
    }
    for (std::size_t i = 0; i < records.size(); ++i)
      if (first[i] != i) result.records[i] = result.records[first[i]];
    return result;
  }

 private:
  static Status NameSetting(const json::Value& s, std::string_view name, std::string* out) {
    const json::Value* v = json::Member(s, name);
    if (!v) return Status::OK();
    if (!v->IsString() || !IsApiName(json::View(*v)))
      return Status::InvalidArgument(std::string(name) + ": must be a Salesforce API name");
    *out = std::string(json::View(*v));
    return Status::OK();
  }


  // The field a mapped property (or a "$" standard value) goes to; empty:
  // not sent.
  std::string FieldFor(std::string_view key, std::string_view fallback) const {
    auto it = fields_.find(std::string(key));
    return it != fields_.end() ? it->second : std::string(fallback);
  }

  // One record of the upsert body: {"attributes":..., ext: id, ...}.
  Status BuildRecord(const OutRecord& r, std::string* out) const {
    json::Document props;
    if (!json::Parse(r.mapped.properties, &props).ok() || !props.IsObject())
      return Status::InvalidArgument("mapped properties are not a JSON object");
    json::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    std::set<std::string> used;  // lowercased: field names are case-insensitive
    auto add = [&](const std::string& field, json::Value v) {
      std::string lower = field;
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (field.empty() || !used.insert(std::move(lower)).second) return;  // first wins
      d.AddMember(json::StringValue(field, a), v, a);
    };
    json::Value attrs(rapidjson::kObjectType);
    attrs.AddMember("type", json::StringValue(object_, a), a);
    d.AddMember("attributes", attrs, a);
    add(ext_field_, json::StringValue(r.statement_id, a));
    if (!r.mapped.email.empty())
      add(FieldFor("$email", "Email__c"), json::StringValue(r.mapped.email, a));
    if (!r.mapped.event.empty())
      add(FieldFor("$event", "Event__c"), json::StringValue(r.mapped.event, a));
    if (r.mapped.timestamp_ms != 0)
      add(FieldFor("$occurred_at", "Occurred_At__c"),
          json::StringValue(FormatIso8601Millis(r.mapped.timestamp_ms * 1000), a));
    if (!r.mapped.external_id.empty())
      add(FieldFor("$external_id", ""), json::StringValue(r.mapped.external_id, a));
    for (auto& m : props.GetObject()) {
      const std::string_view name = json::View(m.name);
      const std::string field = FieldFor(name, DefaultField(name));
      if (m.value.IsObject() || m.value.IsArray()) {
        add(field, json::StringValue(json::Write(m.value), a));  // mappings give scalars
      } else {
        add(field, json::Value(m.value, a));
      }
    }
    *out = json::Write(d);
    return Status::OK();
  }

  HttpRequest UpsertRequest(const SalesforceSession& session, const Chunk& c) const {
    HttpRequest req;
    req.method = "PATCH";
    req.url = session.instance_url + "/services/data/" + api_version_ + "/composite/sobjects/" +
              object_ + "/" + ext_field_;
    req.timeout = timeout_;
    req.headers = {{"Authorization", "Bearer " + session.access_token},
                   {"Content-Type", "application/json"},
                   {"Accept", "application/json"}};
    req.body = R"({"allOrNone":false,"records":[)";
    for (std::size_t k = 0; k < c.idx.size(); ++k) {
      if (k) req.body += ',';
      req.body += bodies_[c.idx[k]];
    }
    req.body += "]}";
    return req;
  }

  // Sends the chunks, renewing the session once and bisecting request-level
  // 400s, and fills result->records. False with *failed set when the
  // destination as a whole is unavailable.
  bool Send(const std::vector<const OutRecord*>& records, std::vector<Chunk> pending,
            DeliveryResult* result, DeliveryResult* failed) {
    const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
    SalesforceSession session;
    std::chrono::milliseconds ra;
    if (Status s = auth_->Current(&session, &ra); !s.ok()) {
      *failed = DeliveryResult::Unavailable(s.message(), ra);
      return false;
    }
    bool renewed = false;
    int next_parent = 0;
    for (int round = 0; !pending.empty(); ++round) {
      if (round == kMaxRounds) {
        *failed = DeliveryResult::Unavailable("Salesforce: the batch did not settle");
        return false;
      }
      std::vector<HttpRequest> reqs;
      for (const Chunk& c : pending) reqs.push_back(UpsertRequest(session, c));
      std::vector<HttpResponse> resps;
      ctx_.transport->SendAll(reqs, &resps);
      reqs.clear();  // they hold the access token
      std::vector<Chunk> next;
      std::vector<std::size_t> stale;
      std::map<int, std::vector<std::string>> halves;  // parent -> errors of its halves
      bool down = false;
      for (std::size_t i = 0; i < pending.size(); ++i) {
        Chunk& c = pending[i];
        const HttpResponse& r = resps[i];
        if (r.status == 200 && ApplyResults(r, c, records, result)) continue;
        if (r.status == 401) {
          stale.push_back(i);
          continue;
        }
        const std::string code = FirstError(r).first;
        if (r.status == 400 && !SettingsError(code)) {
          const std::string error = Describe(r);
          if (c.parent >= 0 && code == c.parent_code) halves[c.parent].push_back(error);
          if (c.idx.size() == 1) {
            result->records[c.idx[0]] = {Outcome::kReject, error};
            continue;
          }
          const std::size_t mid = c.idx.size() / 2;
          for (int h = 0; h < 2; ++h) {
            Chunk half;
            half.idx.assign(c.idx.begin() + (h ? mid : 0), h ? c.idx.end() : c.idx.begin() + mid);
            half.parent = next_parent;
            half.parent_code = code;
            next.push_back(std::move(half));
          }
          ++next_parent;
          continue;
        }
        // The destination as a whole: keep the first reason, the longest wait.
        std::chrono::milliseconds wait = ParseRetryAfter(r.Header("retry-after"), now_ms);
        std::string why = Describe(r);
        if (r.status == 200)
          why = "Salesforce: unexpected upsert response (not one result per record)";
        if (r.status == 403 && code == "REQUEST_LIMIT_EXCEEDED" && wait.count() < 0)
          wait = kRequestLimitPause;
        if (!down) *failed = DeliveryResult::Unavailable(why, wait);
        failed->retry_after = std::max(failed->retry_after, wait);
        down = true;
      }
      if (down) return false;
      for (const auto& [parent, errors] : halves) {
        if (errors.size() == 2) {  // both halves refused as the whole was
          *failed = DeliveryResult::Unavailable(
              errors[0] +
              " (every part of the batch fails alike: check the field_names setting and "
              "the field types)");
          return false;
        }
      }
      if (!stale.empty()) {
        if (renewed) {
          *failed =
              DeliveryResult::Unavailable(Describe(resps[stale[0]]) + " (after re-authentication)");
          return false;
        }
        // One renewal for every call that got 401 (single flight).
        if (Status s = auth_->Renew(session, &session, &ra); !s.ok()) {
          *failed = DeliveryResult::Unavailable(s.message(), ra);
          return false;
        }
        renewed = true;
        for (std::size_t i : stale) next.push_back(std::move(pending[i]));
      }
      pending = std::move(next);
    }
    return true;
  }

  // Maps a 200 upsert answer onto the chunk's records. False when the
  // answer is not one UpsertResult per record.
  bool ApplyResults(const HttpResponse& r, const Chunk& c,
                    const std::vector<const OutRecord*>& records, DeliveryResult* result) {
    json::Document d;
    if (!json::Parse(r.body, &d).ok() || !d.IsArray() || d.Size() != c.idx.size()) return false;
    for (rapidjson::SizeType k = 0; k < d.Size(); ++k) {
      const json::Value& u = d[k];
      if (!u.IsObject()) return false;
    }
    for (rapidjson::SizeType k = 0; k < d.Size(); ++k) {
      const json::Value& u = d[k];
      const std::size_t i = c.idx[k];
      const json::Value* ok = json::Member(u, "success");
      if (ok && ok->IsBool() && ok->GetBool()) {
        result->records[i] = RecordResult{};
        RememberId(records[i]->statement_id, json::StringOr(u, "id"));
        continue;
      }
      bool permanent = false;
      std::string why;
      if (const json::Value* errs = json::Member(u, "errors"); errs && errs->IsArray()) {
        for (const json::Value& e : errs->GetArray()) {
          const std::string_view code = json::StringOr(e, "statusCode");
          permanent = permanent || PermanentCodes().count(code) > 0;
          if (!why.empty()) why += "; ";
          why +=
              std::string(code) + ": " + std::string(json::StringOr(e, "message").substr(0, 300));
          if (const json::Value* f = json::Member(e, "fields"); f && f->IsArray() && !f->Empty()) {
            why += " (fields:";
            for (const json::Value& n : f->GetArray())
              if (n.IsString()) why += " " + std::string(json::View(n));
            why += ")";
          }
        }
      }
      if (why.empty()) why = "Salesforce: upsert failed without an error";
      result->records[i] = {permanent ? Outcome::kReject : Outcome::kRetry, "Salesforce: " + why};
    }
    return true;
  }

  // The remote-id map: "sf:<statement id>" -> Salesforce record id.
  void RememberId(const std::string& statement_id, std::string_view id) {
    if (id.empty()) return;
    const std::string key = "sf:" + statement_id;
    std::string old;
    if (ctx_.state->Get(key, &old).ok() && old == id) return;
    (void)ctx_.state->Put(key, id);  // a lost entry is refilled by the next upsert
  }

  ConnectorContext ctx_;
  std::unique_ptr<SalesforceAuth> auth_;
  std::string object_ = "Learning_Event__c";
  std::string ext_field_ = "Statement_Id__c";
  std::string api_version_ = "v59.0";
  std::map<std::string, std::string> fields_;  // property or "$..." -> field ("": dropped)
  std::size_t batch_ = kMaxCollection;
  std::size_t parallel_ = 4;
  std::chrono::milliseconds timeout_{30000};
  std::vector<std::string> bodies_;  // per Deliver: record JSON by position
};

}  // namespace

Status NewSalesforceConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<SalesforceConnector>(ctx, out);
}

}  // namespace lrs::sync
