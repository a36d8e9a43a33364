// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// `lrs export` and `lrs import`: a store's statements to and from files, in
// constant memory at any size.
//
//   lrs export [--store S] [--format ndjson|csv] [--fields a,b.c] [--after N]
//              [--limit N] [--output FILE]
//     Statements in stored order (voided ones included) as NDJSON or CSV
//     (lrs/export/exporter.h). Prints where it stopped, to resume with
//     --after.
//   lrs import FILE [--store S] [--batch N]
//     Statements from an lrs export or another LRS's dump, told apart by the
//     first non-space byte (import_reader.h): NDJSON (one statement per
//     line), or JSON documents: a StatementResult {"statements":[...],
//     "more":"..."} as GET /xapi/statements returns it, a plain array of
//     statements, or several such documents one after another (pages saved
//     in turn). Read in constant memory at any size (documents with
//     RapidJSON's SAX reader, one statement at a time), stored in batches,
//     idempotent: a statement already stored with the same content is
//     counted as present, not stored twice. A bad item is reported by its
//     line number or its index ("statements[17]") and skipped; the others
//     are stored. A syntax error in a document stops the import there,
//     naming the byte offset (what came before it is stored). This LRS sets
//     "stored" (xAPI Data 2.4.8): a statement's own is replaced, and a
//     one-line note says how many had one. Progress on stderr; counts at
//     the end.
//
// Both open the store directly, so the store must not be open in a running
// `lrs serve` (Busy tells so).

#ifndef LRS_DAEMON_EXPORT_CLI_H_
#define LRS_DAEMON_EXPORT_CLI_H_

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/daemon/config.h"
#include "lrs/store.h"

namespace lrs::daemon {

// Opens store `name` of config.data_dir directly, for a command run while
// `lrs serve` is stopped (creating an empty store if it never stored
// anything). NotFound names an unknown store; Busy says a running lrs serve
// likely holds it and, when `online` is not empty, the online way instead
// ("POST /admin/retention/purge").
Status OpenStoreOffline(const Config& config, const std::string& name, std::string_view online,
                        std::unique_ptr<Store>* out);

struct ExportArgs {
  std::string store = "default";
  std::string format = "ndjson";
  std::string fields;  // comma-separated field paths (CSV)
  std::uint64_t after = 0, limit = 0;
  std::string output;  // empty: stdout
};

struct ImportArgs {
  std::string store = "default";
  std::string file;
  std::size_t batch = 500;
  bool progress = false;  // draw the progress bar also when stderr is not a terminal
};

struct EraseArgs {
  std::string store = "default";
  std::string agent;  // Agent or identified Group JSON
  bool yes = false;   // without it, nothing is erased (a dry run naming what would be)
};

// `lrs erase --agent JSON [--yes]`: Store::EraseAgent. Without --yes it
// only counts the statements naming the agent. `lrs audit`: the audit
// records (one JSON object per line), oldest first.
int RunErase(const Config& config, const EraseArgs& args, std::ostream& out, std::ostream& err);
int RunAudit(const Config& config, const std::string& store, std::ostream& out, std::ostream& err);

// Splits a list of CSV field paths at commas, except inside ["..."] (an
// IRI member may hold one); empty items are dropped. `lrs export --fields`
// and GET /export?fields= (export_http.cc).
std::vector<std::string> SplitFieldList(const std::string& text);

// Exit codes: 0 done, 1 failed (message on err), 2 bad arguments.
int RunExport(const Config& config, const ExportArgs& args, std::ostream& out, std::ostream& err);
// 0: every line stored or present; 1: some lines failed (or the import did).
int RunImport(const Config& config, const ImportArgs& args, std::ostream& out, std::ostream& err);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_EXPORT_CLI_H_
