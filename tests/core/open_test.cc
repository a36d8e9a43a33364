// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A store directory has one user at a time (lrs/storage/env.h): a second
// opener, in another process or this one, gets Busy rather than a second
// in-memory view (indexes, sequence) diverging from the first.

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/test_util.h"

namespace lrs {
namespace {

TEST_CASE("a store directory is opened by one user at a time") {
  testing::TestStore t;

  std::unique_ptr<Store> second;
  Status s = Store::Open(Options(), t.dir.path(), &second);
  CHECK(s.code() == Status::Code::kBusy);
  CHECK(s.message().find("in use") != std::string::npos);
  CHECK(second == nullptr);

  // Another process is refused too (exit code 3 = Busy).
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::unique_ptr<Store> other;
    Status o = Store::Open(Options(), t.dir.path(), &other);
    _exit(o.code() == Status::Code::kBusy ? 3 : o.ok() ? 0 : 4);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 3);

  // Closing releases it; the data is intact.
  std::vector<std::string> ids;
  Status put = t->PutStatements({}, testing::Statement("a@example.com",
                                                      "http://adlnet.gov/expapi/verbs/completed",
                                                      "http://example.com/a"),
                                &ids);
  INFO(put.ToString());
  REQUIRE(put.ok());
  t.store.reset();
  REQUIRE(Store::Open(Options(), t.dir.path(), &second).ok());
  StoreStats st;
  REQUIRE(second->GetStats(&st).ok());
  CHECK(st.statements == 1);
}

}  // namespace
}  // namespace lrs

namespace lrs {
namespace {

TEST_CASE("create_if_missing=false finds no store in a missing or empty directory") {
  testing::TempDir dir;
  Options o;
  o.create_if_missing = false;
  std::unique_ptr<Store> store;
  CHECK(Store::Open(o, dir.path(), &store).IsNotFound());
  std::filesystem::create_directories(dir.path());
  CHECK(Store::Open(o, dir.path(), &store).IsNotFound());
  CHECK(!std::filesystem::exists(dir.path() + "/data.mdb"));
  // Once created, it opens.
  REQUIRE(Store::Open(Options(), dir.path(), &store).ok());
  store.reset();
  CHECK(Store::Open(o, dir.path(), &store).ok());
}

}  // namespace
}  // namespace lrs
