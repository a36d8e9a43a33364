// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Relay: forwards a store's statements to its destinations, with nothing
// lost across crashes and nothing sent where it is not allowed.
//
// The outbox is the store's stored-order sequence: a statement and its
// outbox position commit in one LMDB transaction. Each destination has, in
// the same LMDB environment, a durable cursor (every statement at or below
// it is handled: delivered, filtered out, waiting in the retry table, or
// dead-lettered), a retry table, a dead-letter queue and connector state
// (tokens, the remote-id map). Each destination runs in its own worker
// thread (a "lane"), so a slow or dead destination delays no other and
// never slows ingest; it wakes on every commit and on a periodic tick.
//
// Delivery rules (docs/sync.md):
// - At least once. A record's outcome and the cursor move are written in
//   one durable commit after the destination answered; a crash in between
//   re-sends, and the record's idempotency key (destination, statement id,
//   mapping version) lets the destination apply it once.
// - Record-level failures retry with capped exponential backoff and full
//   jitter, then go to the dead-letter queue. A learner's later records
//   wait behind their failed one; other learners proceed.
// - Destination-level failures (connection, timeouts, 5xx, auth, quota)
//   open a circuit breaker: nothing is dead-lettered, the lane waits (never
//   less than Retry-After) and then probes with one record (half-open).
// - A token bucket limits records per second per destination.
//
// Thread safety: all methods are safe from any thread.

#ifndef LRS_SYNC_RELAY_H_
#define LRS_SYNC_RELAY_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/store.h"
#include "lrs/sync/transport.h"

namespace lrs::sync {

enum class LogLevel { kInfo, kWarning, kError };

struct RelayOptions {
  // Destinations: a JSON array of destination objects (docs/sync.md).
  std::string destinations_json = "[]";
  // Periodic wake-up (due retries, breaker probes).
  std::chrono::milliseconds tick{1000};
  // Statements read from the outbox per round.
  std::size_t read_batch = 2000;
  // Seams: nullptr means the system clock / a libcurl transport.
  Clock* clock = nullptr;
  std::shared_ptr<HttpTransport> transport;
  // Log sink (never given secrets). nullptr: silent.
  std::function<void(LogLevel, const std::string&)> log;
  // Start paused (an app that knows it is offline).
  bool start_paused = false;
};

struct DestinationStatus {
  std::string name;
  std::string type;
  std::uint64_t cursor = 0;         // outbox position handled
  std::uint64_t last_sequence = 0;  // newest statement in the store
  std::uint64_t lag = 0;            // statements past the cursor
  std::uint64_t retrying = 0;       // records in the retry table
  std::uint64_t dead_lettered = 0;  // records in the DLQ
  std::string breaker = "closed";   // closed | open | half-open
  bool paused = false;              // relay paused (offline) or destination disabled
  bool disabled = false;            // the destination asked to stop (webhook 410)
  std::int64_t last_success_ms = 0; // 0: never
  std::string last_error;
  std::int64_t next_attempt_ms = 0; // breaker open: when it probes
  // Counters since the relay opened.
  std::uint64_t delivered = 0, retried = 0, dead_lettered_total = 0, filtered = 0;
};

struct DlqEntry {
  std::uint64_t seq = 0;
  std::string statement_id;
  std::string learner;
  int attempts = 0;
  std::string error;
  std::int64_t at_ms = 0;
};

class Relay {
 public:
  // Parses and validates the destinations (InvalidArgument names the
  // destination and the setting), creates their connectors and starts one
  // lane per destination. `store` must outlive the relay.
  static Status Open(Store* store, const RelayOptions& options, std::unique_ptr<Relay>* out);
  virtual ~Relay() = default;  // stops the lanes (an in-flight delivery is waited for)

  // Offline: no lane sends anything until Resume. Durable state is kept.
  virtual void Pause() = 0;
  virtual void Resume() = 0;
  // Sends now: wakes every lane, makes waiting retries due and lets an
  // open breaker probe at once.
  virtual void SyncNow() = 0;
  // Blocks until every destination's cursor reached the store's newest
  // statement with no due work left (retries waiting for later are
  // ignored), or the timeout passed. True iff caught up.
  virtual bool WaitIdle(std::chrono::milliseconds timeout) = 0;

  virtual Status GetStatus(std::vector<DestinationStatus>* out) = 0;
  // Dead-letter queue of a destination, oldest first (seq > after).
  virtual Status ListDlq(const std::string& destination, std::uint64_t after, std::size_t limit,
                         std::vector<DlqEntry>* out) = 0;
  // Moves entries back to delivery (seq 0: all of them) / deletes them.
  // Returns how many were affected in *count.
  virtual Status ReplayDlq(const std::string& destination, std::uint64_t seq,
                           std::size_t* count) = 0;
  virtual Status DropDlq(const std::string& destination, std::uint64_t seq,
                         std::size_t* count) = 0;
  // Re-enables a destination that asked to stop (webhook 410).
  virtual Status Enable(const std::string& destination) = 0;
};

// Validates a destinations array without opening anything (for config
// checks): InvalidArgument names the destination and the setting.
Status ValidateDestinations(const std::string& destinations_json);

// The exact requests a destination would be sent for one statement
// (`lrs sync dry-run`), without sending them: filtered out, mapped and
// rendered. Connectors with external state (tokens) show placeholders.
Status DryRun(Store* store, const std::string& destinations_json, const std::string& destination,
              const std::string& statement_id, std::string* report);

}  // namespace lrs::sync

#endif  // LRS_SYNC_RELAY_H_
