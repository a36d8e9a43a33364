// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Test helpers for lrs/sync: a loopback mock HTTP server (on lrs/http) that
// records what it receives and answers through a test-supplied handler; an
// in-memory StateStore; a settable clock; a ConnectorContext builder.

#ifndef LRS_TESTS_SYNC_SYNC_TEST_UTIL_H_
#define LRS_TESTS_SYNC_SYNC_TEST_UTIL_H_

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lrs/clock.h"
#include "lrs/http/server.h"
#include "lrs/json/json.h"
#include "lrs/sync/connector.h"
#include "lrs/sync/transport.h"

namespace lrs::sync::testing {

// A request as the mock received it.
struct Received {
  std::string method;
  std::string path;
  std::string query;
  http::Headers headers;
  std::string body;
};

// Serves 127.0.0.1 on a free port until destroyed. The handler runs on the
// server's worker threads (it may block); requests are recorded in order.
class MockServer {
 public:
  using Handler = std::function<http::Response(const Received&)>;

  explicit MockServer(Handler handler) : handler_(std::move(handler)) {
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.io_threads = 1;
    o.worker_threads = 8;
    o.inline_reads = false;
    Status s = http::Server::Start(
        o,
        [this](http::Request& req) {
          Received r{req.method, req.path, req.query, req.headers, req.body};
          {
            std::lock_guard<std::mutex> l(mu_);
            received_.push_back(r);
          }
          return handler_(r);
        },
        nullptr, &server_);
    INFO(s.ToString());
    REQUIRE(s.ok());
  }
  ~MockServer() { server_->Stop(std::chrono::milliseconds(200)); }

  // "http://127.0.0.1:PORT" (no trailing slash).
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<Received> received() const {
    std::lock_guard<std::mutex> l(mu_);
    return received_;
  }
  std::size_t count() const {
    std::lock_guard<std::mutex> l(mu_);
    return received_.size();
  }

 private:
  Handler handler_;
  mutable std::mutex mu_;
  std::vector<Received> received_;
  std::unique_ptr<http::Server> server_;
};

// A JSON response.
inline http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

class MemStateStore final : public StateStore {
 public:
  Status Get(std::string_view key, std::string* value) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = kv_.find(std::string(key));
    if (it == kv_.end()) return Status::NotFound(std::string(key));
    *value = it->second;
    return Status::OK();
  }
  Status Put(std::string_view key, std::string_view value) override {
    std::lock_guard<std::mutex> l(mu_);
    kv_[std::string(key)] = std::string(value);
    ++puts_;
    return Status::OK();
  }
  Status Delete(std::string_view key) override {
    std::lock_guard<std::mutex> l(mu_);
    kv_.erase(std::string(key));
    return Status::OK();
  }
  std::map<std::string, std::string> snapshot() const {
    std::lock_guard<std::mutex> l(mu_);
    return kv_;
  }
  int puts() const { return puts_; }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::string> kv_;
  int puts_ = 0;
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::int64_t micros = 1'700'000'000'000'000) : now_(micros) {}
  std::int64_t NowMicros() override { return now_.load(); }
  void Advance(std::int64_t micros) { now_ += micros; }
  void Set(std::int64_t micros) { now_ = micros; }

 private:
  std::atomic<std::int64_t> now_;
};

// Owns what a ConnectorContext points to.
struct ConnectorHarness {
  explicit ConnectorHarness(const std::string& settings_json, Clock* clock = Clock::System())
      : transport(NewCurlTransport()) {
    Status s = json::Parse(settings_json, &settings);
    INFO(s.ToString());
    REQUIRE(s.ok());
    ctx.destination = "test";
    ctx.settings = &settings;
    ctx.transport = transport.get();
    ctx.clock = clock;
    ctx.state = &state;
  }
  json::Document settings;
  std::unique_ptr<HttpTransport> transport;
  MemStateStore state;
  ConnectorContext ctx;
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_SYNC_TEST_UTIL_H_
