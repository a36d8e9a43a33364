// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Connector: how records reach one kind of destination (an upstream xAPI
// LRS, a signed webhook, HubSpot, Salesforce, Marketo, a Segment-compatible
// collector). One file per connector under lrs/sync/, each tested against
// a loopback mock of the vendor's contract (tests/sync/).
//
// The relay (relay.h) owns delivery rules: what to read, when to retry,
// backoff, the circuit breaker, the dead-letter queue, per-learner order,
// rate limits. A connector only turns a batch of records into requests and
// the responses into a verdict per record, or a verdict on the destination.
//
// Thread safety: the relay calls one connector from one thread at a time.

#ifndef LRS_SYNC_CONNECTOR_H_
#define LRS_SYNC_CONNECTOR_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/store.h"
#include "lrs/sync/mapping.h"
#include "lrs/sync/network_guard.h"
#include "lrs/sync/transport.h"

namespace lrs::sync {

// One statement routed to a destination.
struct OutRecord {
  std::uint64_t seq = 0;        // stored-order position (the outbox)
  std::string statement_id;     // UUID
  std::string learner;          // order key: the actor's identifier
  // Deterministic per (destination, statement id, mapping version): the
  // same record always carries the same key, so a destination that
  // de-duplicates by it applies a retried record once.
  std::string idempotency_key;  // 32 lowercase hex characters
  std::string statement;        // the stored statement, exact JSON
  // Payloads of the statement's attachments that have no fileUrl (filled
  // when the connector sends whole statements).
  std::vector<AttachmentPayload> attachments;
  MappedRecord mapped;          // filled when the connector uses_mapping()
};

enum class Outcome {
  kDelivered,  // accepted, or already there (a duplicate is a success)
  kRetry,      // this record failed and may pass later: retried, then dead-lettered
  kReject,     // this record will never pass (e.g. 400 for its content): dead-lettered now
};

struct RecordResult {
  Outcome outcome = Outcome::kDelivered;
  std::string error;  // for kRetry / kReject: why, without secrets
};

// What became of one Deliver call.
struct DeliveryResult {
  enum class Kind {
    // records[i] tells what became of the i-th record.
    kDone,
    // The destination failed as a whole (connection refused, timeout, 5xx,
    // 401/403 after re-authentication, quota): no record is judged. The
    // relay retries the batch later behind its circuit breaker and puts
    // nothing in the dead-letter queue.
    kUnavailable,
    // The destination asked never to be sent to again (webhook 410): the
    // relay pauses it until an operator resumes it.
    kDisabled,
  };
  Kind kind = Kind::kDone;
  std::string error;  // kUnavailable / kDisabled: why, without secrets
  // At least this long before the next attempt (Retry-After, a rate-limit
  // window); -1: the relay's own backoff decides.
  std::chrono::milliseconds retry_after{-1};
  std::vector<RecordResult> records;  // kDone: one per record, in order

  static DeliveryResult Unavailable(std::string why,
                                    std::chrono::milliseconds retry_after = std::chrono::milliseconds(-1)) {
    DeliveryResult r;
    r.kind = Kind::kUnavailable;
    r.error = std::move(why);
    r.retry_after = retry_after;
    return r;
  }
};

// Durable key-value state of one destination (OAuth tokens, a rotated
// refresh token, the remote-id map such as e-mail -> CRM id), in the
// store's LMDB environment. Keys are private to the destination.
class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual Status Get(std::string_view key, std::string* value) = 0;  // NotFound when absent
  virtual Status Put(std::string_view key, std::string_view value) = 0;  // durable when OK
  virtual Status Delete(std::string_view key) = 0;
  // Puts (a value) and deletes (nullopt) in one durable write. The default
  // applies them one by one.
  using Change = std::pair<std::string, std::optional<std::string>>;
  virtual Status Write(const std::vector<Change>& changes) {
    for (const auto& [key, value] : changes)
      LRS_RETURN_IF_ERROR(value ? Put(key, *value) : Delete(key));
    return Status::OK();
  }
};

struct ConnectorContext {
  std::string destination;            // the destination's name
  const json::Value* settings = nullptr;  // its config object (type-specific keys)
  // Stamps the destination's SSRF guard on every request.
  HttpTransport* transport = nullptr;
  // The destination's SSRF guard, for connectors that connect by other
  // means than the transport (Kafka). Never null in the relay.
  std::shared_ptr<const NetworkGuard> guard;
  Clock* clock = nullptr;
  StateStore* state = nullptr;
};

class Connector {
 public:
  virtual ~Connector() = default;
  // The most records one Deliver call takes.
  virtual std::size_t max_batch() const = 0;
  // False: the connector sends whole statements (OutRecord::mapped unset).
  virtual bool uses_mapping() const { return true; }
  // True: the destination applies a batch's records in the order given
  // (one request carries them all), so a batch may hold several records of
  // one learner. False: records may be applied in any order (e.g. sent
  // concurrently), so the relay puts at most one record per learner in a
  // batch, keeping each learner's records in stored order.
  virtual bool preserves_batch_order() const { return false; }
  // Sends `records` (1..max_batch(), in stored order) and reports what
  // became of them. Blocking; bounded by the request timeouts. Calls are
  // sequential, and the relay durably records a call's outcomes before it
  // makes the next one (if recording fails, the same records come again).
  virtual DeliveryResult Deliver(const std::vector<const OutRecord*>& records) = 0;
};

// A secret setting: settings["<name>_env"] names an environment variable,
// settings["<name>_file"] a file (trailing newline dropped), or
// settings["<name>"] holds it. InvalidArgument when none is set or the
// variable or file is missing (the message names the setting, never the
// value). Secrets are never logged.
Status ResolveSecret(const json::Value& settings, std::string_view name, std::string* out);
// Whether the secret setting is present at all.
bool HasSecret(const json::Value& settings, std::string_view name);
// Whether the destination's categories include education (the relay sets
// settings["categories_include_education"]): whole statements, which carry
// scores, responses and attempts, may go there only then.
bool IncludesEducation(const json::Value& settings);

// Factories, one per connector file. InvalidArgument names the bad setting.
Status NewXapiConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
Status NewWebhookConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
Status NewHubSpotConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
Status NewSalesforceConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
Status NewMarketoConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
Status NewSegmentConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
// NotSupported in a build without librdkafka (LRS_WITH_KAFKA).
Status NewKafkaConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
// The message the kafka connector would produce for `r` (topic, key,
// headers, value), for `lrs sync dry-run`: nothing is sent.
Status DescribeKafkaMessage(const json::Value& settings, const OutRecord& r, std::string* out);
Status NewClickHouseConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out);
// The clickhouse connector's row for a stored statement (one JSON object of
// the columns of scripts/clickhouse/xapi_statements.sql), with `learner` as
// actor_id. False when `statement` is not a JSON object.
bool FlattenStatement(std::string_view statement, const std::string& learner, std::string* row);

// What the factories share: creates a C and checks its settings (C::Init),
// prefixing errors with the destination's name.
template <typename C>
Status MakeConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  auto c = std::make_unique<C>(ctx);
  LRS_RETURN_IF_ERROR(c->Init().WithPrefix(ctx.destination + ": "));
  *out = std::move(c);
  return Status::OK();
}

// Adds a connector type (embedders, tests). Registered types take
// precedence over the built-in ones. Thread-safe.
using ConnectorFactory =
    std::function<Status(const ConnectorContext& ctx, std::unique_ptr<Connector>* out)>;
void RegisterConnector(const std::string& type, ConnectorFactory factory);
bool IsRegisteredConnector(std::string_view type);

// The connector for `type` ("xapi", "webhook", "hubspot", "salesforce",
// "marketo", "segment", "kafka", "clickhouse", or a registered type).
Status NewConnector(std::string_view type, const ConnectorContext& ctx,
                    std::unique_ptr<Connector>* out);

// Helpers shared by connectors.
// An optional unsigned integer setting: *out is set when present;
// InvalidArgument "NAME: must be an integer in LO..HI" when out of range.
template <typename T>
Status UintSetting(const json::Value& settings, std::string_view name, std::uint64_t lo,
                   std::uint64_t hi, T* out) {
  const json::Value* v = json::Member(settings, name);
  if (!v) return Status::OK();
  if (!v->IsUint64() || v->GetUint64() < lo || v->GetUint64() > hi)
    return Status::InvalidArgument(std::string(name) + ": must be an integer in " +
                                   std::to_string(lo) + ".." + std::to_string(hi));
  *out = static_cast<T>(v->GetUint64());
  return Status::OK();
}
// The optional "timeout_ms" setting (a positive integer) into *out.
Status TimeoutSetting(const json::Value& settings, std::chrono::milliseconds* out);
// "HTTP 400: <message>" for an error answer: the body's JSON "message" (or
// "error") string, else its first 200 bytes; the transport error (or "no
// response") when none arrived. Callers scrub secrets they know of.
std::string DescribeResponse(const HttpResponse& r);
// Parses Retry-After (delta-seconds or an HTTP date) relative to now_ms;
// -1 when absent or unparsable.
std::chrono::milliseconds ParseRetryAfter(std::string_view value, std::int64_t now_ms);

}  // namespace lrs::sync

#endif  // LRS_SYNC_CONNECTOR_H_
