// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The daemon's resources beside /xapi: one function per resource family,
// each in a file of its own, all called with the store and the principal
// already settled by Daemon (daemon.cc). The table of them is in routes.cc.
//
//   /admin/...     Access::kAdmin: Bearer <the admin token of
//                  DATA/serve.json> for any store (?store=NAME), or Basic
//                  credentials with the "admin" scope for their own store.
//   /admin (the page), /admin/ui/...
//                  Access::kPublic: no credentials; ctx.store is null.
//   /reports/..., /export, /admin/whoami
//                  Access::kRead: the admin token or admin scope as above,
//                  or Basic credentials allowed to read all statements of
//                  their store (statements/read, all/read or all).
//
// "store" is taken out of the query parameters before a handler sees them.

#ifndef LRS_DAEMON_ROUTES_H_
#define LRS_DAEMON_ROUTES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/auth/registry.h"
#include "lrs/daemon/logging.h"
#include "lrs/http/message.h"
#include "lrs/store.h"
#include "lrs/sync/relay.h"

namespace lrs::daemon {

enum class Access { kPublic, kAdmin, kRead };

// What a handler may use: one store, who asked, the parsed query.
struct RouteContext {
  std::string store_name;
  Store* store = nullptr;               // null only for Access::kPublic
  sync::Relay* relay = nullptr;         // null: the store has no destinations
  std::string destinations_json = "[]";
  std::string who_key;                  // credential key, or "admin-token"
  bool admin_token = false;             // the bearer admin token (any store)
  std::uint32_t scopes = 0;             // the credential's (all bits for the token)
  std::vector<std::pair<std::string, std::string>> params;  // query, without "store"
  Logger* logger = nullptr;
  auth::Registry* registry = nullptr;
};

// A resource family: requests whose path starts with `prefix` (or equals
// it, for a prefix without a trailing '/').
struct Route {
  std::string_view prefix;
  Access access;
  http::Response (*handle)(http::Request& req, const RouteContext& ctx);
};

// The table, in match order (routes.cc).
const std::vector<Route>& Routes();

// The first route matching `path`, or null.
const Route* FindRoute(std::string_view path);

// The value of query parameter `name` (the first), or nullptr.
const std::string* Param(const RouteContext& ctx, std::string_view name);

// 405 with Allow: `allow` ("GET, HEAD" or "POST"...).
http::Response MethodNotAllowed(const http::Request& req, std::string_view allow);

// /admin/sync/... (admin.h).
http::Response HandleSyncAdmin(http::Request& req, const RouteContext& ctx);
// POST /admin/retention/purge and /erase, GET /admin/audit (retention_http.cc).
http::Response HandleRetentionPurge(http::Request& req, const RouteContext& ctx);
http::Response HandleRetentionErase(http::Request& req, const RouteContext& ctx);
http::Response HandleAudit(http::Request& req, const RouteContext& ctx);

// GET /reports/<name>: Store::Report (docs/reporting.md); reports_http.cc.
http::Response HandleReports(http::Request& req, const RouteContext& ctx);
// GET /export: the store's statements streamed as NDJSON or CSV (export_http.cc).
http::Response HandleExport(http::Request& req, const RouteContext& ctx);

// /admin (the page) and /admin/ui/<file> (admin_ui.h, admin_ui.cc).
http::Response HandleAdminPage(http::Request& req, const RouteContext& ctx);
http::Response HandleAdminUiAsset(http::Request& req, const RouteContext& ctx);
// /admin/whoami, /admin/credentials, /admin/stores (admin_directory.cc).
http::Response HandleAdminWhoami(http::Request& req, const RouteContext& ctx);
http::Response HandleAdminCredentials(http::Request& req, const RouteContext& ctx);
http::Response HandleAdminStores(http::Request& req, const RouteContext& ctx);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_ROUTES_H_
