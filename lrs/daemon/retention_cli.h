// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs purge`: retention from the command line.
//
//   lrs purge --before DATE [--store S] [--yes]
//     Store::PurgeStatements: the statements stored before DATE (an ISO 8601
//     date, meaning 00:00:00Z that day, or a timestamp with a time zone) are
//     deleted, with their indexes, attachment payloads only they use and
//     sync records; documents stay. Without --yes a dry run prints how many
//     would go; with it, the report (and the audit record's id: `lrs
//     audit`). A purge interrupted by a crash is finished by running it
//     again.
//
// It opens the store directly, so the store must not be open in a running
// `lrs serve` (Busy tells so); there, use POST /admin/retention/purge
// (docs/daemon.md).

#ifndef LRS_DAEMON_RETENTION_CLI_H_
#define LRS_DAEMON_RETENTION_CLI_H_

#include <ostream>
#include <string>

#include "lrs/daemon/config.h"

namespace CLI {
class App;
}  // namespace CLI

namespace lrs::daemon {

struct PurgeArgs {
  std::string store = "default";
  std::string before;  // ISO 8601 date or timestamp with a time zone
  bool yes = false;    // without it, nothing is purged (a dry run)
};

// Adds the `purge` subcommand (its options, and --data/--config accepted
// after it) to `app`; parsing fills *args.
CLI::App* AddPurgeCommand(CLI::App* app, PurgeArgs* args);

// Exit codes: 0 done, 1 failed (message on err), 2 a bad --before.
int RunPurge(const Config& config, const PurgeArgs& args, std::ostream& out, std::ostream& err);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_RETENTION_CLI_H_
