// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "lrs/common/uuid.h"

namespace lrs {
namespace {

TEST_CASE("Uuid: parse, format, version 4 and variant", "[uuid]") {
  Uuid u;
  REQUIRE(Uuid::Parse("6B2A4B9E-1C1E-4F6A-9A3E-2D2B1A0C9F10", &u));
  CHECK(u.ToString() == "6b2a4b9e-1c1e-4f6a-9a3e-2d2b1a0c9f10");
  CHECK_FALSE(Uuid::Parse("6b2a4b9e1c1e-4f6a-9a3e-2d2b1a0c9f10", &u));
  CHECK_FALSE(Uuid::Parse("6b2a4b9e-1c1e-4f6a-9a3e-2d2b1a0c9f1g", &u));
  CHECK_FALSE(Uuid::Parse("", &u));
  Uuid r = Uuid::Random();
  CHECK(r.version() == 4);
  CHECK(r.IsRfc4122Variant());
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) seen.insert(Uuid::Random().ToString());
  CHECK(seen.size() == 10000);
}

TEST_CASE("Uuid: a forked child does not repeat its parent's random ids", "[uuid]") {
  (void)Uuid::Random();  // fill this thread's pool
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string s = Uuid::Random().ToString();
    ssize_t w = write(fds[1], s.data(), s.size());
    _exit(w == 36 ? 0 : 1);
  }
  std::string parent = Uuid::Random().ToString();
  char buf[36];
  REQUIRE(read(fds[0], buf, 36) == 36);
  int status;
  waitpid(pid, &status, 0);
  close(fds[0]);
  close(fds[1]);
  CHECK(std::string(buf, 36) != parent);
}

}  // namespace
}  // namespace lrs
