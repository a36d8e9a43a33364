// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/common/encoding.h"

#include <catch2/catch.hpp>

namespace lrs {
namespace {

TEST_CASE("base64 with padding (RFC 4648 section 4)") {
  CHECK(Base64Encode("") == "");
  CHECK(Base64Encode("f") == "Zg==");
  CHECK(Base64Encode("fo") == "Zm8=");
  CHECK(Base64Encode("foo") == "Zm9v");
  CHECK(Base64Encode("key:secret") == "a2V5OnNlY3JldA==");
}

TEST_CASE("base64url without padding (RFC 4648 section 5)") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("fo") == "Zm8");
  CHECK(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)) == "-_-_");
  CHECK(Base64UrlEncode(R"({"alg":"RS256"})") == "eyJhbGciOiJSUzI1NiJ9");
}

TEST_CASE("base64 decoding: either alphabet, padding optional or strict") {
  std::string out;
  REQUIRE(Base64Decode("Zm8", false, &out));
  CHECK(out == "fo");
  REQUIRE(Base64Decode("Zm8=", false, &out));
  CHECK(out == "fo");
  REQUIRE(Base64Decode("-_-_", true, &out));
  CHECK(out == std::string("\xfb\xff\xbf", 3));
  CHECK_FALSE(Base64Decode("-_-_", false, &out));
  CHECK_FALSE(Base64Decode("Zm8=", true, &out));
  CHECK_FALSE(Base64Decode("Z", false, &out));
  REQUIRE(Base64DecodePadded("Zm8=", &out));
  CHECK(out == "fo");
  CHECK_FALSE(Base64DecodePadded("Zm8", &out));
  CHECK_FALSE(Base64DecodePadded("Zm=8", &out));
}

TEST_CASE("percent-encoding keeps RFC 3986 unreserved characters only") {
  CHECK(PercentEncode("a b&c=d/é~") == "a%20b%26c%3Dd%2F%C3%A9~");
  CHECK(PercentEncode("AZaz09-._~") == "AZaz09-._~");
  CHECK(PercentEncode("") == "");
}

}  // namespace
}  // namespace lrs
