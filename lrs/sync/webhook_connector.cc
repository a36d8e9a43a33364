// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Webhook connector (Standard Webhooks 1.0, https://www.standardwebhooks.com,
// spec/standard-webhooks.md of github.com/standard-webhooks/standard-webhooks):
// one signed HTTP POST per record.
//
// Body: {"type":"xapi.statement","timestamp":"<event time, ISO 8601>",
// "data":{...}}, where data is the mapped record ({"email","external_id",
// "event","timestamp","properties","contact","statement_id"}) or, with
// "payload": "statement", the stored statement itself, byte for byte
// (attachment metadata included, attachment payloads not sent).
// Headers: webhook-id (the record's idempotency key: the same on every
// retry, so the receiver de-duplicates), webhook-timestamp (unix seconds of
// this attempt), webhook-signature ("v1," + base64 HMAC-SHA256 over
// "<id>.<timestamp>.<body>" with the key of the "whsec_" secret).
//
// Settings: "url" (http:// or https://); "secret" (a secret setting:
// "whsec_" + base64 of a 24..64-byte key); "payload": "mapped" (default)
// or "statement" (whole statements carry education data, so it needs
// "categories_include_education": true); "batch_size" (messages sent
// concurrently, default 20, at most 100); "timeout_ms" (default 30000, the
// spec recommends 15..30 s).
//
// Responses: 2xx delivers. 410 Gone disables the destination. 429, 408,
// 5xx and transport errors make the destination unavailable (Retry-After
// honoured). A "webhook-delivery: abort-message" response header, with any
// status, rejects that record (this project's convention, not part of the
// spec: the receiver refuses the message for good). Any other status (3xx,
// 4xx) fails that record alone (kRetry).
//
// A batch with mixed outcomes: 410 anywhere disables the destination; else
// one destination-level failure makes the whole batch unavailable, and the
// relay re-sends it later, including messages that already passed. That is
// safe because the webhook-id does not change, so receivers drop repeats.

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/sync/connector.h"

namespace lrs::sync {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::size_t kMinKeyBytes = 24;  // 192 bits, the spec's minimum
constexpr std::size_t kMaxKeyBytes = 64;  // 512 bits, the spec's maximum

std::string Describe(const HttpResponse& r) {
  if (r.status == 0) return r.error.empty() ? std::string("no response") : r.error;
  std::string s = "HTTP " + std::to_string(r.status);
  if (!r.body.empty()) s += ": " + r.body.substr(0, 200);
  return s;
}

bool DestinationLevel(int status) {
  return status == 0 || status == 408 || status == 429 || status >= 500;
}

bool AbortRequested(const HttpResponse& r) {
  std::string_view v = r.Header("webhook-delivery");
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.size() != 13) return false;
  std::string lower(v);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "abort-message";
}

class WebhookConnector final : public Connector {
 public:
  explicit WebhookConnector(const ConnectorContext& ctx) : ctx_(ctx) {}
  ~WebhookConnector() override { OPENSSL_cleanse(key_.data(), key_.size()); }

  Status Init() {
    const json::Value& s = *ctx_.settings;
    std::string_view url = json::StringOr(s, "url");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return Status::InvalidArgument("url: must be an http:// or https:// URL");
    url_ = std::string(url);
    LRS_RETURN_IF_ERROR(InitKey(s));
    if (const json::Value* p = json::Member(s, "payload")) {
      std::string_view mode = p->IsString() ? json::View(*p) : std::string_view();
      if (mode == "statement") {
        if (!IncludesEducation(s))
          return Status::InvalidArgument(
              "payload: \"statement\" sends whole statements, which carry education data "
              "(scores, responses, attempts); allowed only when the destination's categories "
              "include education");
        whole_statements_ = true;
      } else if (mode != "mapped") {
        return Status::InvalidArgument("payload: must be \"mapped\" or \"statement\"");
      }
    }
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 100, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_; }
  bool uses_mapping() const override { return !whole_statements_; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    const std::string timestamp = std::to_string(ctx_.clock->NowMicros() / 1'000'000);
    DeliveryResult result;
    result.records.assign(records.size(), RecordResult{});
    std::vector<HttpRequest> reqs;
    std::vector<std::size_t> index;  // reqs[k] carries records[index[k]]
    for (std::size_t i = 0; i < records.size(); ++i) {
      const OutRecord& rec = *records[i];
      std::string body;
      if (Status st = BuildBody(rec, &body); !st.ok()) {
        result.records[i] = {Outcome::kReject, st.message()};
        continue;
      }
      HttpRequest req;
      req.method = "POST";
      req.url = url_;
      req.timeout = timeout_;
      req.headers = {{"content-type", "application/json"},
                     {"webhook-id", rec.idempotency_key},
                     {"webhook-timestamp", timestamp},
                     {"webhook-signature", Sign(rec.idempotency_key, timestamp, body)}};
      req.body = std::move(body);
      reqs.push_back(std::move(req));
      index.push_back(i);
    }
    if (reqs.empty()) return result;
    std::vector<HttpResponse> resps;
    ctx_.transport->SendAll(reqs, &resps);
    resps.resize(reqs.size());  // a short answer reads as "no response"

    const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
    bool gone = false;
    std::string unavailable;
    std::chrono::milliseconds retry_after{-1};
    for (std::size_t k = 0; k < resps.size(); ++k) {
      const HttpResponse& r = resps[k];
      RecordResult& out = result.records[index[k]];
      if (AbortRequested(r)) {
        out = {Outcome::kReject,
               "the receiver refused this message (webhook-delivery: abort-message; " +
                   Describe(r) + ")"};
      } else if (r.status >= 200 && r.status < 300) {
        continue;
      } else if (r.status == 410) {
        gone = true;
      } else if (DestinationLevel(r.status)) {
        if (unavailable.empty()) unavailable = Describe(r);
        retry_after = std::max(retry_after, ParseRetryAfter(r.Header("retry-after"), now_ms));
      } else {
        out = {Outcome::kRetry, Describe(r)};
      }
    }
    if (gone) {
      DeliveryResult d;
      d.kind = DeliveryResult::Kind::kDisabled;
      d.error = "endpoint gone: the receiver answered 410 Gone and asked to stop sending";
      return d;
    }
    if (!unavailable.empty()) return DeliveryResult::Unavailable(unavailable, retry_after);
    return result;
  }

 private:
  Status InitKey(const json::Value& s) {
    std::string secret;
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "secret", &secret));
    Status st;
    if (secret.rfind(kSecretPrefix, 0) != 0) {
      st = Status::InvalidArgument(
          "secret: must be a Standard Webhooks secret, \"whsec_\" followed by the base64 key");
    } else if (!Base64Decode(std::string_view(secret).substr(kSecretPrefix.size()), false, &key_)) {
      st = Status::InvalidArgument("secret: the part after \"whsec_\" is not valid base64");
    } else if (key_.size() < kMinKeyBytes || key_.size() > kMaxKeyBytes) {
      st = Status::InvalidArgument("secret: the key must be 24 to 64 bytes, it has " +
                                   std::to_string(key_.size()));
    }
    OPENSSL_cleanse(secret.data(), secret.size());
    return st;
  }

  // "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)).
  std::string Sign(const std::string& id, const std::string& timestamp,
                   const std::string& body) const {
    std::string content;
    content.reserve(id.size() + timestamp.size() + body.size() + 2);
    content.append(id).append(".").append(timestamp).append(".").append(body);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
         reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
    return "v1," + Base64Encode(std::string_view(reinterpret_cast<const char*>(mac), len));
  }

  Status BuildBody(const OutRecord& rec, std::string* body) const {
    if (whole_statements_) {
      // The stored statement goes byte for byte; the event time is its
      // "timestamp" (set by the LRS when the client gave none).
      json::Document st;
      LRS_RETURN_IF_ERROR(json::Parse(rec.statement, &st).WithPrefix("statement: "));
      std::string when;
      if (st.IsObject()) {
        when = json::StringOr(st, "timestamp");
        if (when.empty()) when = json::StringOr(st, "stored");
      }
      ParsedTime t;
      when = ParseIso8601(when, &t) ? FormatIso8601Millis(t.micros) : std::string();
      *body = "{\"type\":\"xapi.statement\",\"timestamp\":\"" + when + "\",\"data\":";
      body->append(rec.statement);
      body->push_back('}');
      return Status::OK();
    }
    const MappedRecord& m = rec.mapped;
    json::Document doc(rapidjson::kObjectType);
    json::Allocator& a = doc.GetAllocator();
    const std::string when = FormatIso8601Millis(m.timestamp_ms * 1000);
    json::Value data(rapidjson::kObjectType);
    auto str_or_null = [&](const std::string& v) {
      return v.empty() ? json::Value() : json::StringValue(v, a);
    };
    data.AddMember("email", str_or_null(m.email), a);
    data.AddMember("external_id", str_or_null(m.external_id), a);
    data.AddMember("event", json::StringValue(m.event, a), a);
    data.AddMember("timestamp", json::StringValue(when, a), a);
    json::Document properties, contact;
    if (!json::Parse(m.properties, &properties).ok() || !properties.IsObject())
      return Status::InvalidArgument("mapped properties are not a JSON object");
    if (!json::Parse(m.contact, &contact).ok() || !contact.IsObject())
      return Status::InvalidArgument("mapped contact is not a JSON object");
    data.AddMember("properties", json::Value(properties, a), a);
    data.AddMember("contact", json::Value(contact, a), a);
    data.AddMember("statement_id", json::StringValue(rec.statement_id, a), a);
    doc.AddMember("type", "xapi.statement", a);
    doc.AddMember("timestamp", json::StringValue(when, a), a);
    doc.AddMember("data", data, a);
    *body = json::Write(doc);
    return Status::OK();
  }

  ConnectorContext ctx_;
  std::string url_;
  std::string key_;  // the HMAC key: decoded bytes of the secret
  bool whole_statements_ = false;
  std::size_t batch_ = 20;
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace

Status NewWebhookConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<WebhookConnector>(ctx, out);
}

}  // namespace lrs::sync
