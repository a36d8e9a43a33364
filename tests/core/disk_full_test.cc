// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Disk full: writes past a file-size limit fail cleanly with NoSpace, store
// nothing partial, and the store reopens intact with every acknowledged
// statement. (A small loop-mounted filesystem is tested in tests/ of [7/7].)

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Statement;
using testing::TempDir;

std::string Batch(int n, int salt) {
  std::string b = "[";
  for (int i = 0; i < n; ++i) {
    if (i) b += ",";
    b += Statement("u" + std::to_string(salt) + "-" + std::to_string(i) + "@example.com",
                   "http://adlnet.gov/expapi/verbs/completed",
                   "http://example.com/act/" + std::to_string(salt * 1000 + i));
  }
  return b + "]";
}

TEST_CASE("Disk full: a clean NoSpace error, nothing partial, intact after reopen", "[limits][diskfull]") {
  TempDir dir;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child writes batches of 100 until the disk is "full" (4 MiB
    // file-size limit), then reports how many batches were acknowledged.
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit rl {4u << 20, 4u << 20};
    setrlimit(RLIMIT_FSIZE, &rl);
    Options o;
    o.initial_map_size = 1u << 20;
    o.index_buffer_statements = 500;
    std::unique_ptr<Store> store;
    if (!Store::Open(o, dir.path(), &store).ok()) _exit(2);
    int acked = 0;
    Status s;
    for (int b = 0; b < 1000; ++b) {
      s = store->PutStatements({}, Batch(100, b), nullptr);
      if (!s.ok()) break;
      ++acked;
    }
    int code = s.IsNoSpace() ? 0 : 3;
    // After the failure the store still answers reads and refuses cleanly.
    StoreStats st;
    if (!store->GetStats(&st).ok() || st.statements != static_cast<std::uint64_t>(acked) * 100) code = 4;
    // Another write may fit in pages freed inside the file, or fail cleanly.
    Status again = store->PutStatements({}, Batch(100, 9999), nullptr);
    if (again.ok()) ++acked;
    else if (!again.IsNoSpace()) {
      std::fprintf(stderr, "after disk full: %s (first: %s)\n", again.ToString().c_str(), s.ToString().c_str());
      code = 5;
    }
    ssize_t w = write(fds[1], &acked, sizeof acked);
    (void)w;
    store.release();  // as if the process died here
    _exit(code);
  }
  int acked = -1, status = 0;
  REQUIRE(read(fds[0], &acked, sizeof acked) == sizeof acked);
  REQUIRE(waitpid(pid, &status, 0) == pid);
  close(fds[0]);
  close(fds[1]);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  REQUIRE(acked > 0);

  // With space back, the store opens, holds exactly the acknowledged
  // statements, every index agrees, and writes continue.
  Options o;
  o.index_buffer_statements = 500;
  std::unique_ptr<Store> store;
  REQUIRE(Store::Open(o, dir.path(), &store).ok());
  StoreStats st;
  REQUIRE(store->GetStats(&st).ok());
  CHECK(st.statements == static_cast<std::uint64_t>(acked) * 100);
  StatementQuery q;
  q.verb = "http://adlnet.gov/expapi/verbs/completed";
  q.limit = 1000;
  std::uint64_t found = 0;
  StatementPage page;
  REQUIRE(store->QueryStatements(q, &page).ok());
  for (;;) {
    found += page.statements.size();
    if (page.more.empty()) break;
    std::string t = page.more;
    REQUIRE(store->More(t, &page).ok());
  }
  CHECK(found == st.statements);
  REQUIRE(store->PutStatements({}, Batch(100, 5000), nullptr).ok());
}

}  // namespace
}  // namespace lrs
