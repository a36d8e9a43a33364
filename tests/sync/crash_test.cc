// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The sync crash test: a real `lrs serve` process forwards to the six
// vendor mocks of tests/sync/soak_util.h, a Kafka mock cluster and a real
// clickhouse-server (living in or started by this process, faults on) while clients post statements to it concurrently; it is SIGKILLed at
// seeded random moments (during ingest and during sync) and restarted on
// the same data directory each time. At the end (faults off, every
// destination caught up):
//  - every statement acknowledged with 200 is in the store (GET
//    /xapi/statements?statementId=...);
//  - every destination applied every statement routed to it, or holds it
//    in its dead-letter queue (read from the data directory afterwards, by
//    a paused relay) exactly when the mock refuses it for good; every
//    cursor reached the end with nothing left to retry;
//  - the destinations that de-duplicate (xapi, webhook, hubspot,
//    salesforce, segment, clickhouse read with FINAL) applied each
//    statement exactly once in effect; Kafka holds each at least once;
//    Marketo, which does not de-duplicate, at most once more per crash or
//    dropped answer that caught it in flight;
//  - each learner's statements took effect in the order they were stored.
// Clients post each learner's statements in order, one request at a time,
// and re-post a request that got no answer (same ids) until acknowledged.
//
// The seed is printed; LRS_CRASH_SEED=<n> repeats its statements, kill
// schedule and fault sequences (thread timing still varies).
// LRS_CRASH_KILLS=<n> sets the number of kills (default 5 to 8, chosen by
// the seed); `scripts/crash` runs it with 200. More kills post more
// statements (150 per kill, at least 4,000), paced so that about half the
// kills land while clients post.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <thread>

#include "lrs/common/encoding.h"
#include "lrs/sync/relay.h"
#include "tests/support/test_util.h"
#include "tests/sync/soak_util.h"

extern char** environ;

namespace lrs::sync {
namespace {

using namespace std::chrono_literals;
using testing::Fleet;
using testing::SoakStatement;
using SteadyClock = std::chrono::steady_clock;

#ifdef LRS_BINARY

constexpr int kMinStatements = 4000;
constexpr int kLearners = 80;
constexpr int kClients = 4;
constexpr const char* kCredential = "crash-key:crash-s3cret";

std::uint32_t Seed() {
  if (const char* v = std::getenv("LRS_CRASH_SEED"); v && *v)
    return static_cast<std::uint32_t>(std::strtoul(v, nullptr, 10));
  return std::random_device{}();
}

// LRS_CRASH_KILLS, or 5..8 from the seed.
int Kills(std::mt19937* rng) {
  if (const char* v = std::getenv("LRS_CRASH_KILLS"); v && *v)
    return std::max(1, std::atoi(v));
  return std::uniform_int_distribution<int>(5, 8)(*rng);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Tail(const std::string& s, std::size_t n) {
  return s.size() <= n ? s : s.substr(s.size() - n);
}

// One `lrs serve` process at a time on a data directory; stdout is read
// for the port, stderr (the log) goes to a file.
class DaemonProcess {
 public:
  DaemonProcess(std::string data_dir, std::string config, std::string log)
      : data_dir_(std::move(data_dir)), config_(std::move(config)), log_(std::move(log)) {}
  ~DaemonProcess() { Kill(); }

  // Starts it and waits for "lrs: listening on http://127.0.0.1:PORT/xapi/".
  bool Start(std::string* why) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return Fail("pipe", why);
    std::vector<std::string> args = {LRS_BINARY, "serve",       "--data",   data_dir_,
                                     "--listen", "127.0.0.1:0", "--config", config_};
    std::vector<std::string> env;
    for (char** e = environ; *e; ++e)
      if (std::string_view(*e).rfind("LRS_", 0) != 0) env.emplace_back(*e);
    env.push_back(std::string("LRS_BOOTSTRAP_CREDENTIAL=") + kCredential);
    // LMDB without fsync: a SIGKILL loses nothing written (the page cache
    // survives the process); only a power cut would.
    env.push_back("LRS_SYNC=false");
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    // Nothing else of this process (sockets of the mocks and clients).
    posix_spawn_file_actions_addclosefrom_np(&fa, 3);
#endif
    const int rc = ::posix_spawn(&pid_, LRS_BINARY, &fa, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    if (rc != 0) {
      ::close(out[0]);
      pid_ = -1;
      return Fail("posix_spawn " + std::string(LRS_BINARY), why);
    }
    out_fd_ = out[0];
    // The port line, within 60 s (sanitizer builds start slowly).
    std::string text;
    const auto deadline = SteadyClock::now() + 60s;
    while (SteadyClock::now() < deadline) {
      const std::string key = "lrs: listening on http://127.0.0.1:";
      if (auto at = text.find(key);
          at != std::string::npos && text.find('/', at + key.size()) != std::string::npos) {
        port_ = std::atoi(text.c_str() + at + key.size());
        break;
      }
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 200) <= 0) continue;
      char buf[4096];
      ssize_t n = ::read(out_fd_, buf, sizeof buf);
      if (n <= 0) break;  // exited
      text.append(buf, static_cast<std::size_t>(n));
    }
    if (port_ <= 0) {
      Kill();
      return Fail(
          "lrs serve did not start; stdout:\n" + text + "\nlog:\n" + Tail(ReadFile(log_), 3000),
          why);
    }
    // Keep draining stdout so that the daemon never blocks on it.
    drain_ = std::thread([fd = out_fd_] {
      char buf[4096];
      while (::read(fd, buf, sizeof buf) > 0) {
      }
    });
    return true;
  }

  int port() const { return port_; }
  bool running() const { return pid_ > 0; }

  // SIGKILL: no shutdown at all.
  void Kill() { End(SIGKILL, 0s); }
  // SIGTERM, then SIGKILL after `grace`. True iff it exited 0 by itself.
  bool Stop(std::chrono::milliseconds grace) { return End(SIGTERM, grace); }

 private:
  static bool Fail(const std::string& what, std::string* why) {
    *why = what;
    return false;
  }

  bool End(int sig, std::chrono::milliseconds grace) {
    if (pid_ <= 0) return false;
    ::kill(pid_, sig);
    int status = 0;
    bool clean = false;
    const auto deadline = SteadyClock::now() + grace;
    for (;;) {
      pid_t r = ::waitpid(pid_, &status, sig == SIGKILL ? 0 : WNOHANG);
      if (r == pid_) {
        clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        break;
      }
      if (SteadyClock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(10ms);
    }
    pid_ = -1;
    port_ = 0;
    if (drain_.joinable()) drain_.join();  // EOF: the process is gone
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
    return clean;
  }

  const std::string data_dir_, config_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
  int out_fd_ = -1;
  std::thread drain_;
};

// Where the daemon currently listens ("" while it is down).
class Endpoint {
 public:
  void Set(int port) {
    std::lock_guard<std::mutex> l(mu_);
    url_ = port > 0 ? "http://127.0.0.1:" + std::to_string(port) + "/xapi/" : "";
  }
  std::string Get() const {
    std::lock_guard<std::mutex> l(mu_);
    return url_;
  }

 private:
  mutable std::mutex mu_;
  std::string url_;
};

HttpRequest XapiRequest(const std::string& method, const std::string& url, std::string body,
                        const char* version) {
  HttpRequest r;
  r.method = method;
  r.url = url;
  r.body = std::move(body);
  r.timeout = 10s;
  r.headers = {{"Authorization", "Basic " + Base64Encode(kCredential)},
               {"X-Experience-API-Version", version},
               {"Content-Type", "application/json"}};
  return r;
}

TEST_CASE(
    "sync crash: lrs serve SIGKILLed during ingest and sync loses nothing, applies nothing "
    "twice, keeps each learner's order",
    "[crash]") {
  const std::uint32_t seed = Seed();
  std::printf("sync crash: seed %u (repeat with LRS_CRASH_SEED=%u)\n", seed, seed);
  std::fflush(stdout);
  CAPTURE(seed);
  std::mt19937 rng(seed);
  const int kills = Kills(&rng);
  const int n_statements = std::max(kMinStatements, kills * 150);
  // Time the clients may take (restarts included) before the test gives up.
  const auto ingest_limit = 120s + kills * 1500ms;
  const std::vector<SoakStatement> statements =
      testing::MakeStatements(&rng, n_statements, kLearners, testing::Rejects::kAll);
  // Long runs pace the clients so that ingest lasts through the first half
  // of the kills (about 1.3 s apart, restarts included) instead of ending
  // early: a client sends about n/kClients/3 requests.
  const int pace_ms = kills <= 8 ? 0 : kills / 2 * 1300 / (n_statements / kClients / 3);
  Fleet fleet(&statements, seed, /*fault_rate=*/0.5, /*analytics=*/true);

  lrs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path());
  const std::string config = dir.path() + "/lrs.toml";
  const std::string log = dir.path() + "/lrs.log";
  {
    std::ofstream f(config);
    f << testing::DestinationsToml(fleet.DestinationsJson());
  }
  DaemonProcess daemon(dir.path() + "/data", config, log);
  Endpoint endpoint;
  std::string why;
  if (!daemon.Start(&why)) FAIL(why);
  endpoint.Set(daemon.port());
  std::shared_ptr<HttpTransport> http = NewCurlTransport();

  // Clients: each owns some learners and posts their statements in stored
  // order, 1..5 per request (of one version), re-posting until answered 200.
  std::mutex mu;
  std::vector<std::string> acked;
  std::vector<std::string> client_errors;
  std::atomic<int> clients_done{0};
  std::vector<std::thread> clients;
  const auto t0 = SteadyClock::now();
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      std::mt19937 crng(seed + 1000 + static_cast<std::uint32_t>(c));
      std::vector<const SoakStatement*> mine;
      for (const auto& s : statements)
        if (s.learner % kClients == c) mine.push_back(&s);
      for (std::size_t i = 0; i < mine.size();) {
        const std::size_t want = std::uniform_int_distribution<std::size_t>(1, 5)(crng);
        std::size_t end = i;
        std::string body = "[";
        while (end < mine.size() && end - i < want && mine[end]->v1 == mine[i]->v1) {
          body += (end > i ? "," : "") + mine[end]->json;
          ++end;
        }
        body += "]";
        const char* version = mine[i]->v1 ? "1.0.3" : "2.0.0";
        for (int attempt = 0;; ++attempt) {
          const std::string url = endpoint.Get();
          HttpResponse r;
          if (!url.empty()) r = http->Send(XapiRequest("POST", url + "statements", body, version));
          if (r.status == 200) break;
          if (r.status != 0 && r.status != 503) {
            std::lock_guard<std::mutex> l(mu);
            client_errors.push_back("POST answered " + std::to_string(r.status) + ": " +
                                    r.body.substr(0, 300));
          }
          if (attempt > 3000 || SteadyClock::now() - t0 > ingest_limit) {
            std::lock_guard<std::mutex> l(mu);
            client_errors.push_back("gave up posting after " + std::to_string(attempt) + " tries");
            ++clients_done;
            return;
          }
          std::this_thread::sleep_for(20ms);  // down or restarting: wait for the next one
        }
        {
          std::lock_guard<std::mutex> l(mu);
          for (std::size_t k = i; k < end; ++k) acked.push_back(mine[k]->id);
        }
        i = end;
        std::this_thread::sleep_for(std::chrono::milliseconds(
            std::uniform_int_distribution<int>(2 + pace_ms / 2, 12 + pace_ms * 3 / 2)(crng)));
      }
      ++clients_done;
    });
  }

  // Kills at random moments: about half while clients post, the rest once
  // they are done, while the relay catches up with faults on.
  auto effects_so_far = [&] {
    std::size_t n = 0;
    for (const auto& name : fleet.names()) n += fleet.EffectsAt(name).order.size();
    return n;
  };
  for (int k = 0; k < kills; ++k) {
    const bool ingest = k < kills / 2;
    const auto pause = std::chrono::milliseconds(
        std::uniform_int_distribution<int>(ingest ? 300 : 100, ingest ? 1000 : 700)(rng));
    if (!ingest) {
      while (clients_done.load() < kClients && SteadyClock::now() - t0 < ingest_limit)
        std::this_thread::sleep_for(10ms);
    }
    std::this_thread::sleep_for(pause);
    std::size_t posted;
    {
      std::lock_guard<std::mutex> l(mu);
      posted = acked.size();
    }
    const std::size_t applied = effects_so_far();
    endpoint.Set(0);
    daemon.Kill();
    std::printf(
        "sync crash: kill %d at %.1f s: %zu statements acknowledged, %zu effects at the "
        "mocks\n",
        k + 1, std::chrono::duration<double>(SteadyClock::now() - t0).count(), posted, applied);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(rng)));
    if (!daemon.Start(&why)) FAIL(why);
    endpoint.Set(daemon.port());
  }
  for (auto& t : clients) t.join();
  {
    std::lock_guard<std::mutex> l(mu);
    for (const auto& e : client_errors) UNSCOPED_INFO(e);
    REQUIRE(client_errors.empty());
    REQUIRE(acked.size() == statements.size());
  }

  // Faults off: wait until every destination holds every statement routed
  // to it that it does not refuse for good, then for quiet (no request for
  // 1.5 s: nothing re-sent late, no retry left).
  fleet.SetFaults(false);
  // What each destination still lacks ("destination: id", the first few).
  std::vector<std::string> lacking;
  auto missing = [&] {
    std::size_t n = 0;
    lacking.clear();
    for (const auto& name : fleet.names()) {
      std::set<std::string> got;
      for (const auto& id : fleet.EffectsAt(name).order) got.insert(id);
      for (const auto& s : statements) {
        if (!Fleet::Routed(name, s) || Fleet::MustDeadLetter(name, s) || got.count(s.id)) continue;
        ++n;
        if (lacking.size() < 20) lacking.push_back(name + ": " + s.id);
      }
    }
    return n;
  };
  auto last_request = [&] {
    SteadyClock::time_point t{};
    for (const auto& name : fleet.names()) {
      if (!fleet.HasInjector(name)) continue;
      auto ev = fleet.injector(name).events();
      for (const auto& e : ev) t = std::max(t, e.answered);
    }
    return t;
  };
  const auto deadline = SteadyClock::now() + 90s + kills * 500ms;
  std::size_t left = missing();
  while (SteadyClock::now() < deadline &&
         (left > 0 || SteadyClock::now() - last_request() < 1500ms)) {
    std::this_thread::sleep_for(200ms);
    left = missing();
  }
  const auto t_synced = SteadyClock::now();
  INFO("log tail:\n" << Tail(ReadFile(log), 4000));
  for (const auto& l : lacking) UNSCOPED_INFO("still missing at " << l);
  REQUIRE(left == 0);

  // Every acknowledged statement is in the store.
  std::size_t not_found = 0;
  for (std::size_t i = 0; i < statements.size(); i += 64) {
    std::vector<HttpRequest> reqs;
    for (std::size_t k = i; k < std::min(statements.size(), i + 64); ++k)
      reqs.push_back(XapiRequest(
          "GET", endpoint.Get() + "statements?statementId=" + statements[k].id, "", "2.0.0"));
    std::vector<HttpResponse> resps;
    http->SendAll(reqs, &resps);
    for (std::size_t k = 0; k < resps.size(); ++k) {
      if (resps[k].status != 200) {
        ++not_found;
        UNSCOPED_INFO("GET " << reqs[k].url << ": " << resps[k].status);
      }
    }
  }
  CHECK(not_found == 0);
  // Secrets never reach the log (issue [7/7] point 5), nor the metrics.
  {
    HttpRequest m = XapiRequest("GET", endpoint.Get(), "", "2.0.0");
    m.url = m.url.substr(0, m.url.find("/xapi/")) + "/metrics";
    const HttpResponse metrics = http->Send(m);
    const std::string text = ReadFile(log) + "\n" + metrics.body;
    std::vector<std::string> secrets = Fleet::Secrets();
    secrets.push_back(std::string(kCredential).substr(std::string(kCredential).find(':') + 1));
    for (const auto& secret : secrets) {
      INFO("secret " << secret);
      CHECK(text.find(secret) == std::string::npos);
    }
  }
  CHECK(daemon.Stop(20s));
  std::printf(
      "sync crash: %d kills; %d statements acknowledged and delivered everywhere %.1f s "
      "after the start\n",
      kills, n_statements, std::chrono::duration<double>(t_synced - t0).count());

  // The durable sync state the daemon left: a paused relay (it sends
  // nothing) over the same store and destinations reads it.
  std::map<std::string, std::set<std::string>> dlq;
  {
    std::unique_ptr<Store> store;
    Options so;
    so.sync = false;
    Status s = Store::Open(so, dir.path() + "/data/stores/default", &store);
    INFO(s.ToString());
    REQUIRE(s.ok());
    RelayOptions ro;
    ro.destinations_json = fleet.DestinationsJson();
    ro.start_paused = true;
    std::unique_ptr<Relay> relay;
    s = Relay::Open(store.get(), ro, &relay);
    INFO(s.ToString());
    REQUIRE(s.ok());
    std::vector<DestinationStatus> st;
    REQUIRE(relay->GetStatus(&st).ok());
    for (const auto& x : st) {
      INFO(x.name << ": cursor " << x.cursor << "/" << x.last_sequence << ", retrying "
                  << x.retrying << ", last error " << x.last_error);
      CHECK(x.last_sequence == static_cast<std::uint64_t>(n_statements));
      CHECK(x.lag == 0);
      CHECK(x.retrying == 0);
      std::vector<DlqEntry> entries;
      REQUIRE(relay->ListDlq(x.name, 0, 1 << 20, &entries).ok());
      for (const auto& e : entries) dlq[x.name].insert(e.statement_id);
    }
  }

  // Exactly once where the vendor de-duplicates; per-learner order.
  std::vector<const SoakStatement*> stored;  // each learner's statements in the order posted
  for (const auto& s : statements) stored.push_back(&s);
  for (const auto& name : fleet.names()) {
    INFO("destination " << name);
    const bool http = fleet.HasInjector(name);
    // Marketo: a crash after Marketo added activities but before the
    // connector recorded them re-sends them (at most once per crash), as
    // does an answer lost to a fault.
    std::map<std::string, int> allowance;
    if (http) allowance = fleet.injector(name).unacknowledged_effects();
    for (const auto& s : statements) allowance[s.id] += kills;
    const testing::Effects effects = fleet.EffectsAt(name);
    const testing::DeliveryCheck c = testing::CheckDelivery(name, stored, effects, dlq[name],
                                                            /*check_dlq=*/true, allowance);
    std::printf(
        "sync crash: %-11s routed %5zu delivered %5zu dead-lettered %3zu repeats %3zu | faults "
        "%d\n",
        name.c_str(), c.routed, c.delivered, c.dead_lettered, c.duplicate_effects + effects.repeats,
        http ? fleet.injector(name).faults() : fleet.KafkaFaults());
    for (const auto& p : c.problems) UNSCOPED_INFO(p);
    CHECK(c.problems.empty());
    if (!Fleet::Idempotent(name)) {
      // A kill re-sends at most the one batch (50 records) in flight.
      std::size_t unacked = 0;
      for (const auto& [id, n] : fleet.injector(name).unacknowledged_effects()) unacked += n;
      CHECK(c.duplicate_effects <= static_cast<std::size_t>(kills) * 50 + unacked);
    }
  }
  const auto analytics = fleet.AnalyticsProblems();
  for (const auto& p : analytics) UNSCOPED_INFO(p);
  CHECK(analytics.empty());
  const auto violations = fleet.Violations();
  for (const auto& v : violations) UNSCOPED_INFO(v);
  CHECK(violations.empty());
}

#else

TEST_CASE("sync crash: skipped (no lrs binary in this build)", "[crash]") {
  WARN("the sync crash test needs the lrs program (LRS_BINARY)");
}

#endif  // LRS_BINARY

}  // namespace
}  // namespace lrs::sync
