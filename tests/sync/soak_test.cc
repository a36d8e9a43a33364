// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The sync soak: 10,000 statements of 240 learners stream into a store
// while a relay forwards them to eight destinations, one per connector type:
// six loopback mocks of their vendors' contracts and a real clickhouse-server
// behind a proxy, each answering a seeded share of requests with a fault
// (429/503 + Retry-After, 5xx, a slow answer past the timeout, a reset,
// "effect recorded, then connection dropped"), tokens expiring now and then
// (tests/sync/soak_util.h); and librdkafka's mock cluster, whose brokers go
// down, move partition leaders and fail produce requests at random. Some
// records are refused for good (dead-lettered), some for a while. Then, per
// destination:
//  - nothing lost: every routed statement was applied or dead-lettered
//    (and dead-lettered exactly when its fate says so), nothing filtered
//    out arrived;
//  - no duplicate effect where the vendor de-duplicates (xAPI statement
//    id, webhook-id, HubSpot uuid, Salesforce external id, Segment
//    messageId, ClickHouse read with FINAL: each statement exactly once);
//    Kafka keeps repeats (at least once; consumers drop them by
//    statement_id), which are counted; Marketo, which does not, applies a record more than once
//    only when an earlier request of it took effect but failed at the
//    client (the connector remembers only confirmed activities);
//  - each learner's records took effect in stored order;
//  - after a rate limit with Retry-After: N, the mock's next request of a
//    later call came no earlier than N seconds later (requests sent in the
//    same concurrent call as the rate-limited one are counted, not failed);
//  - one token request per token expiry (xapi OAuth2, Salesforce, Marketo).
//
// The seed is printed; LRS_SOAK_SEED=<n> repeats its statements and fault
// sequences (thread timing still varies).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "lrs/sync/relay.h"
#include "tests/support/test_util.h"
#include "tests/sync/soak_util.h"

namespace lrs::sync {
namespace {

using namespace std::chrono_literals;
using testing::Fleet;
using testing::SoakStatement;

constexpr int kStatements = 10000;
constexpr int kLearners = 240;

std::uint32_t Seed() {
  if (const char* v = std::getenv("LRS_SOAK_SEED"); v && *v)
    return static_cast<std::uint32_t>(std::strtoul(v, nullptr, 10));
  return std::random_device{}();
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

std::string Describe(const std::vector<DestinationStatus>& st) {
  std::string out;
  for (const auto& s : st)
    out += s.name + ": cursor " + std::to_string(s.cursor) + "/" + std::to_string(s.last_sequence) +
           ", retrying " + std::to_string(s.retrying) + ", dlq " + std::to_string(s.dead_lettered) +
           ", breaker " + s.breaker + ", last error: " + s.last_error + "\n";
  return out;
}

TEST_CASE(
    "sync soak: every connector under seeded faults loses nothing, applies nothing twice, "
    "keeps each learner's order",
    "[soak]") {
  const std::uint32_t seed = Seed();
  std::printf("sync soak: seed %u (repeat with LRS_SOAK_SEED=%u)\n", seed, seed);
  std::fflush(stdout);
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const std::vector<SoakStatement> statements =
      testing::MakeStatements(&rng, kStatements, kLearners, testing::Rejects::kAll);
  Fleet fleet(&statements, seed, /*fault_rate=*/1.0, /*analytics=*/true);

  Options options;
  options.sync = false;  // no crash here: durability is the crash test's business
  lrs::testing::TestStore store(options);
  RelayOptions ro;
  ro.destinations_json = fleet.DestinationsJson();
  ro.tick = 50ms;
  ro.transport = std::make_shared<testing::TaggingTransport>(NewCurlTransport());
  std::unique_ptr<Relay> relay;
  {
    Status s = Relay::Open(store.store.get(), ro, &relay);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }

  // Ingest while the relay runs: batches of 1..50 statements of one version.
  const auto t0 = std::chrono::steady_clock::now();
  std::uniform_int_distribution<std::size_t> batch(1, 50);
  for (std::size_t i = 0; i < statements.size();) {
    const std::size_t want = batch(rng);
    std::size_t end = i;
    std::string body = "[";
    while (end < statements.size() && end - i < want && statements[end].v1 == statements[i].v1) {
      body += (end > i ? "," : "") + statements[end].json;
      ++end;
    }
    body += "]";
    StatementWrite w;
    w.version = statements[i].v1 ? XapiVersion::k1_0_3 : XapiVersion::k2_0_0;
    std::vector<std::string> ids;
    Status s = store->PutStatements(w, body, &ids);
    INFO(s.ToString());
    REQUIRE(s.ok());
    REQUIRE(ids.size() == end - i);
    for (std::size_t k = i; k < end; ++k) REQUIRE(ids[k - i] == statements[k].id);
    i = end;
  }
  const auto t_ingested = std::chrono::steady_clock::now();

  // Caught up: every cursor at the end, nothing waiting to be retried. (Not
  // SyncNow: it would let an open breaker probe before Retry-After.)
  std::vector<DestinationStatus> st;
  bool done = false;
  const auto deadline = t0 + 240s;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    relay->WaitIdle(1s);
    REQUIRE(relay->GetStatus(&st).ok());
    done = std::all_of(st.begin(), st.end(), [](const DestinationStatus& s) {
      return s.lag == 0 && s.retrying == 0 && s.breaker == "closed";
    });
  }
  const auto t_done = std::chrono::steady_clock::now();
  INFO(Describe(st));
  REQUIRE(done);
  std::map<std::string, std::set<std::string>> dlq;
  for (const auto& name : fleet.names()) {
    std::vector<DlqEntry> entries;
    REQUIRE(relay->ListDlq(name, 0, 1 << 20, &entries).ok());
    for (const auto& e : entries) dlq[name].insert(e.statement_id);
  }
  relay.reset();  // stops the lanes
  std::printf("sync soak: %d statements of %d learners ingested in %.1f s, synced in %.1f s\n",
              kStatements, kLearners, Seconds(t_ingested - t0), Seconds(t_done - t0));

  std::vector<const SoakStatement*> stored;
  for (const auto& s : statements) stored.push_back(&s);
  int rate_limit_waits = 0;
  for (const auto& name : fleet.names()) {
    INFO("destination " << name);
    if (!fleet.HasInjector(name)) {  // kafka: the mock cluster under chaos
      const testing::Effects effects = fleet.EffectsAt(name);
      const testing::DeliveryCheck c =
          testing::CheckDelivery(name, stored, effects, dlq[name], true, {});
      std::printf(
          "sync soak: %-11s routed %5zu delivered %5zu dead-lettered %3zu repeats %3zu | "
          "disturbances %d (outages, leader moves, produce errors)\n",
          name.c_str(), c.routed, c.delivered, c.dead_lettered, effects.repeats,
          fleet.KafkaFaults());
      for (const auto& p : c.problems) UNSCOPED_INFO(p);
      CHECK(c.problems.empty());
      CHECK(c.delivered == stored.size());
      CHECK(fleet.KafkaFaults() > 0);
      continue;
    }
    testing::FaultInjector& inj = fleet.injector(name);
    const auto unacked = inj.unacknowledged_effects();
    const testing::Effects effects = fleet.EffectsAt(name);
    const testing::DeliveryCheck c =
        testing::CheckDelivery(name, stored, effects, dlq[name], true, unacked);
    std::string faults;
    for (const auto& [f, n] : inj.counts())
      if (f != testing::Fault::kNone)
        faults += " " + std::string(testing::FaultName(f)) + "=" + std::to_string(n);
    std::printf(
        "sync soak: %-11s routed %5zu delivered %5zu dead-lettered %3zu repeats %3zu | "
        "requests %5zu, faults:%s | expiries %d, token requests %d | sent after a rate limit "
        "in its call: %d\n",
        name.c_str(), c.routed, c.delivered, c.dead_lettered,
        c.duplicate_effects + effects.repeats, inj.events().size(), faults.c_str(),
        inj.expiries(), fleet.TokenRequests(name), inj.SameCallAfterRateLimit());
    for (const auto& p : c.problems) UNSCOPED_INFO(p);
    CHECK(c.problems.empty());
    CHECK(c.delivered > 0);
    auto status = std::find_if(st.begin(), st.end(),
                               [&](const DestinationStatus& s) { return s.name == name; });
    REQUIRE(status != st.end());
    CHECK(status->dead_lettered == dlq[name].size());
    CHECK(status->filtered == stored.size() - c.routed);
    // Every mock met faults; Retry-After was respected.
    CHECK(inj.faults() > 0);
    const auto ra = inj.RetryAfterViolations(5ms);
    for (const auto& v : ra) UNSCOPED_INFO(v);
    CHECK(ra.empty());
    rate_limit_waits += inj.rate_limits_with_wait();
    // One token request per expiry (plus the first). Faulted token requests
    // never reach the mock's token logic; one answered so late that the
    // client may have given up may be asked again.
    if (name == "lrs-central" || name == "salesforce" || name == "marketo") {
      CHECK(inj.expiries() >= 2);
      CHECK(fleet.TokenRequests(name) >= 1 + inj.expiries());
      CHECK(fleet.TokenRequests(name) <= 1 + inj.expiries() + inj.late_token_requests());
    }
  }
  const auto analytics = fleet.AnalyticsProblems();
  for (const auto& p : analytics) UNSCOPED_INFO(p);
  CHECK(analytics.empty());
  CHECK(rate_limit_waits >= 3);
  const auto violations = fleet.Violations();
  for (const auto& v : violations) UNSCOPED_INFO(v);
  CHECK(violations.empty());
}

}  // namespace
}  // namespace lrs::sync
