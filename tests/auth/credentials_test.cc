// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/auth/credentials.h"

#include <catch2/catch.hpp>

#include "lrs/auth/secret.h"

namespace lrs::auth {
namespace {

TEST_CASE("ParseScopes accepts comma and space separated lists", "[auth]") {
  std::uint32_t s = 0;
  std::string why;
  REQUIRE(ParseScopes("statements/write,state", &s, &why));
  CHECK(s == (kStatementsWrite | kState));
  REQUIRE(ParseScopes(" all/read  profile ,define", &s, &why));
  CHECK(s == (kAllRead | kProfile | kDefine));
  CHECK(ScopesToString(s) == "profile,define,all/read");
  REQUIRE(ParseScopes(ScopesToString(0xff), &s, &why));
  CHECK(s == 0xffu);
}

TEST_CASE("ParseScopes rejects unknown and empty lists", "[auth]") {
  std::uint32_t s = 0;
  std::string why;
  CHECK_FALSE(ParseScopes("statements/write,bogus", &s, &why));
  CHECK(why.find("bogus") != std::string::npos);
  CHECK_FALSE(ParseScopes(" , ", &s, &why));
  CHECK_FALSE(ParseScopes("Statements/Write", &s, &why));
}

TEST_CASE("Allows follows the xAPI scope implications", "[auth]") {
  CHECK(Allows(kAll, kStatementsWrite));
  CHECK(Allows(kAll, kDefine));
  CHECK(Allows(kStatementsWrite, kStatementsWrite));
  CHECK_FALSE(Allows(kStatementsWrite, kStatementsRead));
  CHECK(Allows(kStatementsRead, kStatementsReadMine));
  CHECK_FALSE(Allows(kStatementsReadMine, kStatementsRead));
  CHECK(Allows(kAllRead, kStatementsRead));
  CHECK(Allows(kAllRead, kStatementsReadMine));
  CHECK_FALSE(Allows(kAllRead, kStatementsWrite));
  CHECK_FALSE(Allows(kAllRead, kState));  // writing documents
  CHECK(AllowsRead(kAllRead, kState));    // reading them
  CHECK(AllowsRead(kState, kState));
  CHECK_FALSE(AllowsRead(kProfile, kState));
}

TEST_CASE("admin is a scope of its own: all does not imply it, it implies no xAPI scope",
          "[auth]") {
  std::uint32_t s = 0;
  std::string why;
  REQUIRE(ParseScopes("all,admin", &s, &why));
  CHECK(s == (kAll | kAdmin));
  CHECK(ScopesToString(s) == "all,admin");
  CHECK_FALSE(Allows(kAll, kAdmin));
  CHECK_FALSE(AllowsRead(kAll | kAllRead, kAdmin));
  CHECK(Allows(kAdmin, kAdmin));
  CHECK(AllowsRead(kAdmin, kAdmin));
  for (std::uint32_t xapi : {kStatementsWrite, kStatementsRead, kStatementsReadMine, kState,
                             kProfile, kDefine}) {
    CHECK_FALSE(Allows(kAdmin, xapi));
    CHECK_FALSE(AllowsRead(kAdmin, xapi));
  }
}

TEST_CASE("Encodings round-trip", "[auth]") {
  using namespace internal;
  std::string out;
  REQUIRE(Base64Decode("a2V5OnNlY3JldA==", &out));
  CHECK(out == "key:secret");
  REQUIRE(Base64Decode("YQ==", &out));
  CHECK(out == "a");
  REQUIRE(Base64Decode("YWI=", &out));
  CHECK(out == "ab");
  REQUIRE(Base64Decode("", &out));
  CHECK(out.empty());
  CHECK_FALSE(Base64Decode("YQ=", &out));
  CHECK_FALSE(Base64Decode("Y===", &out));
  CHECK_FALSE(Base64Decode("YQ==YQ==", &out));
  CHECK_FALSE(Base64Decode("a2V5 OnNl", &out));
  CHECK(Base64UrlEncode(std::string("\xfb\xff", 2)) == "-_8");
  REQUIRE(HexDecode(HexEncode("\x01\xab"), &out));
  CHECK(out == "\x01\xab");
  CHECK_FALSE(HexDecode("0g", &out));
}

TEST_CASE("Generated keys and secrets are URL-safe and distinct", "[auth]") {
  using namespace internal;
  std::string k1, k2, s1, s2;
  REQUIRE(GenerateKey(&k1).ok());
  REQUIRE(GenerateKey(&k2).ok());
  REQUIRE(GenerateSecret(&s1).ok());
  REQUIRE(GenerateSecret(&s2).ok());
  CHECK(k1.size() == 20);
  CHECK(s1.size() == 43);
  CHECK(k1 != k2);
  CHECK(s1 != s2);
  CHECK(ValidKey(k1));
  CHECK(ValidSecret(s1));
  CHECK(s1.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
}

TEST_CASE("ParseBasic splits key and secret and hides the input", "[auth]") {
  using namespace internal;
  std::string key, secret;
  REQUIRE(ParseBasic("Basic a2V5OnNlY3JldA==", &key, &secret).ok());
  CHECK(key == "key");
  CHECK(secret == "secret");
  REQUIRE(ParseBasic("basic  a2V5OnNlOmNyZXQ=", &key, &secret).ok());  // "key:se:cret"
  CHECK(secret == "se:cret");
  for (const char* bad : {"", "Bearer abc", "Basic", "Basic !!!!", "Basic a2V5",
                          "Basic OnNlY3JldA==", "Basic a2V5Og=="}) {
    Status s = ParseBasic(bad, &key, &secret);
    CHECK(s.code() == Status::Code::kUnauthorized);
    CHECK(s.message().find("a2V5") == std::string::npos);
  }
}

}  // namespace
}  // namespace lrs::auth
