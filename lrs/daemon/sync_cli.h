// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs sync ...`: the sync operations of admin.h from the command line.
//
// While `lrs serve` runs on the data directory, the command asks it over
// HTTP (the URL and admin token of DATA/serve.json), so it sees the live
// relay: breaker state, counters, and replays that take effect at once.
// Otherwise it opens the store itself with a paused relay (nothing is sent)
// and works on the durable state: cursors, retry table, dead-letter queue.
// A store held by a process that does not answer is reported, not touched.

#ifndef LRS_DAEMON_SYNC_CLI_H_
#define LRS_DAEMON_SYNC_CLI_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "lrs/daemon/admin.h"
#include "lrs/daemon/config.h"

namespace lrs::daemon {

struct SyncCommand {
  std::string store{"default"};
  AdminRequest request;  // op and its parameters (store excluded)
  bool json = false;     // print the JSON answer as is
};

// Runs it; prints the answer to `out` (a table, or JSON with json) and
// errors to `err`. Returns the exit status (0, or 1 on a failure).
int RunSyncCommand(const Config& config, const SyncCommand& command, std::ostream& out,
                   std::ostream& err);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_SYNC_CLI_H_
