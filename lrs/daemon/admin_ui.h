// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The web admin page of `lrs serve`: static files (lrs/daemon/admin_ui/)
// compiled into the program at build time by cmake/embed_assets.cmake, so
// the page works offline and loads nothing from elsewhere. The page signs
// in with a credential and calls the JSON APIs (/xapi/statements,
// /reports/..., /admin/sync/..., /admin/credentials, /admin/stores,
// /admin/whoami) with Basic auth.
//
//   GET /admin             index.html
//   GET /admin/ui/<file>   a file of lrs/daemon/admin_ui/; 404 JSON otherwise
//
// Every file is served with Cache-Control: no-cache, its ETag (304 when
// If-None-Match names it), a Content-Security-Policy allowing only this
// origin's scripts, styles and requests (no inline scripts, no framing),
// X-Content-Type-Options: nosniff and Referrer-Policy: no-referrer.
// The handlers (HandleAdminPage, HandleAdminUiAsset) are in routes.h.

#ifndef LRS_DAEMON_ADMIN_UI_H_
#define LRS_DAEMON_ADMIN_UI_H_

#include <cstddef>
#include <string_view>

namespace lrs::daemon {

// One compiled-in file.
struct EmbeddedAsset {
  const char* name;          // "app.js"
  const char* content_type;  // "text/javascript; charset=utf-8"
  const char* etag;          // "\"<16 hex digits of SHA-256>\""
  const unsigned char* data;
  std::size_t size;
};

// The compiled-in files (generated into the build directory). *count gets
// their number.
const EmbeddedAsset* AdminUiAssets(std::size_t* count);

// The file named `name` ("app.js"), or null.
const EmbeddedAsset* FindAdminUiAsset(std::string_view name);

// The Content-Security-Policy sent with the page's files.
inline constexpr std::string_view kAdminUiCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_ADMIN_UI_H_
