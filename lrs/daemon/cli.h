// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The `lrs` command line (CLI11):
//   lrs serve [--listen HOST:PORT] [--tls-cert F --tls-key F] [--log-level L]
//             [--log-format json|text] [--log-file F] [--io-threads N]
//             [--worker-threads N]
//   lrs credentials add [--store S] [--label L] [--scopes LIST] [--json]
//   lrs credentials list [--store S] [--json]
//   lrs credentials revoke KEY
//   lrs stores add NAME
//   lrs stores list [--json]
//   lrs sync status | dlq list|replay|drop | dry-run | enable | pause |
//            resume | now   [--store S] [--json]   (sync_cli.h)
// Every command takes --data DIR (default ./lrs-data) and --config FILE.
// Exit status: 0 on success, 1 on a failure, 2 on a usage error.

#ifndef LRS_DAEMON_CLI_H_
#define LRS_DAEMON_CLI_H_

#include <ostream>
#include <string>
#include <vector>

#include "lrs/daemon/config.h"

namespace lrs::daemon {

// Runs one command. `args` excludes the program name. `serve` blocks until
// SIGINT or SIGTERM. Never throws.
int RunCli(const std::vector<std::string>& args, std::ostream& out, std::ostream& err,
           const EnvLookup& env);

// Serves until SIGINT/SIGTERM: prints "lrs: listening on <endpoint>" (and
// the development credential, at first start) to `out`, then stops
// gracefully. Returns the exit status.
int Serve(const Config& config, std::ostream& out, std::ostream& err);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_CLI_H_
