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
// The public face is lrs::Sync (include/lrs/sync.h); this header adds the
// seams (clock, transport) and the helpers the daemon and tests use.
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
#include "lrs/sync.h"
#include "lrs/sync/transport.h"

namespace lrs::sync {

// The public types (include/lrs/sync.h) under the relay's names.
using LogLevel = SyncLogLevel;
using DestinationStatus = SyncDestinationStatus;
using DlqEntry = SyncDlqEntry;

// SyncOptions plus the seams tests and benchmarks use.
struct RelayOptions : SyncOptions {
  // nullptr: the system clock / a libcurl transport.
  Clock* clock = nullptr;
  std::shared_ptr<HttpTransport> transport;
};

// lrs::Sync, opened with the seams.
class Relay : public Sync {
 public:
  static Status Open(Store* store, const RelayOptions& options, std::unique_ptr<Relay>* out);
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
