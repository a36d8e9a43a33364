// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Segment connector: the Segment HTTP Tracking API batch endpoint
// (https://segment.com/docs/connections/sources/catalog/libraries/server/http-api/),
// which RudderStack's data plane also serves (<data plane URL>/v1/batch).
//
// One POST carries {"batch":[...],"sentAt":"<ISO>"}. Per record, when its
// mapped contact has attributes, an "identify" message (userId, traits =
// contact, messageId = idempotency key + "-identify"); then always a "track"
// message (event, userId, properties + "statement_id", context.library,
// timestamp, messageId = idempotency key). userId is the mapped external id,
// else the e-mail address. Segment de-duplicates by messageId, so a batch
// sent again (after a timeout, say) is applied once.
//
// Settings: "url" (default "https://api.segment.io/v1/batch"); "write_key"
// (a secret setting; HTTP Basic auth with the write key as user name and an
// empty password); "batch_size" (records per Deliver, default 100, at most
// 1000); "timeout_ms" (default 30000).
//
// Vendor limits: 32 KB per message (a larger record is rejected here, as
// Segment would reject the request holding it), 500 KB per request (a
// batch is split into several requests, sent concurrently). Segment answers
// 200 to nearly everything (invalid events show in its debugger) and 400
// to a request it cannot take (bad JSON, too large).
//
// Responses: 200 delivers the request's records. 400 (or 413): each record
// of that request is sent alone once to find the bad ones, which are
// rejected with the vendor's error text. 401 / 403 (write key rejected),
// 429 (with Retry-After), 5xx, other statuses and transport errors make the
// destination unavailable; then the whole batch is retried later, which
// messageId de-duplication makes safe. A record with neither e-mail nor
// external id is rejected ("no user identity"), as is one without an event
// name (Segment drops such a track call although it answers 200).

#include <algorithm>
#include <optional>

#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/sync/connector.h"

namespace lrs::sync {
namespace {

constexpr std::string_view kDefaultUrl = "https://api.segment.io/v1/batch";
constexpr std::size_t kMaxMessageBytes = 32 * 1024;
// Segment documents 500 KB per request; stay under the decimal reading.
constexpr std::size_t kMaxRequestBytes = 500 * 1000;

bool RequestRejected(int status) { return status == 400 || status == 413; }

// The messages of one record, serialized; empty with error set when the
// record cannot go.
struct Prepared {
  std::vector<std::string> messages;
  std::size_t bytes = 0;  // sum of message sizes
  std::string error;
};

class SegmentConnector final : public Connector {
 public:
  explicit SegmentConnector(const ConnectorContext& ctx) : ctx_(ctx) {}

  Status Init() {
    const json::Value& s = *ctx_.settings;
    std::string_view url = json::StringOr(s, "url", kDefaultUrl);
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return Status::InvalidArgument(
          "url: must be an http:// or https:// URL (Segment: https://api.segment.io/v1/batch; "
          "RudderStack: the data plane URL + /v1/batch)");
    url_ = std::string(url);
    std::string key;
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "write_key", &key));
    auth_ = "Basic " + Base64Encode(key + ":");
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 1000, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    DeliveryResult result;
    result.records.assign(records.size(), RecordResult{});
    std::vector<Prepared> prepared(records.size());
    std::vector<std::size_t> sendable;
    for (std::size_t i = 0; i < records.size(); ++i) {
      Prepare(*records[i], &prepared[i]);
      if (prepared[i].error.empty()) {
        sendable.push_back(i);
      } else {
        result.records[i] = {Outcome::kReject, prepared[i].error};
      }
    }
    // Pack records in order into requests under the size limit; a record's
    // identify and track stay together.
    std::vector<std::vector<std::size_t>> groups;
    std::size_t group_bytes = 0;
    for (std::size_t i : sendable) {
      const std::size_t need = prepared[i].bytes + prepared[i].messages.size();  // + commas
      if (groups.empty() || group_bytes + need > kMaxRequestBytes - kEnvelopeBytes) {
        groups.emplace_back();
        group_bytes = 0;
      }
      groups.back().push_back(i);
      group_bytes += need;
    }
    std::vector<HttpResponse> resps;
    Send(prepared, groups, &resps);
    if (auto u = FirstUnavailable(resps)) return *u;

    // Requests refused as a whole: every record of them alone, once.
    std::vector<std::vector<std::size_t>> singles;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      if (!RequestRejected(resps[g].status)) continue;
      if (groups[g].size() == 1) {
        result.records[groups[g][0]] = {Outcome::kReject, DescribeResponse(resps[g])};
        continue;
      }
      for (std::size_t i : groups[g]) singles.push_back({i});
    }
    if (singles.empty()) return result;
    Send(prepared, singles, &resps);
    if (auto u = FirstUnavailable(resps)) return *u;
    for (std::size_t k = 0; k < singles.size(); ++k) {
      if (RequestRejected(resps[k].status))
        result.records[singles[k][0]] = {Outcome::kReject, DescribeResponse(resps[k])};
    }
    return result;
  }

 private:
  // {"batch":[ ... ],"sentAt":"2026-01-01T00:00:00.000Z"}
  static constexpr std::size_t kEnvelopeBytes = 64;

  void Prepare(const OutRecord& rec, Prepared* out) const {
    const MappedRecord& m = rec.mapped;
    const std::string& user_id = !m.external_id.empty() ? m.external_id : m.email;
    if (user_id.empty()) {
      out->error = "no user identity: the record has neither an e-mail address nor an external id";
      return;
    }
    if (m.event.empty()) {
      out->error = "no event name: Segment drops a track call without one";
      return;
    }
    json::Document properties, contact;
    if (!json::Parse(m.properties, &properties).ok() || !properties.IsObject()) {
      out->error = "mapped properties are not a JSON object";
      return;
    }
    if (!json::Parse(m.contact, &contact).ok() || !contact.IsObject()) {
      out->error = "mapped contact is not a JSON object";
      return;
    }
    const std::string when = m.timestamp_ms != 0 ? FormatIso8601Millis(m.timestamp_ms * 1000) : "";
    auto common = [&](json::Document* d, std::string_view type, const std::string& message_id) {
      json::Allocator& a = d->GetAllocator();
      d->SetObject();
      d->AddMember("type", json::StringValue(type, a), a);
      d->AddMember("userId", json::StringValue(user_id, a), a);
      d->AddMember("messageId", json::StringValue(message_id, a), a);
      if (!when.empty()) d->AddMember("timestamp", json::StringValue(when, a), a);
      json::Value library(rapidjson::kObjectType), context(rapidjson::kObjectType);
      library.AddMember("name", "lrs", a);
      library.AddMember("version", "1", a);
      context.AddMember("library", library, a);
      d->AddMember("context", context, a);
    };
    if (contact.MemberCount() > 0) {
      json::Document identify;
      common(&identify, "identify", rec.idempotency_key + "-identify");
      identify.AddMember("traits", json::Value(contact, identify.GetAllocator()),
                         identify.GetAllocator());
      out->messages.push_back(json::Write(identify));
    }
    json::Document track;
    json::Allocator& a = track.GetAllocator();
    common(&track, "track", rec.idempotency_key);
    track.AddMember("event", json::StringValue(m.event, a), a);
    json::Value props(properties, a);
    props.RemoveMember("statement_id");
    props.AddMember("statement_id", json::StringValue(rec.statement_id, a), a);
    track.AddMember("properties", props, a);
    out->messages.push_back(json::Write(track));
    for (const std::string& msg : out->messages) {
      if (msg.size() > kMaxMessageBytes) {
        out->error = "message of " + std::to_string(msg.size()) +
                     " bytes exceeds Segment's limit of 32 KB per message";
        out->messages.clear();
        return;
      }
      out->bytes += msg.size();
    }
  }

  // One request per group, all at once: (*resps)[g] answers groups[g].
  void Send(const std::vector<Prepared>& prepared,
            const std::vector<std::vector<std::size_t>>& groups, std::vector<HttpResponse>* resps) {
    const std::string sent_at = FormatIso8601Millis(ctx_.clock->NowMicros());
    std::vector<HttpRequest> reqs(groups.size());
    for (std::size_t g = 0; g < groups.size(); ++g) {
      HttpRequest& req = reqs[g];
      req.method = "POST";
      req.url = url_;
      req.timeout = timeout_;
      req.headers = {{"Content-Type", "application/json"}, {"Authorization", auth_}};
      std::string& b = req.body;
      b = "{\"batch\":[";
      bool first = true;
      for (std::size_t i : groups[g]) {
        for (const std::string& msg : prepared[i].messages) {
          if (!first) b += ',';
          first = false;
          b += msg;
        }
      }
      b += "],\"sentAt\":\"" + sent_at + "\"}";
    }
    resps->clear();
    if (!reqs.empty()) ctx_.transport->SendAll(reqs, resps);
    resps->resize(reqs.size());  // a short answer reads as "no response"
  }

  // The verdict on the destination when a response condemns it as a whole.
  std::optional<DeliveryResult> FirstUnavailable(const std::vector<HttpResponse>& resps) {
    const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
    std::optional<DeliveryResult> out;
    for (const HttpResponse& r : resps) {
      if ((r.status >= 200 && r.status < 300) || RequestRejected(r.status)) continue;
      std::string why = DescribeResponse(r);
      if (r.status == 401 || r.status == 403) why = "write key rejected (" + why + ")";
      auto wait = ParseRetryAfter(r.Header("retry-after"), now_ms);
      if (!out) {
        out = DeliveryResult::Unavailable(std::move(why), wait);
      } else {
        out->retry_after = std::max(out->retry_after, wait);
      }
    }
    return out;
  }

  ConnectorContext ctx_;
  std::string url_;
  std::string auth_;  // "Basic ..." (holds the write key: never logged)
  std::size_t batch_ = 100;
  std::chrono::milliseconds timeout_{30000};
};

}  // namespace

Status NewSegmentConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<SegmentConnector>(ctx, out);
}

}  // namespace lrs::sync
