// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The sync module's proof tests (soak_test.cc, crash_test.cc) share this:
//  - SoakStatement: seeded statements of many learners, some refused by
//    every destination (poison), some failing for a while (flaky) or for
//    good (stuck) at the destinations that judge records one by one;
//  - FaultInjector: a MockServer filter answering a seeded share of the
//    requests with 429 + Retry-After, 5xx, a slow answer past the
//    connector's timeout, a reset without an answer, or "effect recorded,
//    then connection dropped"; it expires tokens at chosen calls and keeps
//    what it did, to check Retry-After and token renewals afterwards;
//  - XapiUpstream: a loopback upstream LRS (statements by id, OAuth2);
//  - Fleet: the six vendor mocks (xapi, webhook, hubspot, salesforce,
//    marketo, segment) with their injectors, optionally Kafka and
//    ClickHouse, the destinations config pointing at them, and the effects
//    each one recorded;
//  - CheckDelivery: nothing lost, no duplicate effect, per-learner order.
//
// A seed fixes the statements and each mock's sequence of fault decisions;
// thread timing still decides which request meets which fault.

#ifndef LRS_TESTS_SYNC_SOAK_UTIL_H_
#define LRS_TESTS_SYNC_SOAK_UTIL_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "lrs/http/message.h"
#include "lrs/json/json.h"
#include "lrs/sync/transport.h"
#include "tests/sync/hubspot_mock.h"
#include "tests/sync/marketo_mock.h"
#include "tests/sync/salesforce_mock.h"
#include "tests/sync/segment_mock.h"
#include "tests/sync/sync_test_util.h"
#include "tests/sync/webhook_receiver.h"

namespace lrs::sync::testing {

// ---- Statements -----------------------------------------------------------------

struct SoakStatement {
  enum class Fate {
    kNormal,
    kPoison,  // every destination refuses it (a 4xx for that record): dead-lettered
    kFlaky,   // refused twice (retryable), then taken, where records are judged alone
    kStuck,   // refused (retryable) every time there: retried, then dead-lettered
  };
  std::string id;    // UUID, set by the client
  int learner = 0;   // index into the learners
  std::string verb;  // verb IRI
  bool v1 = false;   // stored under xAPI 1.0.3 (else 2.0.0)
  Fate fate = Fate::kNormal;
  std::string json;  // as the client sends it
};

std::string LearnerEmail(int learner);
// Which fates besides kNormal the statements may have.
enum class Rejects {
  kNone,
  kTransient,  // flaky ones: every statement is delivered in the end
  kAll,        // flaky, stuck and poison ones
};
// `n` statements of `learners` learners (each has at least one).
std::vector<SoakStatement> MakeStatements(std::mt19937* rng, int n, int learners, Rejects rejects);

// ---- Faults ---------------------------------------------------------------------

enum class Fault {
  kNone,
  kRateLimit,        // the vendor's rate-limit answer with Retry-After
  kServerError,      // 500 / 502 / 503, no effect
  kSlow,             // answered after the client's timeout, no effect
  kSlowAfterEffect,  // applied, then answered after the client's timeout
  kReset,            // connection reset without an answer, no effect
  kEffectThenReset,  // applied, then the connection reset
  kEffectThen5xx,    // applied, then 502
};
const char* FaultName(Fault f);

struct FaultOptions {
  double rate = 0.03;  // share of requests that meet a fault
  // Rate limits answered with Retry-After: 1 (later ones say 0, or, with
  // rate_limits_after_budget false, become 503s).
  int retry_after_budget = 2;
  bool rate_limits_after_budget = true;
  std::chrono::milliseconds slow{1100};  // longer than the connectors' timeout_ms
  // The vendor's rate-limit answer, saying Retry-After: `seconds`.
  std::function<http::Response(int seconds)> rate_limited;
  // Requests to a token endpoint (they meet faults without effect only, so
  // that each token renewal is counted once).
  std::function<bool(const Received&)> is_token;
  // Calls (1-based, counting API requests only) before which the token
  // expires; `expire` makes it so and says whether a live token died.
  std::set<int> expire_at;
  std::function<bool()> expire;
  // Statement ids a request carries (for effects the client never learns of).
  std::function<std::vector<std::string>(const Received&)> ids_of;
};

// A MockServer filter injecting faults from a seeded RNG.
class FaultInjector {
 public:
  // The header the tagging transport puts on each request of one SendAll:
  // requests of one call were in flight together.
  static constexpr const char* kCallHeader = "X-Soak-Call";

  FaultInjector(std::string name, std::uint32_t seed, FaultOptions options);
  void Attach(MockServer* server);
  void set_enabled(bool on) { enabled_ = on; }

  // What happened, for the checks.
  struct Event {
    std::chrono::steady_clock::time_point arrived, answered;
    std::uint64_t call = 0;  // kCallHeader, 0 when absent
    Fault fault = Fault::kNone;
    int retry_after = -1;  // kRateLimit: the seconds announced
    bool token = false;
    bool expired = false;  // the token expired before this call
    bool late = false;     // no fault, yet answered after kLate
  };
  // Unfaulted answers slower than this (a loaded machine) count as possibly
  // unacknowledged: the connectors time out at 800 ms.
  static constexpr std::chrono::milliseconds kLate{500};
  std::vector<Event> events() const;
  int faults() const;               // requests that met a fault
  int token_faults() const;         // ... at the token endpoint
  int late_token_requests() const;  // token requests answered after kLate
  int expiries() const;             // tokens that died at expire_at calls
  int rate_limits_with_wait() const;
  std::map<Fault, int> counts() const;
  // Effects applied while the client saw a failure, per statement id.
  std::map<std::string, int> unacknowledged_effects() const;
  // After each rate limit announcing N seconds, requests of later calls
  // must arrive at least N seconds (minus `slack`) after it was answered.
  std::vector<std::string> RetryAfterViolations(std::chrono::milliseconds slack) const;
  // Requests of the rate-limited call itself (sent together, e.g. queued
  // behind the connection limit) that arrived after the rate limit was
  // answered: exempt from the check above, reported.
  int SameCallAfterRateLimit() const;
  const std::string& name() const { return name_; }

 private:
  http::Response Filter(const Received& r, const MockServer::Handler& next);
  Fault Decide(bool token);  // REQUIRES: mu_ held

  const std::string name_;
  const FaultOptions o_;
  std::atomic<bool> enabled_{true};
  mutable std::mutex mu_;
  std::mt19937 rng_;                    // GUARDED_BY(mu_)
  int api_calls_ = 0;                   // GUARDED_BY(mu_)
  int expiries_ = 0;                    // GUARDED_BY(mu_)
  int retry_after_used_ = 0;            // GUARDED_BY(mu_)
  std::vector<Event> events_;           // GUARDED_BY(mu_)
  std::map<std::string, int> unacked_;  // GUARDED_BY(mu_)
};

// Tags each request of a SendAll with FaultInjector::kCallHeader: one
// number per call, increasing.
class TaggingTransport final : public HttpTransport {
 public:
  explicit TaggingTransport(std::unique_ptr<HttpTransport> inner) : inner_(std::move(inner)) {}
  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override;

 private:
  std::unique_ptr<HttpTransport> inner_;
  std::atomic<std::uint64_t> calls_{0};
};

// ---- An upstream LRS ------------------------------------------------------------

// /xapi/statements as xAPI Communication 2.1 describes it for POST (a batch,
// stored all or nothing, ids kept, an equal repeat changes nothing, a
// different one is 409) and PUT ?statementId, behind OAuth2 client
// credentials (POST /oauth/token, Basic client auth, 1-hour tokens that can
// be revoked early: 401). Statements are kept in memory, in the order
// stored.
class XapiUpstream {
 public:
  static constexpr const char* kClientId = "soak-client";
  static constexpr const char* kClientSecret = "soak-client-s3cret";

  XapiUpstream() : server_([this](const Received& r) { return Handle(r); }) {}
  std::string endpoint() const { return server_.url() + "/xapi/"; }
  std::string token_url() const { return server_.url() + "/oauth/token"; }
  MockServer& server() { return server_; }

  // Knob: statements refused with 400 (the whole request). Called with mu held.
  std::function<bool(const json::Value& statement)> refuse;
  // Every token issued so far dies. Returns how many were alive.
  int RevokeTokens();

  // Effects.
  std::mutex mu;
  std::map<std::string, std::string> stored;  // id -> statement JSON
  std::vector<std::string> order;             // ids, in the order stored
  int repeats = 0;                            // equal statements sent again
  int token_requests = 0;                     // tokens issued
  std::vector<std::string> violations;

 private:
  http::Response Handle(const Received& r);
  http::Response Token(const Received& r);       // REQUIRES: mu held
  http::Response Statements(const Received& r);  // REQUIRES: mu held

  std::set<std::string> tokens_;  // GUARDED_BY(mu)
  int issued_ = 0;                // GUARDED_BY(mu)
  MockServer server_;             // last: stops before the state above goes
};

// ---- The six destinations -------------------------------------------------------

// What a destination applied: statement ids in the order their effects
// happened (a statement twice when applied twice).
struct Effects {
  std::vector<std::string> order;
  // Kafka and ClickHouse: `order` holds first occurrences (consumers drop
  // repeats by statement id; FINAL merges them); repeats counts the rest.
  std::size_t repeats = 0;
  std::vector<std::string> unknown;  // effects naming no statement (malformed)
};

class Fleet {
 public:
  // Destination names, one per connector type.
  static const std::vector<std::string>& Names();

  // Mocks for `statements` (kept by pointer). `seed` seeds the fault
  // injectors; `fault_rate` scales their rates (0: none). `analytics` adds
  // "kafka" (librdkafka's mock cluster under a chaos thread; in builds with
  // librdkafka) and "clickhouse" (a real clickhouse-server behind a fault
  // injecting proxy; when the build found one).
  Fleet(const std::vector<SoakStatement>* statements, std::uint32_t seed, double fault_rate,
        bool analytics = false);
  ~Fleet();
  // This fleet's destinations: Names() and the analytics ones it has.
  std::vector<std::string> names() const;
  // Whether an HTTP fault injector stands before it (all but kafka).
  bool HasInjector(const std::string& destination) const;
  // Disturbances the Kafka chaos thread caused.
  int KafkaFaults() const;
  // ClickHouse read with FINAL: each statement once, exactly those inserted.
  std::vector<std::string> AnalyticsProblems();

  // The destinations array (docs/sync.md) pointing at the mocks. `extra`
  // ("," + members) is added to each destination.
  std::string DestinationsJson(const std::string& extra = "") const;
  // Whether a statement is routed to (passes the filter of) a destination.
  static bool Routed(const std::string& destination, const SoakStatement& s);
  // Whether it must end in that destination's dead-letter queue.
  static bool MustDeadLetter(const std::string& destination, const SoakStatement& s);
  // Whether the destination applies each record at most once (all but
  // Marketo, which does not de-duplicate custom activities).
  static bool Idempotent(const std::string& destination);
  // Every secret value DestinationsJson holds (client secrets, tokens, keys):
  // none may appear in a log, an error or a metric.
  static std::vector<std::string> Secrets();

  void SetFaults(bool on);
  Effects EffectsAt(const std::string& destination);
  FaultInjector& injector(const std::string& destination);
  // Token requests that reached the vendor logic (xapi, salesforce, marketo).
  int TokenRequests(const std::string& destination);
  // Contract violations the mocks noticed (bad signatures, wrong versions).
  std::vector<std::string> Violations();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- Checks ---------------------------------------------------------------------

struct DeliveryCheck {
  std::size_t routed = 0, delivered = 0, dead_lettered = 0, duplicate_effects = 0;
  std::vector<std::string> problems;  // empty: all held
};

// Checks what `destination` applied against the statements stored, in
// stored order: every routed statement has an effect or is in `dlq` (not
// both, and in `dlq` iff it must be, when `check_dlq`); an idempotent
// destination applied none twice, another none more often than once plus
// `unacked` (its effects the client never learnt of); nothing filtered out
// arrived; and each learner's first effects follow stored order.
DeliveryCheck CheckDelivery(const std::string& destination,
                            const std::vector<const SoakStatement*>& stored, const Effects& effects,
                            const std::set<std::string>& dlq, bool check_dlq,
                            const std::map<std::string, int>& unacked);

// A JSON value as an inline TOML value (for lrs serve's config file).
std::string TomlValue(const json::Value& v);
// A destinations array as [[sync.destinations]] tables.
std::string DestinationsToml(const std::string& destinations_json);

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_SOAK_UTIL_H_
