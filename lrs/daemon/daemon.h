// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::daemon::Daemon: what `lrs serve` runs. It owns the credentials
// registry, the stores (opened lazily, one lrs::Store and one
// api::XapiService per store, kept open), the HTTP server, metrics and logs.
//
// Routing (Handle):
//   GET /health     200 {"status":"ok"}, no credentials
//   GET /metrics    Prometheus text, no credentials; served to loopback
//                   clients only unless metrics_loopback_only is false
//   /admin/..., /reports/..., /export
//                   the routes of routes.h (sync operations, reports,
//                   export, retention, the admin page): Bearer <the admin
//                   token of DATA/serve.json> for any store (?store=NAME),
//                   or Basic credentials of their own store
//   /xapi/...       OPTIONS: CORS preflight (no credentials). Otherwise the
//                   1.0.3 alternate syntax is decoded, credentials checked
//                   (except for public resources: GET /xapi/about), and the
//                   request served by the principal's store. CORS headers on
//                   every /xapi response, errors included.
//   anything else   404 JSON error
//
// Thread safety: Handle and Observe may be called concurrently (they are
// the server's handler and observer); Start/Stop/Wait from one thread.

#ifndef LRS_DAEMON_DAEMON_H_
#define LRS_DAEMON_DAEMON_H_

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "lrs/api/service.h"
#include "lrs/auth/registry.h"
#include "lrs/daemon/config.h"
#include "lrs/daemon/logging.h"
#include "lrs/daemon/metrics.h"
#include "lrs/daemon/routes.h"
#include "lrs/http/server.h"
#include "lrs/store.h"
#include "lrs/sync/relay.h"

namespace lrs::daemon {

class Daemon {
 public:
  // Opens the logs, the registry of config.data_dir (creating it), applies
  // LRS_BOOTSTRAP_CREDENTIAL, creates the development credential at first
  // start (config.dev_credential and no credential for the default store)
  // and opens the default store. Does not listen yet.
  static Status Open(const Config& config, std::unique_ptr<Daemon>* out);
  // Stops the server (if started) and closes the stores.
  ~Daemon();

  // Binds config.server.listen and serves. OK iff listening.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // "http://HOST:PORT/xapi/" (https with TLS), with the bound port.
  std::string Endpoint() const;
  // Graceful stop: in-flight requests get up to `grace`. Idempotent.
  void Stop(std::chrono::milliseconds grace);

  // Serves one request without a socket (the server's handler).
  http::Response Handle(http::Request& req);
  // Accounts one written response: access log and metrics (the server's
  // observer).
  void Observe(const http::Exchange& exchange);
  // The Prometheus exposition text.
  std::string MetricsText();

  auth::Registry* registry() { return registry_.get(); }
  Logger* logger() { return logger_.get(); }
  // The credential created at this first start, with its secret; nullopt
  // when none was created.
  const std::optional<auth::CredentialInfo>& dev_credential() const { return dev_credential_; }

 private:
  struct StoreSlot {
    std::unique_ptr<Store> store;
    std::unique_ptr<api::XapiService> service;
  };
  explicit Daemon(Config config) : config_(std::move(config)) {}
  Status PrepareCredentials();
  // Opens the stores that have sync destinations and starts their relays.
  Status StartRelays();
  // The service of store `name`, opening the store at first use.
  Status ServiceFor(const std::string& name, api::XapiService** out);
  // Serves /xapi/...; leaves the store and credential key in req.notes for
  // the access log.
  http::Response HandleXapi(http::Request& req);
  http::Response HandleMetrics(const http::Request& req);
  // Serves a route of routes.h: settles the store and the principal for
  // route.access, then calls its handler.
  http::Response HandleRoute(http::Request& req, const Route& route);
  // Writes DATA/serve.json (mode 0600): pid, URL, admin token, TLS trust
  // anchor, for `lrs sync` commands. Removed by Stop.
  Status WriteRuntimeFile();

  const Config config_;
  std::unique_ptr<Logger> logger_;
  std::unique_ptr<auth::Registry> registry_;
  std::optional<auth::CredentialInfo> dev_credential_;
  // Bearer token of the admin endpoints, new at every start; only in
  // DATA/serve.json. Set in Open, read-only afterwards.
  std::string admin_token_;
  bool runtime_file_written_ = false;
  Metrics metrics_;

  std::shared_mutex stores_mu_;
  std::map<std::string, StoreSlot> stores_;  // GUARDED_BY(stores_mu_)

  struct RelaySlot {
    std::unique_ptr<sync::Relay> relay;
    std::string destinations_json;
  };
  std::map<std::string, RelaySlot> relays_;  // by store; fixed after Open
  std::unique_ptr<http::Server> server_;
  bool stopped_ = false;
};

// DATA/serve.json of a data directory: while `lrs serve` runs,
// {"pid","url","admin_token","tls_ca"} for local `lrs sync` commands.
std::string RuntimeFilePath(const std::string& data_dir);

// Splits "HOST:PORT" (HOST may be "[v6]"); false when malformed.
bool SplitHostPort(const std::string& listen, std::string* host, std::uint16_t* port);
// True for 127.0.0.0/8, ::1 and ::ffff:127.x peers ("address:port").
bool IsLoopbackPeer(std::string_view remote);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_DAEMON_H_
