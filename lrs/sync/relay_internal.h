// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internals of the relay shared by its files and tests.

#ifndef LRS_SYNC_RELAY_INTERNAL_H_
#define LRS_SYNC_RELAY_INTERNAL_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "lrs/sync/relay.h"
#include "lrs/sync/transport.h"

namespace lrs::sync {

// What every lane of a relay shares.
struct RelayShared {
  Clock* clock = nullptr;
  std::shared_ptr<HttpTransport> transport;
  std::function<void(LogLevel, const std::string&)> log;
  std::chrono::milliseconds tick{1000};
  std::size_t read_batch = 2000;
  std::atomic<bool> paused{false};
};

// The order unit of a statement: its actor's identity key
// (xapi::AgentIdentityKey), or "group:<member keys>" for an anonymous group.
std::string LearnerOf(const json::Value& statement);
// The first `hex_chars` (at most 64) lowercase hex characters of SHA-256(data).
std::string HexSha256(std::string_view data, std::size_t hex_chars = 64);
// 32 hex characters identifying a learner in sync table keys.
std::string LearnerHash(const std::string& learner);
// The idempotency key of a record: 32 hex characters of SHA-256 over
// (destination, statement id, mapping version).
std::string IdempotencyKey(const std::string& destination, const std::string& statement_id,
                           const std::string& mapping_version);

}  // namespace lrs::sync

#endif  // LRS_SYNC_RELAY_INTERNAL_H_
