// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The C API's local endpoint: the xAPI HTTP API of an embedded store on a
// loopback port, for HTML5 xAPI / cmi5 content in a WebView. The handlers
// are the daemon's (api::XapiService); credentials are one key and secret
// held in memory, compared in constant time.

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <string>

#include "lrs/capi/capi_internal.h"

#if LRS_HAVE_HTTP
#include "lrs/api/service.h"
#include "lrs/auth/credentials.h"
#include "lrs/auth/secret.h"
#include "lrs/http/server.h"
#include "lrs/http/wire.h"
#endif

using lrs::Status;
using lrs::capi::ClearOut;
using lrs::capi::Emit;
using lrs::capi::Fail;
using lrs::capi::Guard;
using lrs::capi::In;
using lrs::capi::Ok;
using lrs::capi::Params;

#if LRS_HAVE_HTTP

namespace {

constexpr std::string_view kBasePath = "/xapi";
constexpr std::string_view kAuthorityHomePage = "http://localhost/lrs/credentials";

std::string Sha256(std::string_view s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  return std::string(reinterpret_cast<const char*>(d), sizeof d);
}

bool IsLoopbackHost(std::string_view host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" ||
         (host.size() > 4 && host.substr(0, 4) == "127.");
}

// "HOST:PORT" or "[V6]:PORT": the host without brackets.
Status ListenHost(const std::string& listen, std::string* host) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size())
    return Status::InvalidArgument("options.listen: must be HOST:PORT, e.g. 127.0.0.1:0");
  std::string h = listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  *host = h;
  return Status::OK();
}

}  // namespace

struct lrs_server {
  std::unique_ptr<lrs::api::XapiService> service;
  std::unique_ptr<lrs::http::Server> server;
  std::string key, secret, secret_hash, authority, host;

  lrs::http::Response Handle(lrs::http::Request& req) {
    namespace api = lrs::api;
    const std::string& path = req.path;
    if (path != kBasePath && path.compare(0, kBasePath.size() + 1, "/xapi/") != 0)
      return lrs::http::ErrorResponse(404, "NotFound",
                                      "no such resource (the xAPI endpoint is /xapi/)");
    if (req.method == "OPTIONS") return api::Preflight(req);
    lrs::http::Response r;
    Status s = api::DecodeAlternateSyntax(&req);
    lrs::auth::Principal who;
    if (s.ok() && !api::IsPublic(req, std::string(kBasePath))) s = Authenticate(req, &who);
    if (s.ok()) {
      r = service->Handle(req, who);
    } else {
      r = api::ErrorResponse(s);
      if (r.status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"lrs\"");
    }
    api::AddCorsHeaders(req, &r);
    return r;
  }

  Status Authenticate(const lrs::http::Request& req, lrs::auth::Principal* who) const {
    if (req.headers.Count("Authorization") > 1)
      return Status::Unauthorized("Authorization: the header must appear once");
    std::string k, sec;
    LRS_RETURN_IF_ERROR(
        lrs::auth::internal::ParseBasic(req.headers.Get("Authorization").value_or(""), &k, &sec));
    // Both compared in full and in constant time (hashes of equal length).
    bool ok = CRYPTO_memcmp(Sha256(k).data(), Sha256(key).data(), SHA256_DIGEST_LENGTH) == 0;
    ok &= CRYPTO_memcmp(Sha256(sec).data(), secret_hash.data(), SHA256_DIGEST_LENGTH) == 0;
    if (!ok) return Status::Unauthorized("invalid credentials");
    who->store = "default";
    who->key = key;
    who->label = "embedded";
    who->scopes = lrs::auth::kAll;
    who->authority_json = authority;
    return Status::OK();
  }
};

extern "C" {

int lrs_server_start(lrs_store* store, const char* options, size_t options_len, lrs_server** out) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (store == nullptr || out == nullptr)
      return Fail(LRS_MISUSE, "lrs_server_start: store and out must not be NULL");
    Params p;
    Status s = p.Parse(In(options, options_len), "options");
    if (s.ok()) s = p.Only({"listen", "key", "secret", "authority", "allow_remote"});
    std::optional<std::string> listen, key, secret, authority;
    bool allow_remote = false;
    if (s.ok()) s = p.String("listen", &listen);
    if (s.ok()) s = p.String("key", &key);
    if (s.ok()) s = p.String("secret", &secret);
    if (s.ok()) s = p.JsonText("authority", &authority);
    if (s.ok()) s = p.Bool("allow_remote", &allow_remote);
    if (!s.ok()) return Fail(s);
    auto h = std::make_unique<lrs_server>();
    lrs::http::ServerOptions so;
    so.listen = listen.value_or("127.0.0.1:0");
    so.io_threads = 1;
    so.worker_threads = 4;
    if (!(s = ListenHost(so.listen, &h->host)).ok()) return Fail(s);
    if (!allow_remote && !IsLoopbackHost(h->host))
      return Fail(LRS_INVALID_ARGUMENT,
                  "options.listen: " + h->host +
                      " is not a loopback address (set allow_remote to listen beyond this device)");
    if (key) {
      if (!lrs::auth::internal::ValidKey(*key))
        return Fail(LRS_INVALID_ARGUMENT, "options.key: 1 to 128 characters of [A-Za-z0-9._~-]");
      h->key = *key;
    } else if (!(s = lrs::auth::internal::GenerateKey(&h->key)).ok()) {
      return Fail(s);
    }
    if (secret) {
      if (!lrs::auth::internal::ValidSecret(*secret))
        return Fail(LRS_INVALID_ARGUMENT, "options.secret: 1 to 256 printable ASCII characters");
      h->secret = *secret;
    } else if (!(s = lrs::auth::internal::GenerateSecret(&h->secret)).ok()) {
      return Fail(s);
    }
    h->secret_hash = Sha256(h->secret);
    if (authority) {
      h->authority = *authority;
    } else {
      h->authority = "{\"objectType\":\"Agent\",\"account\":{\"homePage\":";
      lrs::capi::AppendJsonString(kAuthorityHomePage, &h->authority);
      h->authority += ",\"name\":";
      lrs::capi::AppendJsonString(h->key, &h->authority);
      h->authority += "}}";
    }
    lrs::api::ServiceOptions svc;
    svc.base_path = std::string(kBasePath);
    h->service = std::make_unique<lrs::api::XapiService>(store->store.get(), svc);
    lrs_server* raw = h.get();
    s = lrs::http::Server::Start(
        so, [raw](lrs::http::Request& req) { return raw->Handle(req); }, nullptr, &h->server);
    if (!s.ok()) return Fail(s);
    *out = h.release();
    return Ok();
  });
}

int lrs_server_info(lrs_server* server, char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (server == nullptr || out == nullptr)
      return Fail(LRS_MISUSE, "lrs_server_info: server and out must not be NULL");
    const std::string port = std::to_string(server->server->port());
    std::string host = server->host;
    if (host == "0.0.0.0" || host.empty()) host = "127.0.0.1";
    if (host == "::") host = "::1";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    std::string basic;
    basic = "Basic " + lrs::Base64Encode(server->key + ":" + server->secret);
    std::string j = "{\"endpoint\":";
    lrs::capi::AppendJsonString("http://" + host + ":" + port + "/xapi/", &j);
    j += ",\"port\":" + port + ",\"key\":";
    lrs::capi::AppendJsonString(server->key, &j);
    j += ",\"secret\":";
    lrs::capi::AppendJsonString(server->secret, &j);
    j += ",\"authorization\":";
    lrs::capi::AppendJsonString(basic, &j);
    j += '}';
    return Emit(j, out, out_len);
  });
}

void lrs_server_stop(lrs_server* server) {
  Guard([&] {
    if (server == nullptr) return LRS_OK;
    server->server->Stop(std::chrono::milliseconds(2000));
    server->server->Wait();
    delete server;
    return LRS_OK;
  });
}

}  // extern "C"

#else  // !LRS_HAVE_HTTP

struct lrs_server {};

extern "C" {
int lrs_server_start(lrs_store* store, const char*, size_t, lrs_server** out) {
  if (out != nullptr) *out = nullptr;
  if (store == nullptr || out == nullptr)
    return Fail(LRS_MISUSE, "lrs_server_start: store and out must not be NULL");
  return Fail(LRS_NOT_SUPPORTED,
              "server: this build of lrs has no HTTP server (LRS_WITH_HTTP=OFF)");
}
int lrs_server_info(lrs_server* server, char** out, size_t* out_len) {
  ClearOut(out, out_len);
  if (server == nullptr || out == nullptr)
    return Fail(LRS_MISUSE, "lrs_server_info: server and out must not be NULL");
  return Fail(LRS_NOT_SUPPORTED, "server: this build of lrs has no HTTP server (LRS_WITH_HTTP=OFF)");
}
void lrs_server_stop(lrs_server*) {}
}  // extern "C"

#endif  // LRS_HAVE_HTTP
