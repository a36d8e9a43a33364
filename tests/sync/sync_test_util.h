// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Test helpers for lrs/sync: a loopback mock HTTP server that records what
// it receives and answers through a test-supplied handler; an
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
#include "lrs/http/message.h"
#include "lrs/json/json.h"
#include "lrs/sync/connector.h"
#include "lrs/sync/transport.h"

namespace lrs::sync::testing {

// A request as the mock received it.
struct Received {
  std::string method;
  std::string path;   // percent-decoded, without the query
  std::string query;  // raw, after '?'
  http::Headers headers;
  std::string body;
};

// Serves HTTP/1.1 on 127.0.0.1, a free port, until destroyed: one thread
// per connection (keep-alive, Content-Length bodies), on plain sockets so
// that it can also misbehave the way real servers do (a reset without an
// answer). The handler runs on the connection threads (it may block);
// requests are recorded in arrival order.
class MockServer {
 public:
  using Handler = std::function<http::Response(const Received&)>;
  // Sees every request before the handler: answers it itself, or calls
  // `next` (the handler) and returns, alters or drops what it answers.
  using Filter = std::function<http::Response(const Received&, const Handler& next)>;
  // A response with this status is not sent: the connection is reset
  // (RST, no answer), as a crashed or overloaded server would.
  static constexpr int kReset = -1;

  explicit MockServer(Handler handler);
  ~MockServer();  // stops: closes the connections, waits for running handlers
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  // "http://127.0.0.1:PORT" (no trailing slash).
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<Received> received() const;
  std::size_t count() const;
  // Installs a filter (before requests arrive). nullptr removes it.
  void SetFilter(Filter filter);
  // Whether requests are kept for received() (default true; long runs turn
  // it off). count() counts them either way.
  void set_record(bool on);

 private:
  struct Impl;
  Handler handler_;
  int port_ = 0;
  std::unique_ptr<Impl> impl_;
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
