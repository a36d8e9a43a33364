// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Sync operations of one store: status, the dead-letter queue, dry runs,
// pause / resume. One implementation serves two callers:
//   - `lrs serve`, at /admin/sync/... (Daemon::HandleAdmin authenticates);
//   - the `lrs sync` commands when no daemon has the store open: they open
//     the store and a paused relay themselves and call RunSyncAdmin.
//
// Operations (op, HTTP method and path below /admin/sync; params are query
// parameters; every answer is JSON):
//   status        GET  /status                  {"store","paused","destinations":[...]}
//   dlq           GET  /dlq?destination=D[&after=SEQ][&limit=N]
//                                               {"destination","entries":[...],"more"}
//   dlq/replay    POST /dlq/replay?destination=D&(seq=SEQ|all=true)   {"count"}
//   dlq/drop      POST /dlq/drop?destination=D&(seq=SEQ|all=true)     {"count"}
//   dry-run       GET  /dry-run?destination=D&statementId=ID          {"report"}
//   enable        POST /enable?destination=D    (after a webhook 410)  {"enabled"}
//   pause         POST /pause                   (stop sending)         {"paused":true}
//   resume        POST /resume                                         {"paused":false}
//   now           POST /now                     (send now)             {"woken":true}
// Replay and drop need seq or all=true, so that no request empties a
// queue by omission.
//
// Thread safety: RunSyncAdmin may run concurrently for one target (the
// relay is thread-safe).

#ifndef LRS_DAEMON_ADMIN_H_
#define LRS_DAEMON_ADMIN_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/status.h"
#include "lrs/store.h"
#include "lrs/sync/relay.h"

namespace lrs::daemon {

// One store's sync.
struct SyncTarget {
  std::string store_name;
  Store* store = nullptr;           // never null
  sync::Relay* relay = nullptr;     // null: the store has no destinations
  std::string destinations_json = "[]";  // what the relay runs (for dry runs)
};

struct AdminRequest {
  std::string op;  // "status", "dlq", "dlq/replay", ... (above)
  std::vector<std::pair<std::string, std::string>> params;
};

// The HTTP method of an operation ("GET" or "POST"); empty for an unknown
// one.
std::string_view SyncAdminMethod(std::string_view op);

// Runs one operation. On success *body is the JSON answer. Errors:
// InvalidArgument names the parameter and the rule; NotFound for an
// unknown operation, destination or statement, or a store without
// destinations (for the operations that need a relay).
Status RunSyncAdmin(const AdminRequest& req, const SyncTarget& target, std::string* body);

// Splits "/admin/sync/dlq/replay" into op "dlq/replay"; false if the path
// is not below /admin/sync/.
bool SyncAdminOp(std::string_view path, std::string* op);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_ADMIN_H_
