// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/cli.h"

#include <catch2/catch.hpp>
#include <sstream>

#include "lrs/auth/registry.h"
#include "lrs/json/json.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

struct CliResult {
  int rc;
  std::string out;
  std::string err;
};

CliResult Run(std::vector<std::string> args) {
  std::ostringstream out, err;
  EnvLookup no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  int rc = RunCli(args, out, err, no_env);
  return {rc, out.str(), err.str()};
}

TEST_CASE("CLI: stores add and list", "[daemon][cli]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  CliResult r = Run({"stores", "add", "acme", "--data", data});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  r = Run({"--data", data, "stores", "list"});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("acme\t") != std::string::npos);
  CHECK(r.out.find("default\t") != std::string::npos);
  r = Run({"stores", "add", "acme", "--data", data});
  CHECK(r.rc == 1);
  CHECK(r.err.find("exists") != std::string::npos);
  r = Run({"stores", "add", "Bad Name", "--data", data});
  CHECK(r.rc == 1);
  r = Run({"stores", "list", "--json", "--data", data});
  json::Document d;
  REQUIRE(json::Parse(r.out, &d).ok());
  CHECK(d.IsArray());
  CHECK(d.Size() == 2);
}

TEST_CASE("CLI: credentials add, list, revoke", "[daemon][cli]") {
  lrs::testing::TempDir dir;
  const std::string data = dir.path() + "/data";
  CliResult r = Run({"credentials", "add", "--data", data, "--label", "Quiz app", "--scopes",
                     "statements/write,statements/read/mine", "--json"});
  INFO(r.err);
  REQUIRE(r.rc == 0);
  json::Document d;
  REQUIRE(json::Parse(r.out, &d).ok());
  const std::string key(json::StringOr(d, "key"));
  const std::string secret(json::StringOr(d, "secret"));
  CHECK(key.size() == 20);
  CHECK(secret.size() == 43);
  CHECK(json::StringOr(d, "scopes") == "statements/write,statements/read/mine");

  r = Run({"credentials", "add", "--data", data});  // text output
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("secret: ") != std::string::npos);

  r = Run({"credentials", "list", "--data", data});
  REQUIRE(r.rc == 0);
  CHECK(r.out.find(key) != std::string::npos);
  CHECK(r.out.find("Quiz app") != std::string::npos);
  CHECK(r.out.find(secret) == std::string::npos);

  r = Run({"credentials", "revoke", key, "--data", data});
  REQUIRE(r.rc == 0);
  std::unique_ptr<auth::Registry> reg;
  REQUIRE(auth::Registry::Open(data, &reg).ok());
  auth::Principal who;
  CHECK(reg->Authenticate(testing::BasicAuth(key, secret), &who).code() ==
        Status::Code::kUnauthorized);
  r = Run({"credentials", "list", "--json", "--data", data});
  REQUIRE(json::Parse(r.out, &d).ok());
  REQUIRE(d.Size() == 2);
  CHECK_FALSE(d[0]["revoked"].IsNull());
  CHECK(d[1]["revoked"].IsNull());

  r = Run({"credentials", "revoke", "nosuchkey", "--data", data});
  CHECK(r.rc == 1);
  r = Run({"credentials", "add", "--store", "nosuch", "--data", data});
  CHECK(r.rc == 1);
  CHECK(r.err.find("lrs stores add nosuch") != std::string::npos);
  r = Run({"credentials", "add", "--scopes", "everything", "--data", data});
  CHECK(r.rc == 1);
  r = Run({"stores", "add", "acme", "--data", data});
  REQUIRE(r.rc == 0);
  r = Run({"credentials", "add", "--store", "acme", "--data", data});
  REQUIRE(r.rc == 0);
  r = Run({"credentials", "list", "--store", "acme", "--json", "--data", data});
  REQUIRE(json::Parse(r.out, &d).ok());
  CHECK(d.Size() == 1);
}

TEST_CASE("CLI: usage and configuration errors", "[daemon][cli]") {
  CHECK(Run({}).rc == 2);
  CHECK(Run({"frobnicate"}).rc == 2);
  CHECK(Run({"credentials"}).rc == 2);
  CHECK(Run({"credentials", "revoke"}).rc == 2);
  CliResult r = Run({"--help"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("serve") != std::string::npos);
  r = Run({"stores", "list", "--config", "/nonexistent/lrs.toml"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("/nonexistent/lrs.toml") != std::string::npos);
}

}  // namespace
}  // namespace lrs::daemon
