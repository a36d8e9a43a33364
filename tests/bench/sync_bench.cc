// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Sync benchmark (run by scripts/bench --sync; not a test):
//  A. relay throughput: N statements loaded into a source store, then a
//     relay with one xapi destination forwards them all; timed from
//     Relay::Open until WaitIdle and the destination holding all N. The
//     destination is (1) a real upstream LRS, an in-process
//     lrs::daemon::Daemon (what `lrs serve` runs) with its own data
//     directory, durable, on loopback; (2) a null sink answering 200 with
//     the ids without storing, to separate relay cost from upstream cost.
//     Each with the given settings (default: the connector's 500 x 4
//     parallel requests, the relay's read_batch 2000), then one request at
//     a time for comparison. Target: >= 20k statements/s to the upstream.
//  B. ingest while a destination is down: T threads putting batches of B
//     statements through the Store API (durable), with no relay, then with
//     a relay whose destination refuses connections (a closed port) or
//     accepts and never answers (a blackhole). Fresh store per run, runs
//     interleaved and repeated. Target: within 10% of no relay.
// The machine may be shared: every run reports the cores other processes
// used meanwhile, and is marked DISTURBED from 0.15 cores (phase B's
// medians then leave it out).
// Usage: bench_sync_bench [--dir DIR] [--sync-total N] [--seconds S] [--rounds R]
//          [--batch-size B] [--parallel P] [--read-batch R] [--threads T] [--ingest-batch B]
//          [--sweep] [--phase a|b] [--dest upstream|null] [--keep]
//   --batch-size, --parallel: the xapi connector's batch_size and parallel_requests
//   --sweep  phase A over batch_size x parallel_requests x read_batch
//   --dest   phase A to that destination only (default: both)
//   --keep   keep phase A's source store in DIR and reuse it (to profile the relay alone)
// Other flags (scripts/bench passes --total) are ignored.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "lrs/daemon/daemon.h"
#include "lrs/http/server.h"
#include "lrs/json/json.h"
#include "lrs/store.h"
#include "lrs/sync/relay.h"
#include "tests/bench/statement_gen.h"

namespace {
using Clock = std::chrono::steady_clock;
using lrs::Status;

constexpr const char* kKey = "bench";
constexpr const char* kSecret = "bench-secret-0123456789";

double Secs(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// Process CPU time (user + system), all threads.
double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU time used by every process on the machine (/proc/stat: user, nice,
// system, irq, softirq, steal); 0 when unreadable.
double MachineCpuSeconds() {
  std::FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return 0;
  unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, soft = 0,
                     steal = 0;
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys,
                            &idle, &iowait, &irq, &soft, &steal);
  std::fclose(f);
  if (n != 8) return 0;
  return static_cast<double>(user + nice + sys + irq + soft + steal) /
         static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Measures what other processes take from the machine meanwhile: benches
// on a shared machine are only comparable when it is small.
class OtherLoad {
 public:
  OtherLoad() : t0_(Clock::now()), machine0_(MachineCpuSeconds()), self0_(CpuSeconds()) {}
  // Cores used by other processes since construction.
  double Cores() const {
    const double other = (MachineCpuSeconds() - machine0_) - (CpuSeconds() - self0_);
    return std::max(0.0, other / std::max(1e-3, Secs(t0_, Clock::now())));
  }

 private:
  Clock::time_point t0_;
  double machine0_, self0_;
};
constexpr double kDisturbed = 0.15;  // cores used by others that make a run unreliable

std::string Disturbed(double others) {
  if (others < kDisturbed) return "";
  char buf[96];
  std::snprintf(buf, sizeof buf, "  [DISTURBED: other processes used %.2f cores]", others);
  return buf;
}

[[noreturn]] void Die(const Status& s, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

struct Flags {
  std::string dir = "bench-sync-data";
  std::uint64_t total = 100000;
  double seconds = 4;
  int rounds = 3;
  std::size_t batch_size = 500;   // the xapi connector's default
  std::size_t read_batch = 2000;  // RelayOptions' default
  std::size_t parallel = 4;       // the xapi connector's parallel_requests (default 4)
  int threads = 4;
  int ingest_batch = 100;
  bool sweep = false;
  std::string phase;  // empty: both
  std::string dest;   // phase A destinations: empty (both), "upstream" or "null"
  bool keep = false;  // keep phase A's source store for the next run (profiling)
};

// ---- Destinations --------------------------------------------------------------

// A loopback port nothing listens on: connections are refused.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    Die(Status::IOError("socket"), "closed port");
  ::close(fd);
  return ntohs(a.sin_port);
}

// Listens and never accepts: the handshake completes in the kernel, the
// request is sent, no answer comes (the connector's timeout decides).
// Closing it resets the waiting connections.
class Blackhole {
 public:
  Blackhole() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(fd_, 64) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      Die(Status::IOError("socket"), "blackhole");
    port_ = ntohs(a.sin_port);
  }
  ~Blackhole() { Close(); }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Answers POST /xapi/statements with 200 and the ids, storing nothing.
class NullSink {
 public:
  NullSink() {
    lrs::http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.io_threads = 1;
    o.worker_threads = 4;
    o.inline_reads = false;
    Status s = lrs::http::Server::Start(
        o, [this](lrs::http::Request& req) { return Handle(req); }, nullptr, &server_);
    if (!s.ok()) Die(s, "null sink");
  }
  ~NullSink() { server_->Stop(std::chrono::milliseconds(200)); }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/xapi/";
  }
  std::uint64_t received() const { return received_.load(); }

 private:
  lrs::http::Response Handle(lrs::http::Request& req) {
    lrs::http::Response r;
    lrs::json::Document d;
    if (req.method != "POST" || !lrs::json::Parse(req.body, &d).ok() || !d.IsArray()) {
      r.status = 400;
      return r;
    }
    std::string out = "[";
    for (const auto& st : d.GetArray()) {
      if (out.size() > 1) out += ',';
      out += '"';
      out += lrs::json::StringOr(st, "id");
      out += '"';
    }
    out += ']';
    received_ += d.GetArray().Size();
    r.headers.Set("Content-Type", "application/json");
    r.headers.Set("X-Experience-API-Version", "2.0.0");
    r.body = std::move(out);
    return r;
  }

  std::atomic<std::uint64_t> received_{0};
  std::unique_ptr<lrs::http::Server> server_;
};

// A real upstream LRS: the daemon `lrs serve` runs, in process, on a free
// loopback port, durable, with a bootstrap credential; logs off.
class Upstream {
 public:
  explicit Upstream(const std::string& dir) {
    lrs::daemon::Config c;
    c.data_dir = dir;
    c.server.listen = "127.0.0.1:0";
    c.log.level = "off";
    c.log.access = false;
    c.dev_credential = false;
    c.bootstrap_credential = std::string(kKey) + ":" + kSecret;
    if (Status s = lrs::daemon::Daemon::Open(c, &daemon_); !s.ok()) Die(s, "upstream open");
    if (Status s = daemon_->Start(); !s.ok()) Die(s, "upstream start");
  }
  ~Upstream() { daemon_->Stop(std::chrono::milliseconds(1000)); }
  std::string url() const { return daemon_->Endpoint(); }
  // Statements in its default store (from its metrics).
  std::uint64_t stored() const {
    const std::string text = daemon_->MetricsText();
    const std::string key = "lrs_statements_stored{store=\"default\"} ";
    auto at = text.find(key);
    return at == std::string::npos ? 0 : std::stoull(text.substr(at + key.size()));
  }

 private:
  std::unique_ptr<lrs::daemon::Daemon> daemon_;
};

// One xapi destination (batch_size statements per request, `parallel`
// requests at once).
std::string Destination(const std::string& name, const std::string& url, std::size_t batch,
                        std::size_t parallel = 1) {
  return "[{\"name\":\"" + name + "\",\"type\":\"xapi\",\"url\":\"" + url + "\",\"key\":\"" +
         kKey + "\",\"secret\":\"" + kSecret + "\",\"batch_size\":" + std::to_string(batch) +
         ",\"parallel_requests\":" + std::to_string(parallel) +
         ",\"allow_networks\":[\"127.0.0.1\"]}]";
}

// ---- Phase A: relay throughput ---------------------------------------------------------

// Loads `n` statements with two writers putting batches of 500.
void Load(lrs::Store* store, std::uint64_t n) {
  lrs::bench::LoadStatements(store, n, 77, [](const Status& s) { Die(s, "load"); });
}

struct RelayRun {
  double others = 0;  // cores used by other processes meanwhile
  double seconds = 0;
  double cpu_us = 0;  // process CPU per statement (relay, plus an in-process upstream)
  bool complete = false;
};

// Opens a relay with `destinations` on `store` and waits until it is idle
// and `arrived()` reports all `n`.
template <typename Arrived>
RelayRun Relay(lrs::Store* store, const std::string& destinations, std::size_t read_batch,
               std::uint64_t n, Arrived arrived) {
  lrs::sync::RelayOptions o;
  o.destinations_json = destinations;
  o.read_batch = read_batch;
  o.log = [](lrs::sync::LogLevel level, const std::string& msg) {
    if (level != lrs::sync::LogLevel::kInfo) std::fprintf(stderr, "  relay: %s\n", msg.c_str());
  };
  const double cpu0 = CpuSeconds();
  const OtherLoad load;
  auto t0 = Clock::now();
  std::unique_ptr<lrs::sync::Relay> relay;
  if (Status s = lrs::sync::Relay::Open(store, o, &relay); !s.ok()) Die(s, "relay open");
  RelayRun r;
  r.complete = relay->WaitIdle(std::chrono::minutes(10));
  while (r.complete && arrived() < n && Secs(t0, Clock::now()) < 600)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  r.complete = r.complete && arrived() >= n;
  r.seconds = Secs(t0, Clock::now());
  r.cpu_us = (CpuSeconds() - cpu0) * 1e6 / static_cast<double>(n);
  r.others = load.Cores();
  return r;
}

// Relay and connector settings of one run.
struct Setting {
  std::size_t batch;     // batch_size: statements per request
  std::size_t parallel;  // parallel_requests
  std::size_t read_batch;
};

void Report(const char* what, const Setting& x, std::uint64_t n, const RelayRun& r) {
  std::printf("relay -> %-22s batch_size %4zu x parallel %zu, read_batch %4zu: %7.0f statements/s "
              "(%llu in %.2fs; %.0f us CPU each)%s%s\n",
              what, x.batch, x.parallel, x.read_batch, static_cast<double>(n) / r.seconds,
              static_cast<unsigned long long>(n), r.seconds, r.cpu_us,
              r.complete ? "" : "  INCOMPLETE", Disturbed(r.others).c_str());
  std::fflush(stdout);
}

void PhaseA(const Flags& f) {
  const std::string dir = f.dir + "/a";
  std::filesystem::create_directories(dir);
  std::unique_ptr<lrs::Store> source;
  if (Status s = lrs::Store::Open(lrs::Options(), dir + "/source", &source); !s.ok())
    Die(s, "open source");
  lrs::StoreStats st;
  if (Status s = source->GetStats(&st); !s.ok()) Die(s, "stats");
  if (st.statements != f.total) {
    auto t0 = Clock::now();
    Load(source.get(), f.total - std::min<std::uint64_t>(st.statements, f.total));
    std::printf("source: %llu statements loaded in %.1fs\n",
                static_cast<unsigned long long>(f.total), Secs(t0, Clock::now()));
  }

  // Every run is a new destination name: it backfills the whole source.
  int run = static_cast<int>(getpid()) * 100;
  auto to_upstream = [&](const Setting& x) {
    const std::string up_dir = dir + "/upstream-" + std::to_string(run);
    {
      Upstream up(up_dir);
      RelayRun r = Relay(source.get(),
                         Destination("up" + std::to_string(run++), up.url(), x.batch, x.parallel),
                         x.read_batch, f.total, [&] { return up.stored(); });
      Report("upstream lrs (durable)", x, f.total, r);
    }
    std::filesystem::remove_all(up_dir);
  };
  auto to_null = [&](const Setting& x) {
    NullSink sink;
    RelayRun r = Relay(source.get(),
                       Destination("null" + std::to_string(run++), sink.url(), x.batch, x.parallel),
                       x.read_batch, f.total, [&] { return sink.received(); });
    Report("null sink", x, f.total, r);
  };
  std::vector<Setting> done;
  auto both = [&](const Setting& x) {
    for (const Setting& d : done)
      if (d.batch == x.batch && d.parallel == x.parallel && d.read_batch == x.read_batch) return;
    done.push_back(x);
    if (f.dest != "null") to_upstream(x);
    if (f.dest != "upstream") to_null(x);
  };
  const Setting given{f.batch_size, f.parallel, f.read_batch};
  both(given);
  both({given.batch, 1, given.batch});  // one request at a time, for comparison
  if (f.sweep) {
    const Setting kSettings[] = {{100, 1, 100},   {100, 1, 2000},  {500, 1, 500},
                                 {500, 1, 2000},  {1000, 1, 1000}, {2000, 1, 2000},
                                 {5000, 1, 5000}, {500, 2, 1000},  {500, 4, 2000},
                                 {1000, 2, 2000}, {1000, 4, 4000}, {250, 8, 2000}};
    for (const Setting& x : kSettings) both(x);
  }
  source.reset();
  if (!f.keep) std::filesystem::remove_all(dir);
}

// ---- Phase B: ingest while a destination is down --------------------------------------------

struct IngestRun {
  double rate = 0;
  double cpu_us = 0;
  double others = 0;  // cores used by other processes meanwhile
};

IngestRun Ingest(lrs::Store* store, int threads, int batch, double seconds, std::uint64_t seed) {
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  auto t0 = Clock::now();
  const double cpu0 = CpuSeconds();
  const OtherLoad load;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      lrs::bench::StatementGen gen(seed * 1000 + t);
      std::string body;
      while (!stop.load(std::memory_order_relaxed)) {
        body.clear();  // (not body = "[": GCC 12 -O3 warns, -Wrestrict false positive)
        body += '[';
        for (int i = 0; i < batch; ++i) {
          if (i) body += ',';
          body += gen.Next();
        }
        body += ']';
        if (Status s = store->PutStatements({}, body, nullptr); !s.ok()) Die(s, "put");
        done.fetch_add(batch, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : ts) th.join();
  IngestRun r;
  r.rate = static_cast<double>(done.load()) / Secs(t0, Clock::now());
  r.cpu_us = (CpuSeconds() - cpu0) * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, done));
  r.others = load.Cores();
  return r;
}

void PhaseB(const Flags& f) {
  enum Mode { kNone, kRefused, kBlackhole, kModes };
  const char* kNames[] = {"no relay", "relay, destination refusing", "relay, destination blackhole"};
  std::vector<std::vector<IngestRun>> runs(kModes);
  int n = 0;
  for (int round = 0; round < f.rounds; ++round) {
    for (int m = 0; m < kModes; ++m) {
      const std::string dir = f.dir + "/b" + std::to_string(n++);
      std::unique_ptr<lrs::Store> store;
      if (Status s = lrs::Store::Open(lrs::Options(), dir, &store); !s.ok()) Die(s, "open");
      Blackhole hole;
      std::unique_ptr<lrs::sync::Relay> relay;
      if (m != kNone) {
        lrs::sync::RelayOptions o;
        const int port = m == kRefused ? ClosedPort() : hole.port();
        o.destinations_json = Destination(
            "down", "http://127.0.0.1:" + std::to_string(port) + "/xapi/", f.batch_size,
            f.parallel);
        if (Status s = lrs::sync::Relay::Open(store.get(), o, &relay); !s.ok()) Die(s, "relay");
      }
      runs[m].push_back(Ingest(store.get(), f.threads, f.ingest_batch, f.seconds, 11 + n));
      if (relay) {
        std::vector<lrs::sync::DestinationStatus> st;
        (void)relay->GetStatus(&st);
        if (!st.empty() && st[0].delivered != 0) std::printf("  (the destination was not down)\n");
      }
      hole.Close();  // resets the request in flight, so the relay stops at once
      relay.reset();
      store.reset();
      std::filesystem::remove_all(dir);
      const IngestRun& r = runs[m].back();
      std::printf("ingest, %d threads x batches of %d, durable, %-30s %8.0f statements/s "
                  "(%.0f us CPU each)%s\n",
                  f.threads, f.ingest_batch, kNames[m], r.rate, r.cpu_us,
                  Disturbed(r.others).c_str());
      std::fflush(stdout);
    }
  }
  // Medians and ranges, over the runs no other process disturbed when
  // every mode has one (else over all runs).
  bool quiet = true;
  for (const auto& v : runs)
    quiet = quiet && std::any_of(v.begin(), v.end(), [](auto& r) { return r.others < kDisturbed; });
  if (quiet) {
    for (auto& v : runs)
      v.erase(std::remove_if(v.begin(), v.end(), [](auto& r) { return r.others >= kDisturbed; }),
              v.end());
  }
  auto stats = [](std::vector<IngestRun> v, double IngestRun::*field, double* lo, double* hi) {
    std::sort(v.begin(), v.end(), [&](auto& a, auto& b) { return a.*field < b.*field; });
    *lo = v.front().*field;
    *hi = v.back().*field;
    return v[v.size() / 2].*field;
  };
  double lo, hi, cpu_lo, cpu_hi;
  const double base = stats(runs[kNone], &IngestRun::rate, &lo, &hi);
  const double base_cpu = stats(runs[kNone], &IngestRun::cpu_us, &cpu_lo, &cpu_hi);
  std::printf("ingest, %-30s: median %.0f statements/s (%.0f..%.0f over %zu runs%s), "
              "%.1f us CPU each\n",
              kNames[kNone], base, lo, hi, runs[kNone].size(),
              quiet ? "" : ", all disturbed: not comparable", base_cpu);
  for (int m = kRefused; m < kModes; ++m) {
    const double x = stats(runs[m], &IngestRun::rate, &lo, &hi);
    const double cpu = stats(runs[m], &IngestRun::cpu_us, &cpu_lo, &cpu_hi);
    std::printf("ingest, %-30s: median %.0f statements/s (%.0f..%.0f over %zu runs), %.1f us CPU "
                "each: %+.1f%% throughput, %+.1f%% CPU per statement vs no relay (target: within "
                "10%%)\n",
                kNames[m], x, lo, hi, runs[m].size(), cpu, (x / base - 1) * 100,
                (cpu / base_cpu - 1) * 100);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const bool has = i + 1 < argc;
    if (a == "--help" || a == "-h") {
      std::printf("usage: %s [--dir DIR] [--sync-total N] [--seconds S] [--rounds R]\n"
                  "  [--batch-size B] [--parallel P] [--read-batch R] [--threads T]\n"
                  "  [--ingest-batch B] [--sweep] [--phase a|b] [--dest upstream|null] [--keep]\n",
                  argv[0]);
      return 0;
    }
    if (a == "--sweep") f.sweep = true;
    else if (a == "--dir" && has) f.dir = argv[++i];
    else if (a == "--sync-total" && has) f.total = std::stoull(argv[++i]);
    else if (a == "--seconds" && has) f.seconds = std::stod(argv[++i]);
    else if (a == "--rounds" && has) f.rounds = std::max(1, std::atoi(argv[++i]));
    else if (a == "--batch-size" && has) f.batch_size = std::stoul(argv[++i]);
    else if (a == "--read-batch" && has) f.read_batch = std::stoul(argv[++i]);
    else if (a == "--parallel" && has) f.parallel = std::stoul(argv[++i]);
    else if (a == "--threads" && has) f.threads = std::max(1, std::atoi(argv[++i]));
    else if (a == "--ingest-batch" && has) f.ingest_batch = std::max(1, std::atoi(argv[++i]));
    else if (a == "--phase" && has) f.phase = argv[++i];
    else if (a == "--dest" && has) f.dest = argv[++i];
    else if (a == "--keep") f.keep = true;
  }
  if (!f.keep) std::filesystem::remove_all(f.dir);
  std::filesystem::create_directories(f.dir);
  lrs::bench::StatementGen probe(1);
  std::size_t bytes = 0;
  for (int i = 0; i < 1000; ++i) bytes += probe.Next().size();
  std::printf("statements: %zu bytes of JSON on average, xAPI 2.0.0\n", bytes / 1000);
  if (f.phase.empty() || f.phase == "a") PhaseA(f);
  if (f.phase.empty() || f.phase == "b") PhaseB(f);
  if (!f.keep) std::filesystem::remove_all(f.dir);
  return 0;
}
