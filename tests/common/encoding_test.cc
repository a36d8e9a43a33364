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

TEST_CASE("ValidUtf8 keeps well-formed UTF-8 and replaces every other byte by U+FFFD") {
  const std::string r = "\xEF\xBF\xBD";
  CHECK(ValidUtf8("") == "");
  CHECK(ValidUtf8("plain, é, 日本, \xF0\x9F\x98\x80") == "plain, é, 日本, \xF0\x9F\x98\x80");
  CHECK(ValidUtf8(std::string("a\0b", 3)) == std::string("a\0b", 3));
  CHECK(ValidUtf8("mor\xC9") == "mor" + r);             // truncated sequence
  CHECK(ValidUtf8("\xC9x") == r + "x");                 // continuation missing
  CHECK(ValidUtf8("\x80\xBF") == r + r);               // lone continuation bytes
  CHECK(ValidUtf8("\xC0\xAF") == r + r);               // overlong '/'
  CHECK(ValidUtf8("\xE0\x80\xAF") == r + r + r);      // overlong, 3 bytes
  CHECK(ValidUtf8("\xED\xA0\x80") == r + r + r);      // surrogate U+D800
  CHECK(ValidUtf8("\xED\x9F\xBF") == "\xED\x9F\xBF");  // U+D7FF
  CHECK(ValidUtf8("\xF4\x90\x80\x80") == r + r + r + r);  // U+110000
  CHECK(ValidUtf8("\xF4\x8F\xBF\xBF") == "\xF4\x8F\xBF\xBF");  // U+10FFFF
  CHECK(ValidUtf8("\xFF\xFEok") == r + r + "ok");
}

}  // namespace
}  // namespace lrs
