// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/admin_ui.h"

#include <string>

#include "lrs/daemon/routes.h"
#include "lrs/http/wire.h"

namespace lrs::daemon {
namespace {

constexpr std::string_view kUiPrefix = "/admin/ui/";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 13.1.2: If-None-Match is "*" or a list of entity tags, compared
// weakly (a W/ prefix is ignored).
bool NoneMatchHits(std::string_view header, std::string_view etag) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = Trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag == etag) return true;
  }
  return false;
}

void SetSecurityHeaders(http::Response* r) {
  r->headers.Set("Content-Security-Policy", kAdminUiCsp);
  r->headers.Set("X-Content-Type-Options", "nosniff");
  r->headers.Set("Referrer-Policy", "no-referrer");
  r->headers.Set("X-Frame-Options", "DENY");
}

http::Response NotFound(std::string_view message) {
  http::Response r = http::ErrorResponse(404, "NotFound", message);
  SetSecurityHeaders(&r);
  return r;
}

http::Response Serve(const http::Request& req, const EmbeddedAsset& a) {
  if (req.method != "GET" && req.method != "HEAD") return MethodNotAllowed(req, "GET, HEAD");
  http::Response r;
  SetSecurityHeaders(&r);
  r.headers.Set("Cache-Control", "no-cache");
  r.headers.Set("ETag", a.etag);
  if (req.headers.Count("If-None-Match") > 0) {
    bool hit = false;
    for (const auto& [name, value] : req.headers.fields())
      if (http::EqualsIgnoreCase(name, "If-None-Match")) hit = hit || NoneMatchHits(value, a.etag);
    if (hit) {
      r.status = 304;
      return r;
    }
  }
  r.headers.Set("Content-Type", a.content_type);
  r.body.assign(reinterpret_cast<const char*>(a.data), a.size);
  return r;
}

}  // namespace

const EmbeddedAsset* FindAdminUiAsset(std::string_view name) {
  std::size_t n = 0;
  const EmbeddedAsset* all = AdminUiAssets(&n);
  for (std::size_t i = 0; i < n; ++i)
    if (name == all[i].name) return &all[i];
  return nullptr;
}

http::Response HandleAdminPage(http::Request& req, const RouteContext&) {
  const EmbeddedAsset* index = FindAdminUiAsset("index.html");
  if (!index) return NotFound("the admin page is not built into this program");
  return Serve(req, *index);
}

http::Response HandleAdminUiAsset(http::Request& req, const RouteContext&) {
  const std::string_view name = std::string_view(req.path).substr(kUiPrefix.size());
  const EmbeddedAsset* a = FindAdminUiAsset(name);
  if (!a)
    return NotFound("no admin page file \"" + std::string(name.substr(0, 64)) +
                    "\" (the page is at /admin)");
  return Serve(req, *a);
}

}  // namespace lrs::daemon
