// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/daemon.h"

#include <filesystem>
#include <mutex>
#include <utility>
#include <vector>

namespace lrs::daemon {
namespace {

constexpr std::string_view kBasePath = "/xapi";

http::Response JsonError(int status, std::string_view code, std::string_view message) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = "{\"error\":{\"code\":";
  AppendJsonString(code, &r.body);
  r.body += ",\"status\":" + std::to_string(status) + ",\"message\":";
  AppendJsonString(message, &r.body);
  r.body += "}}";
  return r;
}

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
  api::XapiService* unused;
  LRS_RETURN_IF_ERROR(d->ServiceFor(std::string(auth::kDefaultStore), &unused));
  LRS_RETURN_IF_ERROR(d->StartRelay());
  *out = std::move(d);
  return Status::OK();
}

Status Daemon::StartRelay() {
  std::string dests;
  LRS_RETURN_IF_ERROR(SyncDestinations(config_, &dests));
  if (dests == "[]") return Status::OK();
  Store* store;
  {
    std::shared_lock<std::shared_mutex> lock(stores_mu_);
    store = stores_.at(std::string(auth::kDefaultStore)).store.get();
  }
  sync::RelayOptions ro;
  ro.destinations_json = dests;
  Logger* log = logger_.get();
  ro.log = [log](sync::LogLevel level, const std::string& msg) {
    log->Log(level == sync::LogLevel::kInfo      ? LogLevel::kInfo
             : level == sync::LogLevel::kWarning ? LogLevel::kWarn
                                                 : LogLevel::kError,
             msg, {{"component", "sync"}});
  };
  LRS_RETURN_IF_ERROR(sync::Relay::Open(store, ro, &relay_).WithPrefix("sync: "));
  std::vector<sync::DestinationStatus> st;
  (void)relay_->GetStatus(&st);
  for (const auto& x : st)
    logger_->Log(LogLevel::kInfo, "sync destination started",
                 {{"destination", x.name}, {"type", x.type}, {"cursor", std::to_string(x.cursor)}});
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
  relay_.reset();  // before the stores it reads
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
      r = JsonError(405, "MethodNotAllowed", "use GET /health");
      r.headers.Set("Allow", "GET, HEAD");
    }
  } else if (path == "/metrics" && config_.metrics) {
    r = HandleMetrics(req);
  } else if (path == kBasePath || path.substr(0, kBasePath.size() + 1) == "/xapi/") {
    r = HandleXapi(req);
  } else {
    r = JsonError(404, "NotFound", "no such resource (the xAPI endpoint is /xapi/)");
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

http::Response Daemon::HandleMetrics(const http::Request& req) {
  if (config_.metrics_loopback_only && !IsLoopbackPeer(req.remote))
    return JsonError(403, "Forbidden", "metrics are served to loopback clients only");
  if (!IsReadMethod(req.method)) {
    http::Response r = JsonError(405, "MethodNotAllowed", "use GET /metrics");
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
  return metrics_.Render(stats);
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
  a.bytes = ex.response->body.size();
  for (const auto& [name, value] : req.notes) {
    if (name == "store") a.store = value;
    else if (name == "key") a.key = value;
  }
  logger_->Access(a);
}

}  // namespace lrs::daemon
