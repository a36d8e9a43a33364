// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The SSRF guard (lrs/sync/network_guard.h): special ranges refused unless
// allowed, judged on the address really connected to; the transport and
// the relay apply it to every destination request.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "lrs/sync/network_guard.h"
#include "lrs/sync/relay.h"
#include "lrs/sync/transport.h"
#include "tests/support/test_util.h"
#include "tests/sync/sync_test_util.h"
#include "tests/sync/xapi_lrs_mock.h"

namespace lrs::sync {
namespace {

NetworkGuard Guard(std::vector<std::string> allow = {}) {
  NetworkGuard g;
  REQUIRE(NetworkGuard::Parse(allow, &g).ok());
  return g;
}

TEST_CASE("SSRF guard: special ranges are refused, public addresses allowed", "[sync][ssrf]") {
  const NetworkGuard g = Guard();
  struct Case {
    const char* addr;
    const char* range;  // empty: allowed
  };
  const Case cases[] = {
      {"127.0.0.1", "loopback"},
      {"127.255.255.254", "loopback"},
      {"::1", "loopback"},
      {"0.0.0.0", "unspecified"},
      {"::", "unspecified"},
      {"10.1.2.3", "private"},
      {"172.16.0.1", "private"},
      {"172.31.255.255", "private"},
      {"192.168.1.1", "private"},
      {"100.64.0.1", "carrier-grade NAT"},
      {"169.254.169.254", "link-local (cloud metadata)"},
      {"169.254.1.1", "link-local"},
      {"fe80::1", "link-local"},
      {"fd00:ec2::254", "private (unique local)"},  // AWS's IPv6 metadata
      {"fc00::1", "private (unique local)"},
      {"224.0.0.1", "multicast"},
      {"ff02::1", "multicast"},
      {"255.255.255.255", "reserved"},
      {"192.0.0.192", "reserved (IETF protocol assignments)"},  // Oracle cloud metadata
      {"198.18.0.1", "reserved (benchmarking)"},
      // IPv6 forms that carry an IPv4 address are judged as that address.
      {"::ffff:127.0.0.1", "loopback"},
      {"::ffff:169.254.169.254", "link-local (cloud metadata)"},
      {"64:ff9b::10.0.0.1", "private"},
      {"::10.0.0.1", "reserved (IPv4-compatible)"},
      // Public.
      {"8.8.8.8", ""},
      {"172.32.0.1", ""},
      {"100.128.0.1", ""},
      {"2606:4700::1111", ""},
      {"64:ff9b::8.8.8.8", ""},
  };
  for (const Case& c : cases) {
    INFO(c.addr);
    std::string why;
    const bool allowed = g.AllowsText(c.addr, &why);
    CHECK(allowed == (std::string(c.range).empty()));
    if (!allowed) {
      CHECK(why.find(std::string(" is ") + c.range + ";") != std::string::npos);
      CHECK(why.find("allow_networks") != std::string::npos);
    }
  }
  std::string why;
  CHECK_FALSE(g.AllowsText("localhost", &why));
  CHECK(why.find("not an IP address") != std::string::npos);
}

TEST_CASE("SSRF guard: allow_networks admits addresses and CIDR blocks", "[sync][ssrf]") {
  const NetworkGuard g = Guard({"127.0.0.1", "10.20.0.0/16", "fd00::/8", "169.254.169.254/32"});
  CHECK(g.AllowsText("127.0.0.1", nullptr));
  CHECK_FALSE(g.AllowsText("127.0.0.2", nullptr));
  CHECK(g.AllowsText("::ffff:127.0.0.1", nullptr));  // the same address, mapped
  CHECK(g.AllowsText("10.20.5.6", nullptr));
  CHECK_FALSE(g.AllowsText("10.21.0.1", nullptr));
  CHECK(g.AllowsText("fd12::1", nullptr));
  CHECK_FALSE(g.AllowsText("fc00::1", nullptr));
  CHECK(g.AllowsText("169.254.169.254", nullptr));
  CHECK_FALSE(g.AllowsText("169.254.169.253", nullptr));
  CHECK(g.AllowsText("8.8.8.8", nullptr));

  // A whole family: 0.0.0.0/0 admits every IPv4 address, and nothing else.
  const NetworkGuard all4 = Guard({"0.0.0.0/0"});
  CHECK(all4.AllowsText("10.0.0.1", nullptr));
  CHECK(all4.AllowsText("127.0.0.1", nullptr));
  CHECK_FALSE(all4.AllowsText("::1", nullptr));

  // sockaddr forms.
  sockaddr_in in{};
  in.sin_family = AF_INET;
  inet_pton(AF_INET, "10.20.1.1", &in.sin_addr);
  CHECK(g.Allows(reinterpret_cast<sockaddr*>(&in), nullptr));
  CHECK(NetworkGuard::SpecialRange(reinterpret_cast<sockaddr*>(&in)) == "private");
  sockaddr un{};
  un.sa_family = AF_UNIX;
  std::string why;
  CHECK_FALSE(g.Allows(&un, &why));
  CHECK_FALSE(why.empty());
}

TEST_CASE("SSRF guard: bad allow_networks entries are named", "[sync][ssrf]") {
  for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/8x", "300.1.1.1",
                          "localhost", "", "10.0.0.0/-1", "fe80::1%eth0", "10.0.0.0/0008"}) {
    INFO(bad);
    NetworkGuard g;
    Status s = NetworkGuard::Parse({"127.0.0.1", bad}, &g);
    REQUIRE(s.IsInvalidArgument());
    CHECK(s.message().find("allow_networks[1]") == 0);
  }
  json::Document d;
  REQUIRE(json::Parse(R"({"a":"10.0.0.0/8","b":[1]})", &d).ok());
  NetworkGuard g;
  CHECK(NetworkGuard::ParseJson(d["a"], "allow_networks", &g).IsInvalidArgument());
  CHECK(NetworkGuard::ParseJson(d["b"], "allow_networks", &g).IsInvalidArgument());
}

TEST_CASE("SSRF guard: the curl transport refuses a guarded request before connecting",
          "[sync][ssrf]") {
  testing::MockServer server([](const testing::Received&) {
    http::Response r;
    r.status = 200;
    return r;
  });  // on 127.0.0.1
  const std::string port = server.url().substr(server.url().rfind(':') + 1);
  auto t = NewCurlTransport();
  HttpRequest req;
  req.method = "GET";
  req.url = server.url() + "/x";
  req.timeout = std::chrono::milliseconds(5000);

  req.guard = std::make_shared<NetworkGuard>(Guard());
  HttpResponse r = t->Send(req);
  CHECK(r.status == 0);
  CHECK(r.error.find("refused by the SSRF guard: 127.0.0.1 is loopback") != std::string::npos);
  CHECK(server.count() == 0);

  // Allowed: it goes through. Then a pooled connection to the same host is
  // judged again for a request whose guard refuses it.
  req.guard = std::make_shared<NetworkGuard>(Guard({"127.0.0.0/8"}));
  r = t->Send(req);
  CHECK(r.status == 200);
  req.guard = std::make_shared<NetworkGuard>(Guard());
  r = t->Send(req);
  CHECK(r.status == 0);
  CHECK(r.error.find("SSRF guard") != std::string::npos);
  CHECK(server.count() == 1);

  // A name that resolves to loopback is judged by the address it resolves to.
  req.url = "http://localhost:" + port + "/x";
  r = t->Send(req);
  CHECK(r.status == 0);
  CHECK(r.error.find("is loopback") != std::string::npos);
  CHECK(server.count() == 1);
}

SyncDestinationStatus StatusOf(Relay* relay) {
  std::vector<SyncDestinationStatus> st;
  REQUIRE(relay->GetStatus(&st).ok());
  REQUIRE(st.size() == 1);
  return st[0];
}

TEST_CASE("SSRF guard: a relay destination at a refused address is unavailable, not lost",
          "[sync][ssrf]") {
  lrs::testing::TestStore store;
  testing::UpstreamLrs upstream;
  const std::string dest = R"({"name":"up","type":"xapi","url":")" + upstream.endpoint() +
                           R"(","key":")" + std::string(testing::kKey) + R"(","secret":")" + testing::kSecret + "\"";
  RelayOptions o;
  o.destinations_json = "[" + dest + "}]";
  o.tick = std::chrono::milliseconds(20);
  std::unique_ptr<Relay> relay;
  Status opened = Relay::Open(store.store.get(), o, &relay);
  INFO(opened.ToString());
  REQUIRE(opened.ok());
  for (int i = 0; i < 3; ++i) {
    std::vector<std::string> ids;
    REQUIRE(store->PutStatements({}, lrs::testing::Statement("a@example.com",
                                                            "http://example.com/v",
                                                            "http://example.com/a/" +
                                                                std::to_string(i)),
                                 &ids)
                .ok());
  }
  relay->SyncNow();
  SyncDestinationStatus st;
  for (int i = 0; i < 500; ++i) {
    st = StatusOf(relay.get());
    if (!st.last_error.empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  CHECK(st.last_error.find("refused by the SSRF guard: 127.0.0.1 is loopback") !=
        std::string::npos);
  CHECK(st.cursor == 0);
  CHECK(st.dead_lettered == 0);
  CHECK(upstream.order().empty());
  relay.reset();

  // Allowed explicitly: everything is delivered.
  o.destinations_json = "[" + dest + R"(,"allow_networks":["127.0.0.1"]}])";
  REQUIRE(Relay::Open(store.store.get(), o, &relay).ok());
  relay->SyncNow();
  for (int i = 0; i < 1000 && upstream.order().size() < 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  st = StatusOf(relay.get());
  INFO(st.last_error << " breaker " << st.breaker << " cursor " << st.cursor);
  CHECK(upstream.order().size() == 3);

  // A bad entry is a configuration error naming the destination and entry.
  relay.reset();
  o.destinations_json = "[" + dest + R"(,"allow_networks":["10.0.0.0/40"]}])";
  Status s = Relay::Open(store.store.get(), o, &relay);
  REQUIRE(s.IsInvalidArgument());
  CHECK(s.message().find("allow_networks[0]") != std::string::npos);
}

}  // namespace
}  // namespace lrs::sync
