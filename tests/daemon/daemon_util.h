// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers for the daemon tests: a daemon on a temporary data directory, and
// request builders.

#ifndef LRS_TESTS_DAEMON_DAEMON_UTIL_H_
#define LRS_TESTS_DAEMON_DAEMON_UTIL_H_

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lrs/auth/secret.h"
#include "lrs/daemon/cli.h"
#include "lrs/daemon/daemon.h"
#include "tests/support/test_util.h"

namespace lrs::daemon::testing {

inline std::string BasicAuth(const std::string& key, const std::string& secret) {
  std::string b = auth::internal::Base64UrlEncode(key + ":" + secret);
  for (char& c : b) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b.size() % 4) b.push_back('=');
  return "Basic " + b;
}

inline http::Request MakeRequest(std::string method, std::string path, std::string query = "",
                                 std::string body = "") {
  http::Request r;
  r.method = std::move(method);
  r.path = std::move(path);
  r.query = std::move(query);
  r.body = std::move(body);
  r.remote = "127.0.0.1:50000";
  return r;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A daemon over a fresh data directory, logging to DIR/lrs.log.
struct TestDaemon {
  explicit TestDaemon(Config c = Config()) : config(std::move(c)) {
    config.data_dir = dir.path() + "/data";
    config.server.listen = "127.0.0.1:0";
    config.server.worker_threads = 4;
    config.store.sync = false;  // tests do not need fsync
    if (config.log.file.empty()) config.log.file = dir.path() + "/lrs.log";
    Open();
  }
  void Open() {
    Status s = Daemon::Open(config, &daemon);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  std::string Log() {
    daemon->logger()->Flush();
    return ReadFile(config.log.file);
  }
  lrs::testing::TempDir dir;
  Config config;
  std::unique_ptr<Daemon> daemon;
};

inline const char* kStatement =
    R"({"actor":{"mbox":"mailto:ana@example.com"},)"
    R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
    R"("object":{"id":"http://example.com/course/1"}})";

// One `lrs` command run in process (RunCli) with no environment.
struct Ran {
  int rc;
  std::string out, err;
};

inline Ran Cli(const std::vector<std::string>& args) {
  std::ostringstream out, err;
  EnvLookup no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  int rc = RunCli(args, out, err, no_env);
  return {rc, out.str(), err.str()};
}

}  // namespace lrs::daemon::testing

#endif  // LRS_TESTS_DAEMON_DAEMON_UTIL_H_
