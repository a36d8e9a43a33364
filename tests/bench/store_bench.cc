// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Storage engine benchmark (run by scripts/bench; not a test):
//  - durable ingest: 16 threads putting one statement at a time, and
//    4 threads putting batches of 100;
//  - query latency p50/p99 per filter at 100k and 1M statements;
//  - bytes on disk per statement.
//  - report latency p50/p99 per kind (docs/reporting.md);
// Usage: bench_store [--dir DIR] [--total N] [--seconds S] [--no-aggregates]
//        bench_store --ingest T B | --profile T B   (one ingest phase: T threads
//        putting batches of B, durable or not synced)

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tests/bench/statement_gen.h"
#include "lrs/store.h"

namespace {
using Clock = std::chrono::steady_clock;
using lrs::Status;

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

void Die(const Status& s, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

// Puts `per_thread` statements per thread one at a time, or in batches.
double Ingest(lrs::Store* store, int threads, int batch, double seconds, std::uint64_t seed,
              std::uint64_t* count, double* cpu_us) {
  std::atomic<std::uint64_t> done{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> ts;
  auto t0 = Clock::now();
  const double cpu0 = CpuSeconds();
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      lrs::bench::StatementGen gen(seed * 1000 + t);
      std::string body;
      while (!stop.load(std::memory_order_relaxed)) {
        body.clear();
        if (batch > 1) body += '[';
        for (int i = 0; i < batch; ++i) {
          if (i) body += ',';
          body += gen.Next();
        }
        if (batch > 1) body += ']';
        Status s = store->PutStatements({}, body, nullptr);
        if (!s.ok()) Die(s, "put");
        done.fetch_add(batch, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : ts) th.join();
  double el = Secs(t0, Clock::now());
  *count = done.load();
  *cpu_us = (CpuSeconds() - cpu0) * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, *count));
  return static_cast<double>(*count) / el;
}

void Load(lrs::Store* store, std::uint64_t target, std::uint64_t seed) {
  lrs::StoreStats st;
  if (Status s = store->GetStats(&st); !s.ok()) Die(s, "stats");
  std::vector<std::thread> ts;
  std::atomic<std::int64_t> remaining(static_cast<std::int64_t>(target) -
                                      static_cast<std::int64_t>(st.statements));
  for (int t = 0; t < 2; ++t) {
    ts.emplace_back([&, t] {
      lrs::bench::StatementGen gen(seed * 7 + t);
      while (remaining.fetch_sub(500) > 0) {
        std::string body = "[";
        for (int i = 0; i < 500; ++i) {
          if (i) body += ',';
          body += gen.Next();
        }
        body += ']';
        if (Status s = store->PutStatements({}, body, nullptr); !s.ok()) Die(s, "load");
      }
    });
  }
  for (auto& th : ts) th.join();
}

struct Lat {
  double p50, p99;
  std::size_t avg_results;
};

Lat Measure(lrs::Store* store, const std::function<lrs::StatementQuery(lrs::bench::StatementGen&)>& make,
            int n) {
  lrs::bench::StatementGen gen(99);
  std::vector<double> us;
  std::size_t results = 0;
  lrs::StatementPage page;
  for (int i = 0; i < n; ++i) {
    lrs::StatementQuery q = make(gen);
    auto t0 = Clock::now();
    Status s = store->QueryStatements(q, &page);
    auto t1 = Clock::now();
    if (!s.ok()) Die(s, "query");
    results += page.statements.size();
    us.push_back(Secs(t0, t1) * 1e6);
  }
  std::sort(us.begin(), us.end());
  return {us[us.size() / 2], us[us.size() * 99 / 100], results / static_cast<std::size_t>(n)};
}

void Queries(lrs::Store* store, const char* label) {
  using lrs::bench::StatementGen;
  struct Q {
    const char* name;
    std::function<lrs::StatementQuery(StatementGen&)> make;
  };
  auto agent = [](StatementGen& g) {
    return "{\"mbox\":\"" + lrs::bench::LearnerMbox(g.Pick(lrs::bench::kLearners)) + "\"}";
  };
  std::vector<Q> qs = {
      {"none (latest)", [](StatementGen&) { return lrs::StatementQuery(); }},
      {"verb", [](StatementGen& g) { lrs::StatementQuery q; q.verb = lrs::bench::VerbIri(g.Pick(8)); return q; }},
      {"agent", [&](StatementGen& g) { lrs::StatementQuery q; q.agent = agent(g); return q; }},
      {"activity", [](StatementGen& g) { lrs::StatementQuery q; q.activity = lrs::bench::ActivityIri(g.Pick(lrs::bench::kActivities)); return q; }},
      {"registration", [](StatementGen& g) { lrs::StatementQuery q; q.registration = lrs::bench::Registration(g.Pick(lrs::bench::kRegistrations)); return q; }},
      {"related_activities (course)", [](StatementGen&) { lrs::StatementQuery q; q.activity = "https://courses.example.com/onboarding"; q.related_activities = true; return q; }},
      {"related_agents", [&](StatementGen& g) { lrs::StatementQuery q; q.agent = agent(g); q.related_agents = true; return q; }},
      {"verb+activity", [](StatementGen& g) { lrs::StatementQuery q; q.verb = lrs::bench::VerbIri(g.Pick(8)); q.activity = lrs::bench::ActivityIri(g.Pick(lrs::bench::kActivities)); return q; }},
      {"agent+verb", [&](StatementGen& g) { lrs::StatementQuery q; q.agent = agent(g); q.verb = lrs::bench::VerbIri(g.Pick(8)); return q; }},
      {"verb+since (last hour)", [](StatementGen& g) { lrs::StatementQuery q; q.verb = lrs::bench::VerbIri(g.Pick(8)); q.since = "2020-01-01T00:00:00Z"; q.ascending = true; return q; }},
  };
  for (std::uint32_t limit : {10u, 100u}) {
    std::printf("  %-10s limit=%-4u %-30s %10s %10s %8s\n", label, limit, "filter", "p50 (ms)", "p99 (ms)", "rows");
    for (auto& q : qs) {
      auto make = [&](StatementGen& g) { auto x = q.make(g); x.limit = limit; return x; };
      Lat l = Measure(store, make, 400);
      std::printf("  %-10s limit=%-4u %-30s %10.3f %10.3f %8zu\n", label, limit, q.name, l.p50 / 1000,
                  l.p99 / 1000, l.avg_results);
    }
  }
}

// Reports (docs/reporting.md) from the aggregates: p50/p99 per kind.
void Reports(lrs::Store* store, const char* label) {
  using lrs::bench::StatementGen;
  using P = std::vector<std::pair<std::string, std::string>>;
  struct R {
    const char* name;
    const char* report;
    std::function<P(StatementGen&)> params;
  };
  const std::string course = "https://courses.example.com/onboarding";
  auto module = [](StatementGen& g) {
    return "https://courses.example.com/onboarding/module-" + std::to_string(g.Pick(lrs::bench::kActivities / 10));
  };
  auto member = [](StatementGen& g) {
    return "{\"mbox\":\"" + lrs::bench::LearnerMbox(g.Pick(lrs::bench::kLearners)) + "\"}";
  };
  std::vector<R> rs = {
      {"statements by day", "statements", [](StatementGen&) { return P{{"by", "day"}}; }},
      {"statements by verb", "statements", [](StatementGen&) { return P{{"by", "verb"}}; }},
      {"statements by activity", "statements", [](StatementGen&) { return P{{"by", "activity"}, {"limit", "20"}}; }},
      {"activity (lesson)", "activity", [](StatementGen& g) { return P{{"activity", lrs::bench::ActivityIri(g.Pick(lrs::bench::kActivities))}}; }},
      {"activity (module)", "activity", [&](StatementGen& g) { return P{{"activity", module(g)}}; }},
      {"activity (course, all learners)", "activity", [&](StatementGen&) { return P{{"activity", course}}; }},
      {"activity (course, one week)", "activity", [&](StatementGen& g) { int d = 1 + g.Pick(21); char a[16], b[16]; std::snprintf(a, sizeof a, "2026-11-%02d", d); std::snprintf(b, sizeof b, "2026-11-%02d", d + 6); return P{{"activity", course}, {"since", a}, {"until", b}}; }},
      {"activity (module, group of 20)", "activity", [&](StatementGen& g) { std::string m = "{\"objectType\":\"Group\",\"member\":["; for (int i = 0; i < 20; ++i) m += (i ? "," : "") + member(g); return P{{"activity", module(g)}, {"group", m + "]}"}}; }},
      {"activity (registration)", "activity", [&](StatementGen& g) { return P{{"activity", course}, {"registration", lrs::bench::Registration(g.Pick(lrs::bench::kRegistrations))}}; }},
      {"activities of a module", "activities", [&](StatementGen& g) { return P{{"parent", module(g)}}; }},
      {"progress (module, 100 learners)", "progress", [&](StatementGen& g) { return P{{"activity", module(g)}, {"limit", "100"}}; }},
      {"progress (one learner, course)", "progress", [&](StatementGen& g) { return P{{"activity", course}, {"agent", member(g)}}; }},
      {"objectives of a module", "objectives", [&](StatementGen& g) { return P{{"parent", module(g)}}; }},
      {"statements by verb, one learner", "statements", [&](StatementGen& g) { return P{{"by", "verb"}, {"agent", member(g)}}; }},
  };
  std::printf("  %-10s %-34s %10s %10s %8s\n", label, "report", "p50 (ms)", "p99 (ms)", "bytes");
  for (const auto& r : rs) {
    StatementGen gen(77);
    std::vector<double> us;
    std::size_t bytes = 0;
    const int n = 100;
    for (int i = 0; i < n; ++i) {
      P p = r.params(gen);
      std::string out;
      auto t0 = Clock::now();
      Status s = store->Report(r.report, p, &out);
      auto t1 = Clock::now();
      if (!s.ok()) Die(s, r.name);
      bytes += out.size();
      us.push_back(Secs(t0, t1) * 1e6);
    }
    std::sort(us.begin(), us.end());
    std::printf("  %-10s %-34s %10.3f %10.3f %8zu\n", label, r.name, us[us.size() / 2] / 1000,
                us[us.size() * 99 / 100] / 1000, bytes / n);
  }
}

// Median cost of an 8 KiB write + fdatasync in `dir`: what one durable commit
// cannot beat (LMDB syncs twice per commit: data, then its meta page).
double FsyncMs(const std::string& dir) {
  std::string path = dir + "/fsync-probe";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return -1;
  char buf[8192];
  std::memset(buf, 1, sizeof buf);
  std::vector<double> ms;
  for (int i = 0; i < 50; ++i) {
    auto t0 = Clock::now();
    if (pwrite(fd, buf, sizeof buf, static_cast<off_t>(i) * 8192) != static_cast<ssize_t>(sizeof buf) ||
        fdatasync(fd) != 0)
      break;
    ms.push_back(Secs(t0, Clock::now()) * 1000);
  }
  close(fd);
  unlink(path.c_str());
  if (ms.empty()) return -1;
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

std::uint64_t DiskBytes(const std::string& dir) {
  struct stat st;
  if (stat((dir + "/data.mdb").c_str(), &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_blocks) * 512;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "bench-data";
  std::uint64_t total = 1000000;
  double seconds = 10;
  // --profile T B: only T threads putting batches of B without fsync, to
  // profile the CPU path (e.g. under perf record). --ingest T B: the same,
  // durable (one ingest phase alone).
  int profile_threads = 0, profile_batch = 0;
  bool durable_only = false;
  for (int i = 1; i < argc; ++i) {
    if ((!std::strcmp(argv[i], "--profile") || !std::strcmp(argv[i], "--ingest")) &&
        i + 2 < argc) {
      durable_only = !std::strcmp(argv[i], "--ingest");
      profile_threads = std::atoi(argv[i + 1]);
      profile_batch = std::atoi(argv[i + 2]);
    }
  }
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--total")) total = std::stoull(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::stod(argv[i + 1]);
  }
  bool aggregates = true;  // --no-aggregates: ingest without them, to compare
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--no-aggregates")) aggregates = false;
  std::filesystem::remove_all(dir);
  lrs::Options opt;
  opt.sync = profile_threads == 0 || durable_only;
  opt.aggregates = aggregates;
  std::unique_ptr<lrs::Store> store;
  if (Status s = lrs::Store::Open(opt, dir, &store); !s.ok()) Die(s, "open");
  if (profile_threads > 0) {
    std::uint64_t n;
    double cpu = 0;
    double r = Ingest(store.get(), profile_threads, profile_batch, seconds, 3, &n, &cpu);
    std::printf("ingest, %d threads x batches of %d, %s: %.0f statements/s (%.1f us CPU each)\n",
                profile_threads, profile_batch, durable_only ? "durable" : "not synced", r, cpu);
    store.reset();
    std::filesystem::remove_all(dir);
    return 0;
  }

  double fsync_ms = FsyncMs(dir);
  std::printf("disk: write+fdatasync takes %.2f ms here; a durable LMDB commit needs two, so 16\n"
              "      writers with one statement each can reach at most ~%.0f statements/s\n",
              fsync_ms, fsync_ms > 0 ? 16 / (2 * fsync_ms / 1000) : 0.0);
  lrs::bench::StatementGen probe(1);
  std::size_t json_bytes = 0;
  for (int i = 0; i < 1000; ++i) json_bytes += probe.Next().size();
  std::printf("statement size: %zu bytes of JSON on average\n", json_bytes / 1000);

  std::uint64_t n;
  double cpu = 0;
  // One writer, one statement at a time: every put is one whole durable
  // commit cycle (data fdatasync, meta fdatasync). A writer waits for its
  // own cycle, so W writers can never exceed W cycles at once: W / cycle.
  double r0 = Ingest(store.get(), 1, 1, std::min(seconds, 3.0), 5, &n, &cpu);
  std::printf("durable commit cycle, 1 writer: %.2f ms (%.0f statements/s); bound for 16 writers\n"
              "      that each wait for their own commit: %.0f statements/s\n",
              r0 > 0 ? 1000 / r0 : 0.0, r0, 16 * r0);
  double r1 = Ingest(store.get(), 16, 1, seconds, 1, &n, &cpu);
  lrs::StoreStats st;
  (void)store->GetStats(&st);
  std::printf("ingest, 16 threads x 1 statement, durable:   %9.0f statements/s (%llu in %.0fs; %.1f writers/commit; %.0f us CPU each)\n",
              r1, static_cast<unsigned long long>(n), seconds,
              st.commits ? static_cast<double>(st.grouped_writes) / st.commits : 0.0, cpu);
  auto c0 = st.commits, g0 = st.grouped_writes;
  double r2 = Ingest(store.get(), 4, 100, seconds, 2, &n, &cpu);
  (void)store->GetStats(&st);
  std::printf("ingest, 4 threads x batches of 100, durable: %9.0f statements/s (%llu in %.0fs; %.1f batches/commit; %.0f us CPU each)\n",
              r2, static_cast<unsigned long long>(n), seconds,
              st.commits - c0 ? static_cast<double>(st.grouped_writes - g0) / (st.commits - c0) : 0.0, cpu);

  for (std::uint64_t target : {std::uint64_t{100000}, total}) {
    if (target > total) continue;
    auto t0 = Clock::now();
    Load(store.get(), target, target);
    (void)store->GetStats(&st);
    std::printf("loaded to %llu statements in %.1fs\n", static_cast<unsigned long long>(st.statements),
                Secs(t0, Clock::now()));
    std::printf("disk: %.0f bytes per statement (data.mdb %.1f MiB allocated, %.1f MiB used in map)\n",
                static_cast<double>(DiskBytes(dir)) / static_cast<double>(st.statements),
                DiskBytes(dir) / 1048576.0, st.map_used / 1048576.0);
    char label[32];
    std::snprintf(label, sizeof label, "%lluk", static_cast<unsigned long long>(st.statements / 1000));
    Queries(store.get(), label);
    if (opt.aggregates) Reports(store.get(), label);
    if (target == total) break;
  }
  store.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
