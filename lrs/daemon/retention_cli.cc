// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/retention_cli.h"

#include <CLI/CLI.hpp>
#include <memory>

#include "lrs/common/time.h"
#include "lrs/daemon/export_cli.h"
#include "lrs/store.h"

namespace lrs::daemon {
namespace {

int Fail(std::ostream& err, const Status& s) {
  err << "lrs: " << s.message() << "\n";
  return 1;
}

std::string At(std::int64_t ms) { return FormatIso8601Millis(ms * 1000); }

}  // namespace

CLI::App* AddPurgeCommand(CLI::App* app, PurgeArgs* args) {
  CLI::App* purge = app->add_subcommand(
      "purge", "Delete the statements stored before a date (retention; dry run without --yes)");
  purge->add_option("--before", args->before,
                    "ISO 8601 date (2024-01-31, meaning 00:00:00Z) or timestamp with a time zone")
      ->required();
  purge->add_option("--store", args->store, "Store (default: default)");
  purge->add_flag("--yes", args->yes, "Purge (without it: only count what would go)");
  purge->fallthrough();
  return purge;
}

int RunPurge(const Config& config, const PurgeArgs& args, std::ostream& out, std::ostream& err) {
  PurgeRequest req;
  if (Status s = ParsePurgeBefore(args.before, &req.before_ms); !s.ok()) {
    err << "lrs: --" << s.message() << "\n";
    return 2;
  }
  req.dry_run = !args.yes;
  std::unique_ptr<Store> store;
  if (Status s = OpenStoreOffline(config, args.store, "POST /admin/retention/purge", &store); !s.ok()) return Fail(err, s);
  PurgeReport r;
  Status s = store->PurgeStatements(req, &r);
  const std::string before = At(req.before_ms);
  if (req.dry_run) {
    if (!s.ok()) return Fail(err, s);
    if (r.statements == 0) {
      out << "dry run: no statement in store " << args.store << " was stored before " << before
          << "; nothing to purge\n";
      return 0;
    }
    out << "dry run: " << r.statements << " statements stored before " << before
        << " would be purged from store " << args.store << " (" << r.bytes
        << " bytes of records, stored " << At(r.oldest_ms) << " to " << At(r.newest_ms)
        << "), with their attachments and sync records; documents stay. Run again with --yes "
           "to purge them\n";
    return 0;
  }
  if (s.ok() || r.batches > 0) {  // what is gone, also when a later commit failed
    out << "purged from store " << args.store << ": " << r.statements
        << " statements stored before " << before << " (" << r.bytes << " bytes of records) in "
        << r.batches << (r.batches == 1 ? " commit, " : " commits, ") << r.attachments
        << " attachments, " << r.sync_records << " sync records";
    if (!r.audit_id.empty()) out << "; audit record " << r.audit_id;
    out << "\n";
  }
  if (!s.ok()) return Fail(err, s.WithPrefix("purge stopped (run it again to finish): "));
  return 0;
}

}  // namespace lrs::daemon
