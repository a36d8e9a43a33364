// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The admin page of `lrs serve` (lrs/daemon/admin_ui.h): its compiled-in
// files and their headers (CSP, ETag and 304, no-cache, nosniff), unknown
// files, and the directory APIs it calls (/admin/whoami, /admin/credentials,
// /admin/stores) for the admin token, admin, reader and writer credentials.
// The page itself is driven in Chromium by tests/admin/e2e.mjs.

#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <string>
#include <vector>

#include "lrs/auth/registry.h"
#include "lrs/daemon/admin_ui.h"
#include "lrs/json/json.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::MakeRequest;
using testing::TestDaemon;

http::Response Get(Daemon* d, const std::string& path, const std::string& auth = "",
                   const std::string& query = "", const std::string& method = "GET") {
  auto req = MakeRequest(method, path, query);
  if (!auth.empty()) req.headers.Set("Authorization", auth);
  return d->Handle(req);
}

json::Document Parse(const std::string& body) {
  json::Document d;
  INFO(body);
  REQUIRE(json::Parse(body, &d).ok());
  return d;
}

std::string Header(const http::Response& r, std::string_view name) {
  return std::string(r.headers.Get(name).value_or(""));
}

struct Cred {
  std::string key, secret, auth;
};

Cred AddCredential(Daemon* d, const std::string& store, std::uint32_t scopes,
                   const std::string& label) {
  auth::NewCredential nc;
  nc.store = store;
  nc.label = label;
  nc.scopes = scopes;
  auth::CredentialInfo info;
  REQUIRE(d->registry()->AddCredential(nc, &info).ok());
  return {info.key, info.secret, BasicAuth(info.key, info.secret)};
}

std::vector<std::string> Strings(const json::Value& a) {
  std::vector<std::string> out;
  for (const auto& v : a.GetArray()) out.emplace_back(json::View(v));
  return out;
}

void CheckPageHeaders(const http::Response& r) {
  const std::string csp = Header(r, "Content-Security-Policy");
  CHECK(csp.find("default-src 'self'") != std::string::npos);
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("unsafe-eval") == std::string::npos);
  CHECK(Header(r, "X-Content-Type-Options") == "nosniff");
  CHECK(Header(r, "Cache-Control") == "no-cache");
}

TEST_CASE("admin page: compiled-in files with strict headers, no credentials needed",
          "[daemon][admin_ui]") {
  TestDaemon t;
  Daemon* d = t.daemon.get();

  http::Response page = Get(d, "/admin");
  REQUIRE(page.status == 200);
  CHECK(Header(page, "Content-Type") == "text/html; charset=utf-8");
  CheckPageHeaders(page);
  const std::string etag = Header(page, "ETag");
  CHECK(etag.size() == 18);  // "<16 hex digits>"
  CHECK(etag.front() == '"');
  CHECK(page.body.find("<script src=\"/admin/ui/app.js\"") != std::string::npos);
  CHECK(page.body.find("/admin/ui/app.css") != std::string::npos);
  // No inline script and nothing from another origin: every src and href
  // names a file of the page.
  std::size_t scripts = 0;
  for (std::size_t p = page.body.find("<script"); p != std::string::npos;
       p = page.body.find("<script", p + 1)) {
    ++scripts;
    CHECK(page.body.compare(p, 13, "<script src=\"") == 0);
  }
  CHECK(scripts == 1);
  for (std::string_view attr : {"src=\"", "href=\""}) {
    for (std::size_t p = page.body.find(attr); p != std::string::npos;
         p = page.body.find(attr, p + 1)) {
      INFO(page.body.substr(p, 60));
      CHECK(page.body.compare(p + attr.size(), 10, "/admin/ui/") == 0);
    }
  }
  CHECK(page.body.find(" style=") == std::string::npos);
  // No event handler attributes (onclick= ...): the CSP would block them.
  for (std::size_t p = page.body.find(" on"); p != std::string::npos; p = page.body.find(" on", p + 1)) {
    std::size_t e = p + 3;
    while (e < page.body.size() && page.body[e] >= 'a' && page.body[e] <= 'z') ++e;
    INFO(page.body.substr(p, 30));
    CHECK((e < page.body.size() && page.body[e] == '=') == false);
  }

  http::Response js = Get(d, "/admin/ui/app.js");
  REQUIRE(js.status == 200);
  CHECK(Header(js, "Content-Type") == "text/javascript; charset=utf-8");
  CheckPageHeaders(js);
  CHECK(Header(js, "ETag") != etag);
  CHECK(js.body.find("innerHTML") == std::string::npos);
  // The only absolute URL in the script is the SVG namespace.
  for (std::size_t p = js.body.find("http"); p != std::string::npos; p = js.body.find("http", p + 1)) {
    INFO(js.body.substr(p, 40));
    CHECK(js.body.compare(p, 26, "http://www.w3.org/2000/svg") == 0);
  }

  http::Response css = Get(d, "/admin/ui/app.css");
  REQUIRE(css.status == 200);
  CHECK(Header(css, "Content-Type") == "text/css; charset=utf-8");
  CheckPageHeaders(css);
  CHECK(css.body.find("@import") == std::string::npos);
  CHECK(css.body.find("url(") == std::string::npos);

  // The table agrees with what is served.
  const EmbeddedAsset* a = FindAdminUiAsset("app.js");
  REQUIRE(a != nullptr);
  CHECK(js.body == std::string(reinterpret_cast<const char*>(a->data), a->size));
  CHECK(Header(js, "ETag") == a->etag);
  CHECK(Get(d, "/admin/ui/index.html").body == page.body);

  // HEAD: the same headers.
  http::Response head = Get(d, "/admin/ui/app.css", "", "", "HEAD");
  CHECK(head.status == 200);
  CHECK(Header(head, "ETag") == Header(css, "ETag"));
}

TEST_CASE("admin page: ETag and If-None-Match give 304", "[daemon][admin_ui]") {
  TestDaemon t;
  Daemon* d = t.daemon.get();
  const std::string etag = Header(Get(d, "/admin/ui/app.js"), "ETag");
  REQUIRE(!etag.empty());

  auto conditional = [&](const std::string& inm) {
    auto req = MakeRequest("GET", "/admin/ui/app.js");
    req.headers.Set("If-None-Match", inm);
    return d->Handle(req);
  };
  http::Response r = conditional(etag);
  CHECK(r.status == 304);
  CHECK(r.body.empty());
  CHECK(Header(r, "ETag") == etag);
  CHECK(Header(r, "Cache-Control") == "no-cache");
  CHECK(conditional("\"other\", W/" + etag).status == 304);
  CHECK(conditional("*").status == 304);
  r = conditional("\"other\"");
  CHECK(r.status == 200);
  CHECK(!r.body.empty());
  // Another file's ETag does not match.
  CHECK(conditional(Header(Get(d, "/admin"), "ETag")).status == 200);
}

TEST_CASE("admin page: unknown files are 404 JSON; only GET and HEAD", "[daemon][admin_ui]") {
  TestDaemon t;
  Daemon* d = t.daemon.get();
  for (const std::string path : {"/admin/ui/nope.js", "/admin/ui/", "/admin/ui/../admin.h",
                                 "/admin/ui/app.js/x"}) {
    INFO(path);
    http::Response r = Get(d, path);
    CHECK(r.status == 404);
    CHECK(Header(r, "Content-Type") == "application/json");
    json::Document doc = Parse(r.body);
    CHECK(json::StringOr(doc["error"], "code") == "NotFound");
    CHECK(Header(r, "X-Content-Type-Options") == "nosniff");
  }
  http::Response r = Get(d, "/admin", "", "", "POST");
  CHECK(r.status == 405);
  CHECK(Header(r, "Allow") == "GET, HEAD");
  CHECK(Get(d, "/admin/ui/app.js", "", "", "DELETE").status == 405);
  // Other paths below /admin still need credentials.
  CHECK(Get(d, "/admin/whoami").status == 401);
  CHECK(Get(d, "/admin/other").status == 404);
}

TEST_CASE("admin directory: whoami for the admin token and each kind of credential",
          "[daemon][admin_ui]") {
  TestDaemon t;
  REQUIRE(t.daemon->Start().ok());
  Daemon* d = t.daemon.get();
  const Cred admin = AddCredential(d, "default", auth::kAll | auth::kAdmin, "ops");
  const Cred reader = AddCredential(d, "default", auth::kStatementsRead, "dashboard");
  const Cred writer = AddCredential(d, "default", auth::kStatementsWrite, "player");

  http::Response r = Get(d, "/admin/whoami", admin.auth);
  REQUIRE(r.status == 200);
  CHECK(Header(r, "Cache-Control") == "no-store");
  json::Document doc = Parse(r.body);
  CHECK(json::StringOr(doc, "store") == "default");
  CHECK(json::StringOr(doc, "key") == admin.key);
  CHECK(json::StringOr(doc, "label") == "ops");
  CHECK(Strings(doc["scopes"]) == std::vector<std::string>{"all", "admin"});
  CHECK(doc["admin"].GetBool());
  CHECK(r.body.find(admin.secret) == std::string::npos);

  doc = Parse(Get(d, "/admin/whoami", reader.auth).body);
  CHECK(json::StringOr(doc, "key") == reader.key);
  CHECK(Strings(doc["scopes"]) == std::vector<std::string>{"statements/read"});
  CHECK_FALSE(doc["admin"].GetBool());

  // A credential that may not read the store's statements, a wrong secret,
  // none at all.
  r = Get(d, "/admin/whoami", writer.auth);
  CHECK(r.status == 403);
  CHECK(json::StringOr(Parse(r.body)["error"], "message").find("statements/read") !=
        std::string_view::npos);
  r = Get(d, "/admin/whoami", BasicAuth(admin.key, "wrong-secret"));
  CHECK(r.status == 401);
  CHECK(Get(d, "/admin/whoami").status == 401);

  // The admin token: any store.
  json::Document runtime = Parse(testing::ReadFile(RuntimeFilePath(t.config.data_dir)));
  const std::string token = "Bearer " + std::string(json::StringOr(runtime, "admin_token"));
  REQUIRE(d->registry()->AddStore("acme").ok());
  doc = Parse(Get(d, "/admin/whoami", token, "store=acme").body);
  CHECK(json::StringOr(doc, "store") == "acme");
  CHECK(json::StringOr(doc, "key") == "admin-token");
  CHECK(doc["admin"].GetBool());

  // Parameters other than store are refused, naming the parameter.
  r = Get(d, "/admin/whoami", admin.auth, "verbose=1");
  CHECK(r.status == 400);
  CHECK(json::StringOr(Parse(r.body)["error"], "field") == "verbose");
  r = Get(d, "/admin/whoami", admin.auth, "", "POST");
  CHECK(r.status == 405);
  t.daemon->Stop(std::chrono::milliseconds(100));
}

TEST_CASE("admin directory: credentials without secrets, stores by who asks",
          "[daemon][admin_ui]") {
  TestDaemon t;
  REQUIRE(t.daemon->Start().ok());
  Daemon* d = t.daemon.get();
  REQUIRE(d->registry()->AddStore("acme").ok());
  const Cred admin = AddCredential(d, "default", auth::kAdmin, "ops \"night\" <shift>");
  const Cred reader = AddCredential(d, "default", auth::kStatementsRead, "dashboard");
  const Cred revoked = AddCredential(d, "default", auth::kState, "old player");
  REQUIRE(d->registry()->RevokeCredential(revoked.key).ok());
  const Cred acme = AddCredential(d, "acme", auth::kAll | auth::kAdmin, "acme ops");
  const auto dev = *d->dev_credential();

  http::Response r = Get(d, "/admin/credentials", admin.auth);
  REQUIRE(r.status == 200);
  CHECK(Header(r, "Cache-Control") == "no-store");
  for (const std::string& secret : {admin.secret, reader.secret, revoked.secret, acme.secret, dev.secret})
    CHECK(r.body.find(secret) == std::string::npos);
  CHECK(r.body.find("secret") == std::string::npos);
  json::Document doc = Parse(r.body);
  CHECK(json::StringOr(doc, "store") == "default");
  std::map<std::string, const json::Value*> by_key;
  for (const auto& c : doc["credentials"].GetArray()) by_key[std::string(json::StringOr(c, "key"))] = &c;
  CHECK(by_key.size() == 4);  // dev, admin, reader, revoked; not acme's
  CHECK(by_key.count(acme.key) == 0);
  REQUIRE(by_key.count(admin.key) == 1);
  const json::Value& a = *by_key[admin.key];
  CHECK(json::StringOr(a, "label") == "ops \"night\" <shift>");
  CHECK(Strings(a["scopes"]) == std::vector<std::string>{"admin"});
  CHECK(json::StringOr(a, "created").size() == 24);  // 2026-01-02T03:04:05.678Z
  CHECK(a["revoked"].IsNull());
  REQUIRE(by_key.count(revoked.key) == 1);
  CHECK((*by_key[revoked.key])["revoked"].IsString());

  // Only admins: a reader gets 403 with the rule.
  r = Get(d, "/admin/credentials", reader.auth);
  CHECK(r.status == 403);
  CHECK(r.body.find("admin scope") != std::string::npos);
  CHECK(Get(d, "/admin/stores", reader.auth).status == 403);
  CHECK(Get(d, "/admin/credentials").status == 401);
  // A credential of acme sees acme's only, and may not ask for default's.
  doc = Parse(Get(d, "/admin/credentials", acme.auth).body);
  CHECK(json::StringOr(doc, "store") == "acme");
  CHECK(doc["credentials"].Size() == 1);
  CHECK(Get(d, "/admin/credentials", acme.auth, "store=default").status == 403);

  // Stores: an admin credential sees its own; the admin token every store.
  doc = Parse(Get(d, "/admin/stores", admin.auth).body);
  REQUIRE(doc["stores"].Size() == 1);
  CHECK(json::StringOr(doc["stores"][0], "name") == "default");
  CHECK(json::StringOr(doc["stores"][0], "created").size() == 24);
  doc = Parse(Get(d, "/admin/stores", acme.auth).body);
  REQUIRE(doc["stores"].Size() == 1);
  CHECK(json::StringOr(doc["stores"][0], "name") == "acme");
  json::Document runtime = Parse(testing::ReadFile(RuntimeFilePath(t.config.data_dir)));
  const std::string token = "Bearer " + std::string(json::StringOr(runtime, "admin_token"));
  doc = Parse(Get(d, "/admin/stores", token).body);
  std::vector<std::string> names;
  for (const auto& s : doc["stores"].GetArray()) names.emplace_back(json::StringOr(s, "name"));
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"acme", "default"});
  doc = Parse(Get(d, "/admin/credentials", token, "store=acme").body);
  CHECK(doc["credentials"].Size() == 1);
  t.daemon->Stop(std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace lrs::daemon
