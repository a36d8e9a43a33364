// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Configuration of the `lrs` program: one TOML file (docs/lrs.example.toml
// documents every key), environment variables and command-line flags.
// Precedence: flags > environment > file > defaults. Parsing never throws
// (toml11's exceptions are caught here) and reports the file, key and cause.
//
// Environment variables (all optional):
//   LRS_CONFIG                config file path (when --config is not given)
//   LRS_DATA                  data directory
//   LRS_LISTEN                HOST:PORT
//   LRS_IO_THREADS, LRS_WORKER_THREADS
//   LRS_TLS_CERT, LRS_TLS_KEY PEM files (both: HTTPS only)
//   LRS_MAX_BODY_BYTES, LRS_MAX_CONNECTIONS
//   LRS_LOG_LEVEL             trace|debug|info|warn|error|off
//   LRS_LOG_FORMAT            json|text
//   LRS_LOG_FILE              path; empty or "-" for stderr
//   LRS_AUTHORITY_HOME_PAGE   IRL used in credentials' authority accounts
//   LRS_SYNC                  true|false (fsync every commit)
//   LRS_BOOTSTRAP_CREDENTIAL  KEY:SECRET, an all-scope credential on the
//                             default store, created at start if absent
//                             (environment only: never in a file)
//
// Thread safety: values; functions are reentrant.

#ifndef LRS_DAEMON_CONFIG_H_
#define LRS_DAEMON_CONFIG_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "lrs/auth/registry.h"
#include "lrs/http/server.h"
#include "lrs/options.h"
#include "lrs/status.h"
#include "lrs/xapi.h"

namespace lrs::daemon {

struct LogConfig {
  std::string format = "json";  // "json" (one object per line) or "text"
  std::string level = "info";   // trace, debug, info, warn, error, off
  std::string file;             // empty: stderr
  bool access = true;           // one access-log line per request
};

struct Config {
  std::string data_dir = "./lrs-data";
  // listen, threads, limits, timeouts, TLS.
  http::ServerOptions server;
  // How long SIGTERM/SIGINT waits for in-flight requests.
  std::chrono::milliseconds shutdown_grace{10000};
  LogConfig log;
  // homePage of the account in each credential's authority Agent; an IRL.
  std::string authority_home_page{auth::kDefaultAuthorityHomePage};
  // At first start (the default store has no credential yet and no
  // bootstrap credential is given) create and print a credential.
  bool dev_credential = true;
  // Serve GET /metrics; to loopback clients only unless false.
  bool metrics = true;
  bool metrics_loopback_only = true;
  // X-Experience-API-Version of the 400 for a request without a usable
  // version header ("2.0.0" or "1.0.3"; see api::ServiceOptions).
  XapiVersion unversioned_response_version = XapiVersion::k2_0_0;
  // Options of every store opened (sync, map sizes, limits).
  Options store;
  // "KEY:SECRET" from LRS_BOOTSTRAP_CREDENTIAL; empty when unset.
  std::string bootstrap_credential;
  // Sync destinations ([[sync.destinations]] in the file, as a JSON array;
  // each belongs to the store its `store` setting names, default "default";
  // see docs/sync.md).
  std::string sync_destinations = "[]";
  // The simplest sync: every statement to this xAPI endpoint (--forward-to,
  // LRS_FORWARD_TO) with Basic KEY:SECRET from LRS_FORWARD_CREDENTIAL.
  std::string forward_to;
  std::string forward_credential;
};

// The destinations the relays run, as a JSON array per store name:
// sync_destinations grouped by their `store` setting (default "default";
// the setting itself is not passed on) plus, with forward_to, an xapi
// destination named "upstream" of the default store that backfills from
// the start. Validates them all (names unique across stores);
// InvalidArgument names the destination and the setting, or the malformed
// forward credential.
Status SyncDestinations(const Config& config, std::map<std::string, std::string>* by_store);

// Returns the value of an environment variable, or nullopt when unset.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
// The process environment (getenv).
EnvLookup ProcessEnv();

// Values given as command-line flags (unset: not given).
struct FlagOverrides {
  std::optional<std::string> config_file;
  std::optional<std::string> data_dir;
  std::optional<std::string> listen;
  std::optional<std::string> tls_cert;
  std::optional<std::string> tls_key;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  std::optional<std::string> log_file;
  std::optional<int> io_threads;
  std::optional<int> worker_threads;
  std::optional<std::string> forward_to;
};

// Reads a TOML file over *config (keys absent from the file keep their
// value). InvalidArgument names the key for unknown keys and wrong types;
// IOError when the file cannot be read.
Status LoadConfigFile(const std::string& path, Config* config);

// LoadConfigFile on TOML text already read; `name` (the file's path) only
// labels messages. InvalidArgument for any malformed text.
Status LoadConfigString(std::string_view text, const std::string& name, Config* config);

// Applies the LRS_* variables over *config. InvalidArgument for malformed
// numbers or booleans.
Status ApplyEnv(const EnvLookup& env, Config* config);

// Applies the flags over *config.
void ApplyFlags(const FlagOverrides& flags, Config* config);

// Checks cross-field rules (known log level, TLS files in pairs, an http(s)
// authority home page, positive thread counts, HOST:PORT listen address).
Status Validate(const Config& config);

// Defaults, then the file (flags.config_file, else LRS_CONFIG, else none),
// then the environment, then the flags; then Validate.
Status ResolveConfig(const FlagOverrides& flags, const EnvLookup& env, Config* config);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_CONFIG_H_
