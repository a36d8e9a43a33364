// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include <catch2/catch.hpp>

#include "lrs/json/json.h"

namespace lrs::json {
namespace {

TEST_CASE("json::Parse: valid documents, white space around them", "[json]") {
  Document d;
  CHECK(Parse(" {\"a\":[1,2,{\"b\":null}]}\n", &d).ok());
  CHECK(d["a"].Size() == 3);
  CHECK(Parse("[]", &d).ok());
}

TEST_CASE("json::Parse: trailing content, truncation and bad UTF-8 are rejected", "[json]") {
  Document d;
  for (const char* bad : {"{\"a\":1}{", "{\"a\":1} x", "[1] [2]", "{\"a\":", "", "  ", "{\"a\":1,}",
                          "\"\\ud800\"x"}) {
    INFO(bad);
    Status s = Parse(bad, &d);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("invalid JSON at offset") == 0);
  }
  CHECK(Parse("\"\xc3\x28\"", &d).IsInvalidArgument());  // invalid UTF-8
}

TEST_CASE("json::Parse: size and depth limits are checked before parsing", "[json]") {
  Document d;
  Limits l;
  l.max_bytes = 10;
  CHECK(Parse("[1,2,3,4,5,6,7]", &d, l).code() == Status::Code::kTooLarge);
  l = Limits();
  l.max_depth = 3;
  CHECK(Parse("[[[1]]]", &d, l).ok());
  // Too deep is a malformed request (400), not a large one.
  CHECK(Parse("[[[[1]]]]", &d, l).code() == Status::Code::kInvalidArgument);
  // Brackets inside strings do not count.
  CHECK(Parse("[\"[[[[[[\"]", &d, l).ok());
  CHECK(ScanDepth(std::string(100000, '['), 64) == 65);
}

TEST_CASE("json::Equal compares objects as maps and numbers by value", "[json]") {
  Document a, b;
  REQUIRE(Parse("{\"x\":1,\"y\":[1.0,\"s\"]}", &a).ok());
  REQUIRE(Parse("{\"y\":[1,\"s\"],\"x\":1.0}", &b).ok());
  CHECK(Equal(a, b));
  REQUIRE(Parse("{\"y\":[1,\"t\"],\"x\":1}", &b).ok());
  CHECK_FALSE(Equal(a, b));
}

}  // namespace
}  // namespace lrs::json
