// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Footprint of the embedded library (run by scripts/bench --footprint; not a
// test):
//  - open + first durable write: for N fresh directories, the time from
//    Store::Open to the first PutStatements returning OK (default Options,
//    sync=true), min / median / p90; also with the phone Options of
//    docs/embedding.md, with sync=false (what is not disk flushes), reopening
//    an existing store, and through the C API (lrs_open +
//    lrs_statements_put) when --capi-lib names a liblrs.so that has it;
//  - idle RSS: a child process (this program again, so the benchmark's own
//    allocations do not count) opens a store holding 1000 statements, runs
//    one query, sleeps 1 s and reads VmRSS / RssAnon / RssFile from
//    /proc/self/status. LMDB's mapped pages count as RssFile;
//  - a child writes 20000 statements of one learner and exits without
//    closing (an app killed while suspended): the memory writing took (the
//    index write buffer), and how long the next Store::Open takes to
//    rebuild that buffer.
// Prints a table against the targets and one machine-readable line
// ("footprint {...}").
// Usage: bench_footprint [--dir DIR] [--n N] [--statements S]
//                        [--kill-statements K] [--stripped-bytes B]
//                        [--capi-lib PATH]
//        bench_footprint --rss-child DIR [--phone]         (internal)
//        bench_footprint --kill-child DIR K [--phone]      (internal)

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "lrs/store.h"
#include "tests/bench/statement_gen.h"

namespace {
using Clock = std::chrono::steady_clock;
using lrs::Status;

constexpr double kTargetStrippedMb = 3;
constexpr double kTargetRssMb = 8;
constexpr double kTargetOpenWriteMs = 5;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

void Die(const Status& s, const char* what) {
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

// The "phone" settings of docs/embedding.md.
lrs::Options PhoneOptions() {
  lrs::Options o;
  o.initial_map_size = std::size_t{4} << 20;
  o.max_map_size = std::size_t{1} << 30;
  o.index_buffer_statements = 4096;
  o.max_readers = 64;
  return o;
}

struct Spread {
  double min = 0, p50 = 0, p90 = 0, max = 0;
};

Spread Summarize(std::vector<double> v) {
  if (v.empty()) return {};
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2], v[std::min(v.size() - 1, v.size() * 9 / 10)], v.back()};
}

// Median cost of an 8 KiB write + fdatasync in `dir` (as in store_bench): a
// durable LMDB commit needs two (data pages, then the meta page).
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
    ms.push_back(Ms(t0, Clock::now()));
  }
  close(fd);
  unlink(path.c_str());
  if (ms.empty()) return -1;
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

// ---- open + first durable write ----------------------------------------------

struct OpenWrite {
  Spread total, open, write, close;
};

// fresh: each round in a new directory; else all rounds reopen `base`
// (which must hold a store).
OpenWrite MeasureOpenWrite(const std::string& base, const lrs::Options& opt, int n,
                           bool fresh = true) {
  lrs::bench::StatementGen gen(11);
  std::filesystem::create_directories(base);
  std::vector<double> total, open, write, close;
  for (int i = 0; i < n; ++i) {
    std::string dir = fresh ? base + "/" + std::to_string(i) : base;
    if (fresh) std::filesystem::remove_all(dir);
    std::string body = gen.Next();
    std::unique_ptr<lrs::Store> store;
    auto t0 = Clock::now();
    if (Status s = lrs::Store::Open(opt, dir, &store); !s.ok()) Die(s, "open");
    auto t1 = Clock::now();
    if (Status s = store->PutStatements({}, body, nullptr); !s.ok()) Die(s, "put");
    auto t2 = Clock::now();
    store.reset();
    auto t3 = Clock::now();
    total.push_back(Ms(t0, t2));
    open.push_back(Ms(t0, t1));
    write.push_back(Ms(t1, t2));
    close.push_back(Ms(t2, t3));
    if (fresh) std::filesystem::remove_all(dir);
  }
  return {Summarize(total), Summarize(open), Summarize(write), Summarize(close)};
}

// The C API, looked up in a shared library so this program does not depend
// on it being built. Returns false when the library or its symbols are absent.
bool MeasureOpenWriteCapi(const std::string& lib, const std::string& base, int n,
                          Spread* out) {
  using OpenFn = int (*)(const char*, const char*, std::size_t, void**);
  using PutFn = int (*)(void*, const char*, std::size_t, const char*, std::size_t, char**,
                        std::size_t*);
  using CloseFn = void (*)(void*);
  using FreeFn = void (*)(void*);
  void* h = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) return false;
  auto lrs_open = reinterpret_cast<OpenFn>(dlsym(h, "lrs_open"));
  auto lrs_put = reinterpret_cast<PutFn>(dlsym(h, "lrs_statements_put"));
  auto lrs_close = reinterpret_cast<CloseFn>(dlsym(h, "lrs_close"));
  auto lrs_free = reinterpret_cast<FreeFn>(dlsym(h, "lrs_free"));
  if (!lrs_open || !lrs_put || !lrs_close || !lrs_free) {
    dlclose(h);
    return false;
  }
  lrs::bench::StatementGen gen(12);
  std::filesystem::create_directories(base);
  std::vector<double> total;
  for (int i = 0; i < n; ++i) {
    std::string dir = base + "/c" + std::to_string(i);
    std::filesystem::remove_all(dir);
    std::string body = gen.Next();
    void* db = nullptr;
    char* ids = nullptr;
    std::size_t ids_len = 0;
    auto t0 = Clock::now();
    int rc = lrs_open(dir.c_str(), nullptr, 0, &db);
    if (rc == 0) rc = lrs_put(db, nullptr, 0, body.data(), body.size(), &ids, &ids_len);
    auto t1 = Clock::now();
    if (rc != 0) {
      std::fprintf(stderr, "C API: open/put returned %d\n", rc);
      std::exit(1);
    }
    lrs_free(ids);
    lrs_close(db);
    total.push_back(Ms(t0, t1));
    std::filesystem::remove_all(dir);
  }
  *out = Summarize(total);
  return true;  // the library stays loaded: its threads may still be unwinding
}

// ---- idle RSS -------------------------------------------------------------------

struct Rss {
  double vm = 0, anon = 0, file = 0, shmem = 0;  // MB
};

Rss ReadRss() {
  Rss r;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    auto mb = [&](const char* key, double* v) {
      if (line.rfind(key, 0) == 0) *v = std::strtod(line.c_str() + std::strlen(key), nullptr) / 1024;
    };
    mb("VmRSS:", &r.vm);
    mb("RssAnon:", &r.anon);
    mb("RssFile:", &r.file);
    mb("RssShmem:", &r.shmem);
  }
  return r;
}

void PrintRss(const char* stage) {
  Rss r = ReadRss();
  std::printf("rss %s %.3f %.3f %.3f %.3f\n", stage, r.vm, r.anon, r.file, r.shmem);
}

// Child --rss-child: prints "rss <stage> VM ANON FILE SHMEM" lines for the
// process before opening, after open, after one query, and after 1 s idle.
int RssChild(const std::string& dir, bool phone) {
  PrintRss("start");
  std::unique_ptr<lrs::Store> store;
  if (Status s = lrs::Store::Open(phone ? PhoneOptions() : lrs::Options(), dir, &store); !s.ok())
    Die(s, "open");
  PrintRss("open");
  lrs::StatementQuery q;
  q.verb = lrs::bench::VerbIri(0);
  q.limit = 10;
  lrs::StatementPage page;
  if (Status s = store->QueryStatements(q, &page); !s.ok()) Die(s, "query");
  if (page.statements.empty()) {
    std::fprintf(stderr, "query: no statements\n");
    return 1;
  }
  PrintRss("query");
  std::this_thread::sleep_for(std::chrono::seconds(1));
  PrintRss("idle");
  std::fflush(stdout);
  return 0;
}

// What one learner's device records: the bench statements (StatementGen)
// with a single actor and a new registration every 200 statements (an
// attempt), so few distinct terms, unlike a server's many learners.
class PhoneGen {
 public:
  explicit PhoneGen(std::uint64_t seed) : gen_(seed) {}
  std::string Next() {
    std::string s = gen_.Next();
    Replace(&s, "\"name\":\"Learner ", "\"", "\"name\":\"Ana\"");
    Replace(&s, "\"mbox\":\"mailto:", "\"", "\"mbox\":\"mailto:ana@example.com\"");
    Replace(&s, "\"registration\":\"", "\"",
            "\"registration\":\"" + lrs::bench::Registration(n_++ / 200) + "\"");
    return s;
  }

 private:
  // Replaces the first text from `start` through the next `end` with `with`.
  static void Replace(std::string* s, const std::string& start, const char* end,
                      const std::string& with) {
    std::size_t a = s->find(start);
    if (a == std::string::npos) return;
    std::size_t b = s->find(end, a + start.size());
    if (b == std::string::npos) return;
    s->replace(a, b + 1 - a, with);
  }
  lrs::bench::StatementGen gen_;
  int n_ = 0;
};

template <typename Gen>
void PutBatches(lrs::Store* store, int statements, std::uint64_t seed) {
  Gen gen(seed);
  for (int done = 0; done < statements;) {
    int b = std::min(100, statements - done);
    std::string body = "[";
    for (int i = 0; i < b; ++i) {
      if (i) body += ',';
      body += gen.Next();
    }
    body += ']';
    if (Status s = store->PutStatements({}, body, nullptr); !s.ok()) Die(s, "put");
    done += b;
  }
}

// Child --kill-child: writes `statements` to a new store in DIR, prints its
// RSS ("rss written ...") and exits without closing the store, as when a
// phone's OS kills a suspended app: the index write buffer is not merged.
int KillChild(const std::string& dir, int statements, bool phone) {
  std::filesystem::remove_all(dir);
  PrintRss("start");
  std::unique_ptr<lrs::Store> store;
  if (Status s = lrs::Store::Open(phone ? PhoneOptions() : lrs::Options(), dir, &store); !s.ok())
    Die(s, "open");
  PutBatches<PhoneGen>(store.get(), statements, 31);
  PrintRss("written");
  std::fflush(stdout);
  _exit(0);
}

using Stages = std::vector<std::pair<std::string, Rss>>;

Rss Stage(const Stages& stages, const char* name) {
  for (const auto& [n, r] : stages)
    if (n == name) return r;
  std::fprintf(stderr, "child printed no \"%s\" line\n", name);
  std::exit(1);
}

// Runs this program again with `args` and collects its "rss" lines.
Stages RunChild(std::vector<std::string> args) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("pipe");
    std::exit(1);
  }
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    std::vector<char*> argv = {const_cast<char*>("/proc/self/exe")};
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(fds[1]);
  std::string out;
  char buf[1024];
  for (ssize_t r; (r = read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(r));
  close(fds[0]);
  int st = 0;
  waitpid(pid, &st, 0);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    std::fprintf(stderr, "child %s failed (status %d)\n", args[0].c_str(), st);
    std::exit(1);
  }
  Stages stages;
  std::size_t pos = 0;
  while (pos < out.size()) {
    std::size_t nl = out.find('\n', pos);
    if (nl == std::string::npos) nl = out.size();
    std::string line = out.substr(pos, nl - pos);
    pos = nl + 1;
    char stage[16];
    Rss r;
    if (std::sscanf(line.c_str(), "rss %15s %lf %lf %lf %lf", stage, &r.vm, &r.anon, &r.file,
                    &r.shmem) == 5)
      stages.emplace_back(stage, r);
  }
  return stages;
}

struct Killed {
  Rss start, written;  // the writing process
  Spread open;         // Store::Open of what it left, ms
};

// A process writes `statements` and is killed; then Store::Open of copies of
// what it left (each open rebuilds the index write buffer from the pending
// table; one copy per sample since a clean close merges the buffer).
Killed MeasureKilled(const std::string& dir, int statements, bool phone, int samples) {
  std::vector<std::string> args = {"--kill-child", dir, std::to_string(statements)};
  if (phone) args.push_back("--phone");
  Stages st = RunChild(args);
  Killed k{Stage(st, "start"), Stage(st, "written"), {}};
  std::vector<double> ms;
  for (int i = 0; i < samples; ++i) {
    std::string copy = dir + "-" + std::to_string(i);
    std::filesystem::remove_all(copy);
    std::filesystem::copy(dir, copy, std::filesystem::copy_options::recursive);
    // On disk before timing: Open syncs an existing store, which would
    // otherwise write the whole fresh copy.
    if (int fd = open(copy.c_str(), O_RDONLY | O_DIRECTORY); fd >= 0) {
      syncfs(fd);
      close(fd);
    }
    std::unique_ptr<lrs::Store> store;
    auto t0 = Clock::now();
    if (Status s = lrs::Store::Open(phone ? PhoneOptions() : lrs::Options(), copy, &store); !s.ok())
      Die(s, "open after kill");
    ms.push_back(Ms(t0, Clock::now()));
    store.reset();
    std::filesystem::remove_all(copy);
  }
  k.open = Summarize(ms);
  return k;
}

void Fill(const std::string& dir, const lrs::Options& opt, int statements) {
  std::filesystem::remove_all(dir);
  std::unique_ptr<lrs::Store> store;
  if (Status s = lrs::Store::Open(opt, dir, &store); !s.ok()) Die(s, "open");
  PutBatches<lrs::bench::StatementGen>(store.get(), statements, 21);
}  // closes: the index buffer is merged, as after an app's clean shutdown

const char* Mark(bool pass) { return pass ? "PASS" : "FAIL"; }

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "footprint-data", capi_lib;
  int n = 50, statements = 1000, kill_statements = 20000;
  double stripped_bytes = -1;
  if (argc >= 3 && !std::strcmp(argv[1], "--rss-child"))
    return RssChild(argv[2], argc > 3 && !std::strcmp(argv[3], "--phone"));
  if (argc >= 4 && !std::strcmp(argv[1], "--kill-child"))
    return KillChild(argv[2], std::atoi(argv[3]), argc > 4 && !std::strcmp(argv[4], "--phone"));
  for (int i = 1; i + 1 < argc; ++i) {
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--n")) n = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--statements")) statements = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--kill-statements")) kill_statements = std::max(1, std::atoi(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--stripped-bytes")) stripped_bytes = std::strtod(argv[i + 1], nullptr);
    else if (!std::strcmp(argv[i], "--capi-lib")) capi_lib = argv[i + 1];
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);

  // One unmeasured round first: page cache, allocator, lazy binding.
  (void)MeasureOpenWrite(dir + "/warm", lrs::Options(), 3);
  OpenWrite ow = MeasureOpenWrite(dir + "/open", lrs::Options(), n);
  OpenWrite owp = MeasureOpenWrite(dir + "/open-phone", PhoneOptions(), n);
  lrs::Options nosync;
  nosync.sync = false;
  OpenWrite own = MeasureOpenWrite(dir + "/open-nosync", nosync, n);
  const double fsync_ms = FsyncMs(dir);
  Spread capi;
  bool have_capi = !capi_lib.empty() && MeasureOpenWriteCapi(capi_lib, dir + "/open-capi", n, &capi);

  Fill(dir + "/rss", lrs::Options(), statements);
  Stages rss = RunChild({"--rss-child", dir + "/rss"});
  OpenWrite reopen = MeasureOpenWrite(dir + "/rss", lrs::Options(), n, false);
  Fill(dir + "/rss-phone", PhoneOptions(), statements);
  Stages rssp = RunChild({"--rss-child", dir + "/rss-phone", "--phone"});
  const Rss idle = Stage(rss, "idle");

  Killed killed = MeasureKilled(dir + "/killed", kill_statements, false, 5);
  Killed killedp = MeasureKilled(dir + "/killed-phone", kill_statements, true, 5);

  std::printf("open + first durable write, %d fresh directories (ms):\n", n);
  std::printf("  %-34s %8s %8s %8s %8s\n", "", "min", "median", "p90", "max");
  auto row = [](const char* name, const Spread& s) {
    std::printf("  %-34s %8.2f %8.2f %8.2f %8.2f\n", name, s.min, s.p50, s.p90, s.max);
  };
  row("Open + PutStatements (default)", ow.total);
  row("  of which Store::Open", ow.open);
  row("  of which first PutStatements", ow.write);
  row("  close (not counted)", ow.close);
  row("Open + PutStatements (phone opts)", owp.total);
  row("Open + PutStatements (sync=false)", own.total);
  row("reopen (1000+ stmts) + PutStatements", reopen.total);
  row("  of which Store::Open", reopen.open);
  if (have_capi) row("lrs_open + lrs_statements_put", capi);
  else std::printf("  %-34s (no C API in %s)\n", "lrs_open + lrs_statements_put",
                   capi_lib.empty() ? "this run: no --capi-lib" : capi_lib.c_str());

  std::printf("  disk: write+fdatasync takes %.2f ms here (median); a new store's open +\n"
              "  first durable write needs three (the creating commit's data; the write's\n"
              "  data and meta page), so ~%.1f ms of it is waiting for the disk\n",
              fsync_ms, 3 * fsync_ms);
  std::printf("\nresident memory of a process with the store open, %d statements (MiB):\n", statements);
  std::printf("  %-34s %8s %8s %8s %8s\n", "", "VmRSS", "RssAnon", "RssFile", "RssShmem");
  auto rrow = [](const char* name, const Rss& r) {
    std::printf("  %-34s %8.2f %8.2f %8.2f %8.2f\n", name, r.vm, r.anon, r.file, r.shmem);
  };
  rrow("before Store::Open", Stage(rss, "start"));
  rrow("after Store::Open", Stage(rss, "open"));
  rrow("after one query", Stage(rss, "query"));
  rrow("idle 1 s later (default)", idle);
  rrow("idle 1 s later (phone opts)", Stage(rssp, "idle"));
  std::printf("  (RssFile: the program's and its libraries' code, LMDB's mapped data pages\n"
              "   and its lock file, lock.mdb)\n");


  std::printf("\nkilled without closing after writing %d statements (index buffer not merged):\n",
              kill_statements);
  std::printf("  %-34s %8s %8s %8s %8s\n", "", "RssAnon", "+written", "open p50", "open max");
  auto krow = [](const char* name, const Killed& k) {
    std::printf("  %-34s %8.2f %8.2f %8.2f %8.2f\n", name, k.written.anon,
                k.written.anon - k.start.anon, k.open.p50, k.open.max);
  };
  std::printf("  (one learner's statements: one actor, a registration per 200)\n");
  krow("default (65536-statement buffer)", killed);
  krow("phone opts (4096-statement buffer)", killedp);
  std::printf("  (MiB of anonymous memory of the writing process, and what writing added;\n"
              "   ms for the next Store::Open, which rebuilds the buffer)\n");

  std::printf("\n  %-40s %10s %10s %6s\n", "target", "measured", "limit", "");
  if (stripped_bytes >= 0) {
    double mb = stripped_bytes / 1048576;
    std::printf("  %-40s %6.2f MiB %6.0f MiB %6s\n", "stripped liblrs.so (no HTTP)", mb,
                kTargetStrippedMb, Mark(mb < kTargetStrippedMb));
  }
  std::printf("  %-40s %6.2f MiB %6.0f MiB %6s\n", "idle RSS (VmRSS, default Options)", idle.vm,
              kTargetRssMb, Mark(idle.vm < kTargetRssMb));
  std::printf("  %-40s %7.2f ms %7.0f ms %6s\n", "open + first durable write (median)", ow.total.p50,
              kTargetOpenWriteMs, Mark(ow.total.p50 < kTargetOpenWriteMs));

  std::printf("footprint {\"n\":%d,\"open_write_ms\":{\"min\":%.3f,\"p50\":%.3f,\"p90\":%.3f,"
              "\"max\":%.3f},\"open_ms_p50\":%.3f,\"first_write_ms_p50\":%.3f,"
              "\"open_write_phone_ms_p50\":%.3f,\"open_write_nosync_ms_p50\":%.3f,"
              "\"reopen_write_ms_p50\":%.3f,\"fsync_ms\":%.3f,\"capi_open_write_ms_p50\":%s,"
              "\"rss_mib\":{\"vm\":%.3f,\"anon\":%.3f,\"file\":%.3f,\"shmem\":%.3f,"
              "\"before_open\":%.3f},\"rss_phone_mib\":%.3f,\"killed\":{\"statements\":%d,"
              "\"anon_added_mib\":%.3f,\"anon_added_phone_mib\":%.3f,\"open_ms_p50\":%.3f,"
              "\"open_phone_ms_p50\":%.3f},\"stripped_bytes\":%.0f}\n",
              n, ow.total.min, ow.total.p50, ow.total.p90, ow.total.max, ow.open.p50,
              ow.write.p50, owp.total.p50, own.total.p50, reopen.total.p50, fsync_ms, have_capi ? std::to_string(capi.p50).c_str() : "null",
              idle.vm, idle.anon, idle.file, idle.shmem, Stage(rss, "start").vm,
              Stage(rssp, "idle").vm, kill_statements, killed.written.anon - killed.start.anon,
              killedp.written.anon - killedp.start.anon, killed.open.p50, killedp.open.p50,
              stripped_bytes);
  std::filesystem::remove_all(dir);
  return 0;
}
