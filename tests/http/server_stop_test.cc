// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Worker pool concurrency and graceful shutdown of lrs::http::Server.

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "lrs/http/server.h"
#include "tests/http/http_test_util.h"

namespace lrs::http {
namespace {

using testing::ClientResponse;
using testing::Ms;
using testing::RawClient;
using testing::StartOrFail;
using testing::TestOptions;

Response SleepHandler(Request& req, Ms ms) {
  std::this_thread::sleep_for(ms);
  Response resp;
  resp.body = "slept " + req.path;
  return resp;
}

TEST_CASE("Concurrency: blocking handlers run in parallel on the worker pool",
          "[http][server][concurrency]") {
  ServerOptions o = TestOptions();
  o.io_threads = 2;
  o.worker_threads = 64;
  constexpr int kClients = 32;
  constexpr Ms kSleep{50};
  std::atomic<int> running{0}, peak{0};
  auto server = StartOrFail(o, [&](Request& req) {
    int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    Response resp = SleepHandler(req, kSleep);
    --running;
    return resp;
  });
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::future<int>> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(std::async(std::launch::async, [&, i] {
      RawClient c(server->port());
      ClientResponse resp;
      std::string path = "/c" + std::to_string(i);
      if (!c.Send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n") || !c.Read(&resp)) return 0;
      return resp.body == "slept " + path ? resp.status : -1;
    }));
  }
  for (auto& f : clients) CHECK(f.get() == 200);
  auto elapsed = std::chrono::steady_clock::now() - t0;
  // Serial would take 32 x 50 ms = 1600 ms.
  CHECK(elapsed < kClients * kSleep / 2);
  CHECK(peak.load() >= 2);  // handlers overlapped
}

TEST_CASE("inline_reads: a GET is answered while every worker is busy with a write",
          "[http][server][concurrency]") {
  ServerOptions o = TestOptions();
  o.inline_reads = true;
  o.worker_threads = 1;
  std::promise<void> entered;
  auto server = StartOrFail(o, [&](Request& req) {
    if (req.method == "POST") {
      entered.set_value();
      return SleepHandler(req, Ms(500));
    }
    return SleepHandler(req, Ms(0));
  });
  auto writer = std::async(std::launch::async, [&] {
    RawClient c(server->port());
    ClientResponse resp;
    c.Send("POST /w HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    return c.Read(&resp) ? resp.status : 0;
  });
  entered.get_future().wait();  // the only worker is now busy for 500 ms
  auto t0 = std::chrono::steady_clock::now();
  RawClient c(server->port());
  ClientResponse resp;
  REQUIRE(c.Send("GET /r HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(c.Read(&resp));
  CHECK(resp.status == 200);
  CHECK(std::chrono::steady_clock::now() - t0 < Ms(400));  // not queued behind the write
  CHECK(writer.get() == 200);
}

TEST_CASE("Stop: in-flight request completes, idle closed, new connections refused",
          "[http][server][stop]") {
  ServerOptions o = TestOptions();
  std::promise<void> entered;
  std::atomic<bool> signalled{false};
  auto server = StartOrFail(o, [&](Request& req) {
    if (req.path == "/slow" && !signalled.exchange(true)) entered.set_value();
    return SleepHandler(req, req.path == "/slow" ? Ms(300) : Ms(0));
  });
  std::uint16_t port = server->port();

  RawClient idle(port);  // a keep-alive connection between requests
  ClientResponse resp;
  REQUIRE(idle.Send("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(idle.Read(&resp));

  RawClient busy(port);
  REQUIRE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(entered.get_future().wait_for(std::chrono::seconds(5)) == std::future_status::ready);

  auto t0 = std::chrono::steady_clock::now();
  std::thread stopper([&] { server->Stop(Ms(3000)); });
  std::thread waiter([&] { server->Wait(); });

  // The listener goes away at once.
  bool refused = false;
  for (int i = 0; i < 50 && !refused; ++i) {
    RawClient late(port);
    refused = !late.connected();
    if (!refused) std::this_thread::sleep_for(Ms(5));
  }
  CHECK(refused);
  // The idle keep-alive connection is closed without waiting for grace.
  CHECK(idle.WaitClosed(Ms(1000)));
  // The in-flight request still gets its whole response, then the close.
  REQUIRE(busy.Read(&resp));
  CHECK(resp.status == 200);
  CHECK(resp.body == "slept /slow");
  CHECK(resp.headers.Get("Connection") == "close");
  CHECK(busy.WaitClosed(Ms(2000)));

  stopper.join();
  waiter.join();
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(elapsed < Ms(2500));  // did not sit out the whole grace period
  RawClient after(port);
  CHECK_FALSE(after.connected());
  server->Stop(Ms(100));  // idempotent
  server->Wait();
}

TEST_CASE("Stop: grace period bounds a handler-side wait for slow clients",
          "[http][server][stop]") {
  // A client that never finishes its header: Stop closes it after grace.
  auto server = StartOrFail(TestOptions(), [](Request& req) { return SleepHandler(req, Ms(0)); });
  RawClient slow(server->port());
  REQUIRE(slow.Send("GET / HTTP/1.1\r\nHo"));
  std::this_thread::sleep_for(Ms(50));
  auto t0 = std::chrono::steady_clock::now();
  server->Stop(Ms(200));
  auto elapsed = std::chrono::steady_clock::now() - t0;
  CHECK(elapsed >= Ms(150));
  CHECK(elapsed < Ms(1500));
  CHECK(slow.WaitClosed(Ms(1000)));
}

TEST_CASE("Stop: destructor stops a busy server", "[http][server][stop]") {
  std::atomic<int> served{0};
  auto server = StartOrFail(TestOptions(), [&](Request& req) {
    ++served;
    return SleepHandler(req, Ms(20));
  });
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<RawClient>(server->port()));
    clients.back()->Send("GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  auto t0 = std::chrono::steady_clock::now();
  server.reset();
  CHECK(std::chrono::steady_clock::now() - t0 < Ms(2000));
  CHECK(served.load() <= 8);
}

}  // namespace
}  // namespace lrs::http
