// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/auth/registry.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <thread>

#include "lrs/auth/secret.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs::auth {
namespace {

using lrs::testing::TempDir;

std::string BasicHeader(const std::string& key, const std::string& secret) {
  std::string raw = key + ":" + secret;
  // Standard base64 with padding, from the base64url encoder.
  std::string b = internal::Base64UrlEncode(raw);
  for (char& c : b) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (b.size() % 4) b.push_back('=');
  return "Basic " + b;
}

std::unique_ptr<Registry> OpenRegistry(const TempDir& dir, RegistryOptions options = {}) {
  std::unique_ptr<Registry> reg;
  Status s = Registry::Open(dir.path(), options, &reg);
  REQUIRE(s.ok());
  return reg;
}

TEST_CASE("Registry: the default store always exists; stores can be added", "[auth]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  CHECK(reg->HasStore("default"));
  CHECK_FALSE(reg->HasStore("acme"));
  REQUIRE(reg->AddStore("acme").ok());
  CHECK(reg->AddStore("acme").IsConflict());
  CHECK(reg->AddStore("Acme").IsInvalidArgument());
  CHECK(reg->AddStore("-x").IsInvalidArgument());
  CHECK(reg->AddStore("").IsInvalidArgument());
  CHECK(reg->AddStore("../etc").IsInvalidArgument());
  CHECK(reg->AddStore(std::string(64, 'a')).IsInvalidArgument());
  REQUIRE(reg->AddStore(std::string(63, 'a')).ok());
  std::vector<StoreInfo> stores;
  REQUIRE(reg->ListStores(&stores).ok());
  REQUIRE(stores.size() == 3);
  CHECK(stores[1].name == "acme");
  CHECK(stores[2].name == "default");
  CHECK(stores[2].created_ms > 0);
  CHECK(reg->StoreDir("acme").find("stores/acme") != std::string::npos);
}

TEST_CASE("Registry: add, authenticate, list, revoke", "[auth]") {
  TempDir dir;
  RegistryOptions options;
  options.authority_home_page = "https://lrs.example.com/credentials";
  auto reg = OpenRegistry(dir, options);
  NewCredential nc;
  nc.label = "Quiz app";
  nc.scopes = kStatementsWrite | kStatementsReadMine;
  CredentialInfo c;
  REQUIRE(reg->AddCredential(nc, &c).ok());
  CHECK(c.key.size() == 20);
  CHECK(c.secret.size() == 43);
  CHECK(c.store == "default");

  Principal who;
  REQUIRE(reg->Authenticate(BasicHeader(c.key, c.secret), &who).ok());
  CHECK(who.store == "default");
  CHECK(who.key == c.key);
  CHECK(who.label == "Quiz app");
  CHECK(who.scopes == (kStatementsWrite | kStatementsReadMine));
  json::Document d;
  REQUIRE(json::Parse(who.authority_json, &d).ok());
  CHECK(json::StringOr(d, "objectType") == "Agent");
  CHECK(json::StringOr(d, "name") == "Quiz app");
  const json::Value* account = json::Member(d, "account");
  REQUIRE(account);
  CHECK(json::StringOr(*account, "homePage") == "https://lrs.example.com/credentials");
  CHECK(json::StringOr(*account, "name") == c.key);

  std::vector<CredentialInfo> list;
  REQUIRE(reg->ListCredentials("", &list).ok());
  REQUIRE(list.size() == 1);
  CHECK(list[0].key == c.key);
  CHECK(list[0].secret.empty());
  CHECK(list[0].revoked_ms == 0);
  CHECK(list[0].scopes == nc.scopes);

  REQUIRE(reg->RevokeCredential(c.key).ok());
  REQUIRE(reg->RevokeCredential(c.key).ok());  // idempotent
  CHECK(reg->RevokeCredential("nosuchkey").IsNotFound());
  Status s = reg->Authenticate(BasicHeader(c.key, c.secret), &who);
  CHECK(s.code() == Status::Code::kUnauthorized);
  REQUIRE(reg->ListCredentials("default", &list).ok());
  REQUIRE(list.size() == 1);
  CHECK(list[0].revoked_ms > 0);
}

TEST_CASE("Registry: every bad credential is Unauthorized and never echoed", "[auth]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  CredentialInfo c;
  REQUIRE(reg->AddCredential(NewCredential(), &c).ok());
  Principal who;
  const std::string wrong = "not-the-secret-but-a-guess";
  for (const std::string& header :
       {BasicHeader(c.key, wrong), BasicHeader("unknownkey", c.secret), BasicHeader(c.key, ""),
        BasicHeader("bad key!", c.secret), std::string(""), std::string("Basic"),
        std::string("Basic @@@@"), std::string("Bearer ") + c.secret,
        BasicHeader(c.key, c.secret).substr(0, 20)}) {
    Status s = reg->Authenticate(header, &who);
    CHECK(s.code() == Status::Code::kUnauthorized);
    CHECK(s.message().find(c.secret) == std::string::npos);
    CHECK(s.message().find(wrong) == std::string::npos);
  }
}

TEST_CASE("Registry: a credential belongs to one store", "[auth]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  REQUIRE(reg->AddStore("acme").ok());
  NewCredential nc;
  nc.store = "acme";
  CredentialInfo a, b;
  REQUIRE(reg->AddCredential(nc, &a).ok());
  REQUIRE(reg->AddCredential(NewCredential(), &b).ok());
  Principal who;
  REQUIRE(reg->Authenticate(BasicHeader(a.key, a.secret), &who).ok());
  CHECK(who.store == "acme");
  REQUIRE(reg->Authenticate(BasicHeader(b.key, b.secret), &who).ok());
  CHECK(who.store == "default");
  CHECK(reg->Authenticate(BasicHeader(a.key, b.secret), &who).code() ==
        Status::Code::kUnauthorized);
  std::vector<CredentialInfo> list;
  REQUIRE(reg->ListCredentials("acme", &list).ok());
  REQUIRE(list.size() == 1);
  CHECK(list[0].key == a.key);
  nc.store = "nosuch";
  CHECK(reg->AddCredential(nc, &a).IsNotFound());
}

TEST_CASE("Registry: bootstrap credentials are idempotent", "[auth]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  NewCredential nc;
  nc.key = "boot";
  nc.secret = "s3cret-value";
  nc.label = "bootstrap";
  bool created = false;
  REQUIRE(reg->EnsureCredential(nc, &created).ok());
  CHECK(created);
  REQUIRE(reg->EnsureCredential(nc, &created).ok());
  CHECK_FALSE(created);
  std::vector<CredentialInfo> list;
  REQUIRE(reg->ListCredentials("", &list).ok());
  CHECK(list.size() == 1);
  Principal who;
  REQUIRE(reg->Authenticate(BasicHeader("boot", "s3cret-value"), &who).ok());
  CHECK(who.scopes == kAll);

  NewCredential other = nc;
  other.secret = "another";
  CHECK(reg->EnsureCredential(other, &created).IsConflict());
  CHECK(reg->AddCredential(nc, nullptr).IsConflict());
  NewCredential no_secret;
  no_secret.key = "x";
  CHECK(reg->AddCredential(no_secret, nullptr).IsInvalidArgument());
  NewCredential bad_key = nc;
  bad_key.key = "a:b";
  CHECK(reg->EnsureCredential(bad_key, &created).IsInvalidArgument());
  REQUIRE(reg->RevokeCredential("boot").ok());
  CHECK(reg->EnsureCredential(nc, &created).IsConflict());
}

TEST_CASE("Registry: two instances on one directory see each other's changes", "[auth]") {
  TempDir dir;
  auto r1 = OpenRegistry(dir);
  auto r2 = OpenRegistry(dir);
  CredentialInfo c;
  REQUIRE(r1->AddCredential(NewCredential(), &c).ok());
  Principal who;
  REQUIRE(r2->Authenticate(BasicHeader(c.key, c.secret), &who).ok());
  REQUIRE(r2->AddStore("second").ok());
  CHECK(r1->HasStore("second"));
  REQUIRE(r2->RevokeCredential(c.key).ok());
  CHECK(r1->Authenticate(BasicHeader(c.key, c.secret), &who).code() == Status::Code::kUnauthorized);
  r1.reset();  // closing one instance leaves the other working
  CHECK(r2->HasStore("second"));
  auto r3 = OpenRegistry(dir);  // and reopening works after all are closed
  r2.reset();
  CHECK(r3->HasStore("second"));
}

TEST_CASE("Registry: labels and scopes are checked", "[auth]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  NewCredential nc;
  nc.label = "line\nbreak";
  CHECK(reg->AddCredential(nc, nullptr).IsInvalidArgument());
  nc.label = "\xc3\x28";
  CHECK(reg->AddCredential(nc, nullptr).IsInvalidArgument());
  nc.label = "Caf\xc3\xa9";
  CHECK(reg->AddCredential(nc, nullptr).ok());
  nc.scopes = 0;
  CHECK(reg->AddCredential(nc, nullptr).IsInvalidArgument());
}

TEST_CASE("Registry: concurrent authentication", "[auth]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  CredentialInfo c;
  REQUIRE(reg->AddCredential(NewCredential(), &c).ok());
  const std::string header = BasicHeader(c.key, c.secret);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      Principal who;
      for (int i = 0; i < 500; ++i) {
        if (!reg->Authenticate(header, &who).ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
}

// Measures a check (printed, not asserted: the budget is < 20 us).
TEST_CASE("Registry: cost of Authenticate", "[auth][timing]") {
  TempDir dir;
  auto reg = OpenRegistry(dir);
  CredentialInfo c;
  REQUIRE(reg->AddCredential(NewCredential(), &c).ok());
  const std::string header = BasicHeader(c.key, c.secret);
  Principal who;
  constexpr int kIterations = 20000;
  auto start = std::chrono::steady_clock::now();
  int ok = 0;
  for (int i = 0; i < kIterations; ++i) ok += reg->Authenticate(header, &who).ok();
  auto us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start);
  CHECK(ok == kIterations);
  std::printf("Authenticate: %.2f us per check (%d checks)\n", us.count() / kIterations,
              kIterations);
}

}  // namespace
}  // namespace lrs::auth
