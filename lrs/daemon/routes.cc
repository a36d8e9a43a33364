// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/routes.h"

#include <utility>

#include "lrs/api/context.h"
#include "lrs/api/service.h"
#include "lrs/http/wire.h"
#include "lrs/daemon/admin.h"

namespace lrs::daemon {

const std::vector<Route>& Routes() {
  // Longest prefixes first where they overlap.
  static const std::vector<Route> kRoutes = {
      {"/admin/sync/", Access::kAdmin, &HandleSyncAdmin},
      {"/admin/retention/purge", Access::kAdmin, &HandleRetentionPurge},
      {"/admin/retention/erase", Access::kAdmin, &HandleRetentionErase},
      {"/admin/audit", Access::kAdmin, &HandleAudit},
      {"/reports/", Access::kRead, &HandleReports},
      {"/export", Access::kRead, &HandleExport},
      {"/admin/ui/", Access::kPublic, &HandleAdminUiAsset},
      {"/admin", Access::kPublic, &HandleAdminPage},
      {"/admin/whoami", Access::kRead, &HandleAdminWhoami},
      {"/admin/credentials", Access::kAdmin, &HandleAdminCredentials},
      {"/admin/stores", Access::kAdmin, &HandleAdminStores},
  };
  return kRoutes;
}

const Route* FindRoute(std::string_view path) {
  for (const Route& r : Routes()) {
    if (r.prefix.empty()) continue;
    if (r.prefix.back() == '/' ? path.substr(0, r.prefix.size()) == r.prefix
                               : path == r.prefix)
      return &r;
  }
  return nullptr;
}

const std::string* Param(const RouteContext& ctx, std::string_view name) {
  for (const auto& [k, v] : ctx.params)
    if (k == name) return &v;
  return nullptr;
}

http::Response MethodNotAllowed(const http::Request& req, std::string_view allow) {
  const std::string_view first = allow.substr(0, allow.find(','));
  http::Response r = http::ErrorResponse(
      405, "MethodNotAllowed", "use " + std::string(first) + " " + std::string(req.path));
  r.headers.Set("Allow", std::string(allow));
  return r;
}

http::Response HandleSyncAdmin(http::Request& req, const RouteContext& ctx) {
  std::string op;
  if (!SyncAdminOp(req.path, &op))
    return http::ErrorResponse(404, "NotFound", "no such admin resource");
  const std::string_view method = SyncAdminMethod(op);
  if (method.empty())
    return api::ErrorResponse(Status::NotFound("no sync operation \"" + op.substr(0, 64) +
                                               "\" (see docs/sync.md, Operations)"));
  const bool head = req.method == "HEAD" && method == "GET";
  if (req.method != method && !head) return MethodNotAllowed(req, method == "GET" ? "GET, HEAD" : "POST");
  SyncTarget target;
  target.store_name = ctx.store_name;
  target.store = ctx.store;
  target.relay = ctx.relay;
  target.destinations_json = ctx.destinations_json;
  std::string body;
  Status s = RunSyncAdmin({op, ctx.params}, target, &body);
  if (!s.ok()) {
    if (s.code() == Status::Code::kIOError || s.code() == Status::Code::kCorruption ||
        s.code() == Status::Code::kInternal)
      ctx.logger->Log(LogLevel::kError, "sync admin failed",
                      {{"store", ctx.store_name}, {"op", op}, {"error", s.ToString()}});
    return api::ErrorResponse(s);
  }
  if (method == "POST")
    ctx.logger->Log(LogLevel::kInfo, "sync admin",
                    {{"store", ctx.store_name}, {"op", op}, {"by", ctx.who_key}, {"result", body}});
  http::Response r = api::JsonResponse(200, std::move(body));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

}  // namespace lrs::daemon
