// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A destination's parsed configuration (docs/sync.md), shared by the relay
// and `lrs sync dry-run`. Internal to lrs/sync.

#ifndef LRS_SYNC_DESTINATION_H_
#define LRS_SYNC_DESTINATION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/sync/mapping.h"
#include "lrs/sync/network_guard.h"

namespace lrs::sync {

struct Destination {
  std::string name;  // [A-Za-z0-9_-]{1,64}
  std::string type;  // connector type
  CategorySet categories = kEngagement;
  std::unique_ptr<Mapping> mapping;
  json::Document settings;  // the destination object (connector settings)
  // Where a destination without a cursor starts: the beginning of the
  // outbox (backfill), the newest statement ("now"), or after a sequence.
  enum class Start { kBeginning, kNow, kAfter } start = Start::kBeginning;
  std::uint64_t start_after = 0;
  int max_attempts = 8;
  std::chrono::milliseconds backoff_base{1000};
  std::chrono::milliseconds backoff_cap{300000};
  int breaker_failures = 1;  // consecutive destination-level failures that open it
  double rate_per_second = 0;  // 0: unlimited
  double rate_burst = 0;
  // The SSRF guard: special address ranges refused unless the destination
  // lists them in "allow_networks" (lrs/sync/network_guard.h).
  std::shared_ptr<const NetworkGuard> guard = std::make_shared<NetworkGuard>();
};

// Parses a JSON array of destination objects. InvalidArgument names the
// destination and the setting: `destinations[1] (crm).retry.max_attempts:
// must be an integer in 1..100`.
Status ParseDestinations(std::string_view json,
                         std::vector<std::unique_ptr<Destination>>* out);

}  // namespace lrs::sync

#endif  // LRS_SYNC_DESTINATION_H_
