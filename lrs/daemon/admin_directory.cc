// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Who is asking, and the credentials and stores they may see: the read-only
// directory the admin page shows (routes.h).
//
//   GET /admin/whoami        (Access::kRead)
//       {"store","key","label","scopes":["statements/read",...],"admin":bool}
//   GET /admin/credentials   (Access::kAdmin) the store's credentials, never
//       a secret: {"store","credentials":[{"key","label","scopes":[...],
//       "created","revoked"}]} ("revoked" null while active)
//   GET /admin/stores        (Access::kAdmin) with the admin token every
//       store, with an admin credential its own:
//       {"stores":[{"name","created"}]}

#include <string>
#include <vector>

#include "lrs/api/context.h"
#include "lrs/api/service.h"
#include "lrs/common/time.h"
#include "lrs/daemon/logging.h"
#include "lrs/daemon/routes.h"
#include "lrs/http/wire.h"

namespace lrs::daemon {
namespace {

void AppendTimeOrNull(std::int64_t ms, std::string* out) {
  if (ms == 0) {
    out->append("null");
  } else {
    AppendJsonString(FormatIso8601Millis(ms * 1000), out);
  }
}

void AppendScopes(std::uint32_t scopes, std::string* out) {
  const std::string names = auth::ScopesToString(scopes);
  out->push_back('[');
  std::size_t start = 0;
  while (start < names.size()) {
    std::size_t comma = names.find(',', start);
    if (comma == std::string::npos) comma = names.size();
    if (start) out->push_back(',');
    AppendJsonString(std::string_view(names).substr(start, comma - start), out);
    start = comma + 1;
  }
  out->push_back(']');
}

// GET or HEAD without parameters; otherwise the error response in *r.
bool CheckRequest(const http::Request& req, const RouteContext& ctx, http::Response* r) {
  if (req.method != "GET" && req.method != "HEAD") {
    *r = MethodNotAllowed(req, "GET, HEAD");
    return false;
  }
  if (!ctx.params.empty()) {
    *r = api::ErrorResponse(Status::InvalidArgument(
        ctx.params.front().first.substr(0, 64) + ": unknown parameter of " + req.path +
        " (it takes none but store)"));
    return false;
  }
  return true;
}

http::Response Json(std::string body) {
  http::Response r = api::JsonResponse(200, std::move(body));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

http::Response Failed(const RouteContext& ctx, const Status& s, std::string_view what) {
  ctx.logger->Log(LogLevel::kError, "admin directory failed",
                  {{"store", ctx.store_name}, {"what", what}, {"error", s.ToString()}});
  return api::ErrorResponse(s);
}

}  // namespace

http::Response HandleAdminWhoami(http::Request& req, const RouteContext& ctx) {
  http::Response r;
  if (!CheckRequest(req, ctx, &r)) return r;
  std::string label;
  if (!ctx.admin_token) {
    std::vector<auth::CredentialInfo> list;
    Status s = ctx.registry->ListCredentials(ctx.store_name, &list);
    if (!s.ok()) return Failed(ctx, s, "whoami");
    for (const auto& c : list)
      if (c.key == ctx.who_key) label = c.label;
  }
  std::string body = "{\"store\":";
  AppendJsonString(ctx.store_name, &body);
  body += ",\"key\":";
  AppendJsonString(ctx.who_key, &body);
  body += ",\"label\":";
  AppendJsonString(ctx.admin_token ? "admin token" : label, &body);
  body += ",\"scopes\":";
  AppendScopes(ctx.scopes, &body);
  body += ",\"admin\":";
  body += ctx.admin_token || auth::Allows(ctx.scopes, auth::kAdmin) ? "true" : "false";
  body += "}";
  return Json(std::move(body));
}

http::Response HandleAdminCredentials(http::Request& req, const RouteContext& ctx) {
  http::Response r;
  if (!CheckRequest(req, ctx, &r)) return r;
  std::vector<auth::CredentialInfo> list;
  Status s = ctx.registry->ListCredentials(ctx.store_name, &list);
  if (!s.ok()) return Failed(ctx, s, "credentials");
  std::string body = "{\"store\":";
  AppendJsonString(ctx.store_name, &body);
  body += ",\"credentials\":[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auth::CredentialInfo& c = list[i];
    if (i) body += ',';
    body += "{\"key\":";
    AppendJsonString(c.key, &body);
    body += ",\"label\":";
    AppendJsonString(c.label, &body);
    body += ",\"scopes\":";
    AppendScopes(c.scopes, &body);
    body += ",\"created\":";
    AppendTimeOrNull(c.created_ms, &body);
    body += ",\"revoked\":";
    AppendTimeOrNull(c.revoked_ms, &body);
    body += '}';
  }
  body += "]}";
  return Json(std::move(body));
}

http::Response HandleAdminStores(http::Request& req, const RouteContext& ctx) {
  http::Response r;
  if (!CheckRequest(req, ctx, &r)) return r;
  std::vector<auth::StoreInfo> list;
  Status s = ctx.registry->ListStores(&list);
  if (!s.ok()) return Failed(ctx, s, "stores");
  std::string body = "{\"stores\":[";
  bool first = true;
  for (const auth::StoreInfo& st : list) {
    if (!ctx.admin_token && st.name != ctx.store_name) continue;
    if (!first) body += ',';
    first = false;
    body += "{\"name\":";
    AppendJsonString(st.name, &body);
    body += ",\"created\":";
    AppendTimeOrNull(st.created_ms, &body);
    body += '}';
  }
  body += "]}";
  return Json(std::move(body));
}

}  // namespace lrs::daemon
