// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::Sync: forwards a store's statements to its destinations (an upstream
// xAPI LRS, signed webhooks, HubSpot, Salesforce, Marketo, Segment), with
// nothing lost across crashes and nothing sent where it is not allowed.
// Built when lrs is configured with LRS_WITH_SYNC (the default).
//
// An app embeds it beside its Store:
//
//   std::unique_ptr<lrs::Sync> sync;
//   lrs::SyncOptions so;
//   so.destinations_json = R"([{"name":"central","type":"xapi",
//       "url":"https://lrs.example.com/xapi/","key":"...","secret":"..."}])";
//   so.start_paused = !online;
//   lrs::Status s = lrs::Sync::Open(store.get(), so, &sync);
//   ...
//   sync->Resume();   // back online: sends what waited
//   sync->Pause();    // offline: stores keep working, nothing is sent
//
// Destinations (types, settings, mapping, categories) are described in
// docs/sync.md and docs/sync-mapping.md.
//
// Delivery rules: a statement and its outbox position commit in one LMDB
// transaction; per destination a durable cursor, retry table and
// dead-letter queue live in the same environment. At least once, with
// deterministic idempotency keys the destinations de-duplicate by.
// Record-level failures retry (capped exponential backoff, full jitter),
// then are dead-lettered; a learner's later records wait behind their failed
// one. Destination-level failures (connection, timeouts, 5xx, auth, quota)
// open a circuit breaker (never sooner than Retry-After, then a one-record
// probe) and dead-letter nothing. A token bucket limits records per second.
// Each destination has its own worker thread: a slow or dead destination
// delays no other and never slows the store's writers.
//
// Thread safety: every method is safe from any thread.

#ifndef LRS_SYNC_H_
#define LRS_SYNC_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lrs/status.h"
#include "lrs/store.h"

namespace lrs {

enum class SyncLogLevel { kInfo, kWarning, kError };

struct SyncOptions {
  // Destinations: a JSON array of destination objects (docs/sync.md).
  std::string destinations_json = "[]";
  // Periodic wake-up (due retries, breaker probes); commits wake it too.
  std::chrono::milliseconds tick{1000};
  // Statements read from the store per round.
  std::size_t read_batch = 2000;
  // Log sink; messages never carry secrets. nullptr: silent.
  std::function<void(SyncLogLevel, const std::string&)> log;
  // Start paused (an app that knows it is offline).
  bool start_paused = false;
};

struct SyncDestinationStatus {
  std::string name;
  std::string type;
  std::uint64_t cursor = 0;          // outbox position handled
  std::uint64_t last_sequence = 0;   // newest statement in the store
  std::uint64_t lag = 0;             // statements past the cursor
  std::uint64_t retrying = 0;        // records in the retry table
  std::uint64_t dead_lettered = 0;   // records in the dead-letter queue
  std::string breaker = "closed";    // closed | open | half-open
  bool paused = false;               // sync paused, or the destination disabled
  bool disabled = false;             // the destination asked to stop (webhook 410)
  std::int64_t last_success_ms = 0;  // 0: none since Open
  std::string last_error;
  std::int64_t next_attempt_ms = 0;  // breaker open: when it probes
  // Counters since Open.
  std::uint64_t delivered = 0, retried = 0, dead_lettered_total = 0, filtered = 0;
};

struct SyncDlqEntry {
  std::uint64_t seq = 0;  // its position in the queue
  std::string statement_id;
  std::string learner;
  int attempts = 0;
  std::string error;
  std::int64_t at_ms = 0;
};

class Sync {
 public:
  // Validates the destinations (InvalidArgument names the destination and
  // the setting), creates their connectors and starts one worker per
  // destination. `store` must outlive the Sync. One Sync per store.
  static Status Open(Store* store, const SyncOptions& options, std::unique_ptr<Sync>* out);
  virtual ~Sync() = default;  // stops the workers (an in-flight delivery is waited for)

  // Offline: nothing is sent until Resume. Durable state is kept.
  virtual void Pause() = 0;
  virtual void Resume() = 0;
  // Sends now: wakes every destination, makes waiting retries due and lets
  // an open breaker probe at once.
  virtual void SyncNow() = 0;
  // Blocks until every destination handled the store's newest statement
  // with no due work left (retries waiting for later are ignored), or the
  // timeout passed. True iff caught up.
  virtual bool WaitIdle(std::chrono::milliseconds timeout) = 0;

  virtual Status GetStatus(std::vector<SyncDestinationStatus>* out) = 0;
  // Dead-letter queue of a destination, oldest first (seq > after).
  virtual Status ListDlq(const std::string& destination, std::uint64_t after, std::size_t limit,
                         std::vector<SyncDlqEntry>* out) = 0;
  // Moves entries back to delivery / deletes them (seq 0: every entry).
  // *count tells how many were affected.
  virtual Status ReplayDlq(const std::string& destination, std::uint64_t seq,
                           std::size_t* count) = 0;
  virtual Status DropDlq(const std::string& destination, std::uint64_t seq,
                         std::size_t* count) = 0;
  // Re-enables a destination that asked to stop (webhook 410).
  virtual Status Enable(const std::string& destination) = 0;
};

// Checks a destinations array without opening anything.
Status ValidateSyncDestinations(const std::string& destinations_json);

// The exact requests `destination` would be sent for one stored statement,
// rendered as text with secrets masked; nothing is sent.
Status SyncDryRun(Store* store, const std::string& destinations_json,
                  const std::string& destination, const std::string& statement_id,
                  std::string* report);

}  // namespace lrs

#endif  // LRS_SYNC_H_
