// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/daemon.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <utility>
#include <vector>

#include "lrs/auth/secret.h"
#include "lrs/api/context.h"
#include "lrs/daemon/admin.h"
#include "lrs/daemon/routes.h"
#include "lrs/http/wire.h"

namespace lrs::daemon {
namespace {

constexpr std::string_view kBasePath = "/xapi";
constexpr std::string_view kAdminPath = "/admin/";
constexpr std::string_view kRuntimeFile = "serve.json";

bool IsReadMethod(std::string_view m) { return m == "GET" || m == "HEAD"; }

}  // namespace

bool SplitHostPort(const std::string& listen, std::string* host, std::uint16_t* port) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  unsigned long p = 0;
  for (std::size_t i = colon + 1; i < listen.size(); ++i) {
    if (listen[i] < '0' || listen[i] > '9') return false;
    p = p * 10 + static_cast<unsigned long>(listen[i] - '0');
    if (p > 65535) return false;
  }
  *host = listen.substr(0, colon);
  *port = static_cast<std::uint16_t>(p);
  return true;
}

bool IsLoopbackPeer(std::string_view remote) {
  return remote.rfind("127.", 0) == 0 || remote.rfind("[::1]", 0) == 0 ||
         remote.rfind("[::ffff:127.", 0) == 0;
}

Status Daemon::Open(const Config& config, std::unique_ptr<Daemon>* out) {
  LRS_RETURN_IF_ERROR(Validate(config));
  std::unique_ptr<Daemon> d(new Daemon(config));
  LRS_RETURN_IF_ERROR(Logger::Open(config.log, &d->logger_));
  auth::RegistryOptions ro;
  ro.authority_home_page = config.authority_home_page;
  LRS_RETURN_IF_ERROR(auth::Registry::Open(config.data_dir, ro, &d->registry_));
  LRS_RETURN_IF_ERROR(d->PrepareCredentials());
  std::string token;
  LRS_RETURN_IF_ERROR(auth::internal::RandomBytes(32, &token));
  d->admin_token_ = auth::internal::HexEncode(token);
  api::XapiService* unused;
  LRS_RETURN_IF_ERROR(d->ServiceFor(std::string(auth::kDefaultStore), &unused));
  LRS_RETURN_IF_ERROR(d->StartRelays());
  *out = std::move(d);
  return Status::OK();
}

Status Daemon::StartRelays() {
  std::map<std::string, std::string> by_store;
  LRS_RETURN_IF_ERROR(SyncDestinations(config_, &by_store));
  Logger* log = logger_.get();
  for (const auto& [name, dests] : by_store) {
    if (!registry_->HasStore(name))
      return Status::NotFound("sync: destinations of store \"" + name +
                              "\", which does not exist (create it: lrs stores add " + name + ")");
    api::XapiService* unused;
    LRS_RETURN_IF_ERROR(ServiceFor(name, &unused));
    Store* store;
    {
      std::shared_lock<std::shared_mutex> lock(stores_mu_);
      store = stores_.at(name).store.get();
    }
    sync::RelayOptions ro;
    ro.destinations_json = dests;
    ro.log = [log, name = name](sync::LogLevel level, const std::string& msg) {
      log->Log(level == sync::LogLevel::kInfo      ? LogLevel::kInfo
               : level == sync::LogLevel::kWarning ? LogLevel::kWarn
                                                   : LogLevel::kError,
               msg, {{"component", "sync"}, {"store", name}});
    };
    RelaySlot slot;
    slot.destinations_json = dests;
    LRS_RETURN_IF_ERROR(sync::Relay::Open(store, ro, &slot.relay).WithPrefix("sync: "));
    std::vector<sync::DestinationStatus> st;
    (void)slot.relay->GetStatus(&st);
    for (const auto& x : st)
      logger_->Log(LogLevel::kInfo, "sync destination started",
                   {{"store", name},
                    {"destination", x.name},
                    {"type", x.type},
                    {"cursor", std::to_string(x.cursor)}});
    relays_.emplace(name, std::move(slot));
  }
  return Status::OK();
}

Status Daemon::PrepareCredentials() {
  if (!config_.bootstrap_credential.empty()) {
    const std::string& kv = config_.bootstrap_credential;
    const std::size_t sep = kv.find(':');
    auth::NewCredential nc;
    nc.key = kv.substr(0, sep);
    nc.secret = kv.substr(sep + 1);
    nc.label = "bootstrap";
    bool created = false;
    Status s = registry_->EnsureCredential(nc, &created);
    if (!s.ok()) return s.WithPrefix("LRS_BOOTSTRAP_CREDENTIAL: ");
    if (created) {
      logger_->Log(LogLevel::kInfo, "bootstrap credential created",
                   {{"store", auth::kDefaultStore}, {"key", *nc.key}});
    }
    return Status::OK();
  }
  if (!config_.dev_credential) return Status::OK();
  std::vector<auth::CredentialInfo> existing;
  LRS_RETURN_IF_ERROR(registry_->ListCredentials(auth::kDefaultStore, &existing));
  if (!existing.empty()) return Status::OK();
  auth::NewCredential nc;
  nc.label = "development";
  auth::CredentialInfo info;
  LRS_RETURN_IF_ERROR(registry_->AddCredential(nc, &info));
  logger_->Log(LogLevel::kInfo, "development credential created",
               {{"store", auth::kDefaultStore}, {"key", info.key}});
  dev_credential_ = std::move(info);
  return Status::OK();
}

Daemon::~Daemon() {
  Stop(config_.shutdown_grace);
  relays_.clear();  // before the stores they read
  std::unique_lock<std::shared_mutex> lock(stores_mu_);
  for (auto& [name, slot] : stores_) {
    slot.service.reset();
    slot.store.reset();
    logger_->Log(LogLevel::kInfo, "store closed", {{"store", name}});
  }
  stores_.clear();
}

Status Daemon::Start() {
  if (server_) return Status::InvalidArgument("daemon: already started");
  Status s = http::Server::Start(
      config_.server, [this](http::Request& req) { return Handle(req); },
      [this](const http::Exchange& ex) { Observe(ex); }, &server_);
  if (!s.ok()) return s.WithPrefix("listen " + config_.server.listen + ": ");
  logger_->Log(LogLevel::kInfo, "listening",
               {{"endpoint", Endpoint()}, {"data_dir", config_.data_dir}});
  if (Status w = WriteRuntimeFile(); !w.ok()) {
    // `lrs sync` then cannot reach this daemon; serving goes on.
    logger_->Log(LogLevel::kWarn, "cannot write the runtime file", {{"error", w.ToString()}});
  }
  return Status::OK();
}

std::string RuntimeFilePath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / kRuntimeFile).string();
}

Status Daemon::WriteRuntimeFile() {
  std::string host;
  std::uint16_t port = 0;
  if (!SplitHostPort(config_.server.listen, &host, &port) || host.empty() || host == "0.0.0.0")
    host = "127.0.0.1";
  else if (host == "[::]")
    host = "[::1]";
  const bool tls = !config_.server.tls_cert_file.empty();
  std::string body = "{\"pid\":" + std::to_string(getpid()) + ",\"url\":";
  AppendJsonString(std::string(tls ? "https://" : "http://") + host + ":" +
                       std::to_string(server_->port()),
                   &body);
  body += ",\"admin_token\":";
  AppendJsonString(admin_token_, &body);
  body += ",\"tls_ca\":";
  AppendJsonString(tls ? std::filesystem::absolute(config_.server.tls_cert_file).string() : "",
                   &body);
  body += "}\n";
  const std::string path = RuntimeFilePath(config_.data_dir), tmp = path + ".tmp";
  // Only this user may read the token.
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError(tmp + ": " + std::strerror(errno));
  const bool written = write(fd, body.data(), body.size()) == static_cast<ssize_t>(body.size());
  close(fd);
  if (!written || std::rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return Status::IOError(path + ": cannot write");
  }
  runtime_file_written_ = true;
  return Status::OK();
}

std::uint16_t Daemon::port() const { return server_ ? server_->port() : 0; }

std::string Daemon::Endpoint() const {
  std::string host;
  std::uint16_t port = 0;
  if (!SplitHostPort(config_.server.listen, &host, &port)) host = "127.0.0.1";
  if (server_) port = server_->port();
  const bool tls = !config_.server.tls_cert_file.empty();
  return std::string(tls ? "https://" : "http://") + host + ":" + std::to_string(port) + "/xapi/";
}

void Daemon::Stop(std::chrono::milliseconds grace) {
  if (!server_ || stopped_) return;
  stopped_ = true;
  logger_->Log(LogLevel::kInfo, "stopping", {{"grace_ms", std::to_string(grace.count())}});
  if (runtime_file_written_) unlink(RuntimeFilePath(config_.data_dir).c_str());
  server_->Stop(grace);
  server_->Wait();
  server_.reset();
  logger_->Log(LogLevel::kInfo, "stopped");
}

Status Daemon::ServiceFor(const std::string& name, api::XapiService** out) {
  {
    std::shared_lock<std::shared_mutex> lock(stores_mu_);
    if (auto it = stores_.find(name); it != stores_.end()) {
      *out = it->second.service.get();
      return Status::OK();
    }
  }
  std::unique_lock<std::shared_mutex> lock(stores_mu_);
  if (auto it = stores_.find(name); it != stores_.end()) {  // opened meanwhile
    *out = it->second.service.get();
    return Status::OK();
  }
  const std::string dir = registry_->StoreDir(name);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  StoreSlot slot;
  Status s = Store::Open(config_.store, dir, &slot.store);
  if (!s.ok()) {
    logger_->Log(LogLevel::kError, "cannot open store", {{"store", name}, {"error", s.ToString()}});
    return s;
  }
  api::ServiceOptions so;
  so.base_path = std::string(kBasePath);
  so.unversioned_response_version = config_.unversioned_response_version;
  slot.service = std::make_unique<api::XapiService>(slot.store.get(), so);
  *out = slot.service.get();
  stores_.emplace(name, std::move(slot));
  logger_->Log(LogLevel::kInfo, "store opened", {{"store", name}, {"dir", dir}});
  return Status::OK();
}

http::Response Daemon::Handle(http::Request& req) {
  http::Response r;
  const std::string_view path = req.path;
  if (path == "/health") {
    if (IsReadMethod(req.method)) {
      r.headers.Set("Content-Type", "application/json");
      r.body = "{\"status\":\"ok\"}";
    } else {
      r = http::ErrorResponse(405, "MethodNotAllowed", "use GET /health");
      r.headers.Set("Allow", "GET, HEAD");
    }
  } else if (path == "/metrics" && config_.metrics) {
    r = HandleMetrics(req);
  } else if (path == kBasePath || path.substr(0, kBasePath.size() + 1) == "/xapi/") {
    r = HandleXapi(req);
  } else if (const Route* route = FindRoute(path)) {
    r = HandleRoute(req, *route);
  } else if (path.substr(0, kAdminPath.size()) == kAdminPath) {
    r = http::ErrorResponse(404, "NotFound", "no such admin resource (sync operations: /admin/sync/...)");
  } else {
    r = http::ErrorResponse(404, "NotFound", "no such resource (the xAPI endpoint is /xapi/)");
  }
  return r;
}

http::Response Daemon::HandleXapi(http::Request& req) {
  http::Response r;
  if (req.method == "OPTIONS") {
    r = api::Preflight(req);  // no credentials: browsers send none here
    return r;
  }
  Status s = api::DecodeAlternateSyntax(&req);
  const std::string base(kBasePath);
  if (!s.ok()) {
    r = api::ErrorResponse(s);
  } else {
    auth::Principal who;
    if (api::IsPublic(req, base)) {
      who.store = std::string(auth::kDefaultStore);
    } else if (req.headers.Count("Authorization") > 1) {
      s = Status::Unauthorized("Authorization: the header must appear once");
    } else {
      s = registry_->Authenticate(req.headers.Get("Authorization").value_or(""), &who);
      if (!s.ok() && s.code() != Status::Code::kUnauthorized) {
        logger_->Log(LogLevel::kError, "credential check failed", {{"error", s.ToString()}});
      }
    }
    api::XapiService* service = nullptr;
    if (s.ok()) s = ServiceFor(who.store, &service);
    if (s.ok()) {
      req.notes.emplace_back("store", who.store);
      req.notes.emplace_back("key", who.key);
      r = service->Handle(req, who);
    } else {
      r = api::ErrorResponse(s);
      if (r.status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"lrs\"");
    }
  }
  api::AddCorsHeaders(req, &r);
  return r;
}

http::Response Daemon::HandleRoute(http::Request& req, const Route& route) {
  RouteContext ctx;
  ctx.logger = logger_.get();
  ctx.registry = registry_.get();
  if (route.access == Access::kPublic) return route.handle(req, ctx);
  if (!http::ParseForm(req.query, &ctx.params))
    return api::ErrorResponse(Status::InvalidArgument("query: malformed percent-encoding"));
  std::string store;
  for (auto it = ctx.params.begin(); it != ctx.params.end();) {
    if (it->first == "store") {
      store = it->second;
      it = ctx.params.erase(it);
    } else {
      ++it;
    }
  }
  // Who: the local admin token (any store) or a credential (its own store
  // only) with the admin scope, or for Access::kRead a statement reader.
  if (req.headers.Count("Authorization") > 1)
    return api::ErrorResponse(Status::Unauthorized("Authorization: the header must appear once"));
  const std::string authorization(req.headers.Get("Authorization").value_or(""));
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.size() > kBearer.size() &&
      authorization.compare(0, kBearer.size(), kBearer) == 0) {
    const std::string_view token = std::string_view(authorization).substr(kBearer.size());
    if (admin_token_.empty() || token.size() != admin_token_.size() ||
        CRYPTO_memcmp(token.data(), admin_token_.data(), token.size()) != 0)
      return api::ErrorResponse(Status::Unauthorized("Authorization: unknown admin token"));
    if (store.empty()) store = std::string(auth::kDefaultStore);
    ctx.who_key = "admin-token";
    ctx.admin_token = true;
    ctx.scopes = ~std::uint32_t{0};
  } else {
    auth::Principal who;
    Status s = registry_->Authenticate(authorization, &who);
    // (401 carries WWW-Authenticate: Basic; the admin page fetches with
    // credentials "omit", so the browser opens no dialog of its own.)
    if (!s.ok()) return api::ErrorResponse(s);
    const bool admin = auth::Allows(who.scopes, auth::kAdmin);
    if (route.access == Access::kAdmin && !admin)
      return api::ErrorResponse(
          Status::Forbidden("Authorization: the credential lacks the admin scope "
                            "(lrs credentials add --scopes admin)"));
    if (route.access == Access::kRead && !admin && !auth::Allows(who.scopes, auth::kStatementsRead))
      return api::ErrorResponse(
          Status::Forbidden("Authorization: the credential may not read all statements "
                            "(needs statements/read, all/read, all or admin)"));
    if (!store.empty() && store != who.store)
      return api::ErrorResponse(Status::Forbidden(
          "store: the credential belongs to store \"" + who.store + "\" only"));
    store = who.store;
    ctx.who_key = who.key;
    ctx.scopes = who.scopes;
  }
  req.notes.emplace_back("store", store);
  req.notes.emplace_back("key", ctx.who_key);
  if (!registry_->HasStore(store))
    return api::ErrorResponse(Status::NotFound("store: no store named \"" + store + "\""));
  api::XapiService* unused;
  if (Status s = ServiceFor(store, &unused); !s.ok()) return api::ErrorResponse(s);
  {
    std::shared_lock<std::shared_mutex> lock(stores_mu_);
    ctx.store = stores_.at(store).store.get();
  }
  if (auto it = relays_.find(store); it != relays_.end()) {
    ctx.relay = it->second.relay.get();
    ctx.destinations_json = it->second.destinations_json;
  }
  ctx.store_name = std::move(store);
  return route.handle(req, ctx);
}

http::Response Daemon::HandleMetrics(const http::Request& req) {
  if (config_.metrics_loopback_only && !IsLoopbackPeer(req.remote))
    return http::ErrorResponse(403, "Forbidden", "metrics are served to loopback clients only");
  if (!IsReadMethod(req.method)) {
    http::Response r = http::ErrorResponse(405, "MethodNotAllowed", "use GET /metrics");
    r.headers.Set("Allow", "GET, HEAD");
    return r;
  }
  http::Response r;
  r.headers.Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.body = MetricsText();
  return r;
}

std::string Daemon::MetricsText() {
  std::vector<std::pair<std::string, StoreStats>> stats;
  {
    std::shared_lock<std::shared_mutex> lock(stores_mu_);
    for (const auto& [name, slot] : stores_) {
      StoreStats st;
      if (slot.store->GetStats(&st).ok()) stats.emplace_back(name, st);
    }
  }
  std::vector<SyncMetrics> sync;
  for (const auto& [name, slot] : relays_) {
    std::vector<sync::DestinationStatus> st;
    if (!slot.relay->GetStatus(&st).ok()) continue;
    for (auto& x : st) sync.push_back({name, std::move(x)});
  }
  return metrics_.Render(stats, sync);
}

void Daemon::Observe(const http::Exchange& ex) {
  const http::Request& req = *ex.request;
  const std::string_view route = RouteOf(req.path, kBasePath);
  metrics_.Record(route, req.method, ex.response->status, ex.duration);
  AccessRecord a;
  a.remote = req.remote;
  a.method = MethodLabel(req.method);
  a.route = route;
  a.status = ex.response->status;
  a.duration_us = ex.duration.count();
  a.bytes = ex.body_bytes;  // as sent (HEAD: 0; a stream: its pieces, even if cut)
  for (const auto& [name, value] : req.notes) {
    if (name == "store") a.store = value;
    else if (name == "key") a.key = value;
  }
  logger_->Access(a);
}

}  // namespace lrs::daemon
