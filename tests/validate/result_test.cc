// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Result (Data 2.4.5), Score (2.4.5.1), durations (4.6) and result
// extensions (4.1).

#include <catch2/catch.hpp>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

std::string ResultError(std::string_view result, XapiVersion v = k103) {
  return ErrorWith(kMinimal, "/result", result, v);
}

TEST_CASE("Data 2.4.5: a full result is accepted", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ResultError(R"({"score":{"scaled":0.95,"raw":95,"min":0,"max":100},"success":true,
        "completion":false,"response":"We agreed on some example actions.","duration":"PT1H0M0S",
        "extensions":{"http://e.com/x":"y"}})",
                      v) == "");
    CHECK(ResultError("{}", v) == "");
  }
}

TEST_CASE("Data 2.4.5.s2: result property types", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ResultError(R"({"success":"true"})", v) == "result.success: must be a boolean");
    CHECK(ResultError(R"({"success":1})", v) == "result.success: must be a boolean");
    CHECK(ResultError(R"({"completion":"false"})", v) == "result.completion: must be a boolean");
    CHECK(ResultError(R"({"response":12345})", v) == "result.response: must be a string");
    CHECK(ResultError(R"({"response":true})", v) == "result.response: must be a string");
    CHECK(ResultError(R"({"score":"95"})", v) == "result.score: must be a JSON object");
    CHECK(ResultError(R"({"extensions":{"foo":1}})", v) ==
          "result.extensions: key \"foo\" must be an absolute IRI");
    CHECK(ResultError(
              R"({"extensions":{"http://e.com/x":null,"http://e.com/y":"","http://e.com/z":{}}})",
              v) == "");
    CHECK(ResultError(R"({"grade":"A"})", v) == "result: unknown property \"grade\"");
    CHECK(ResultError("[]", v) == "result: must be a JSON object");
  }
}

TEST_CASE("Data 4.6: result duration is an ISO 8601 duration", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    for (const char* ok : {"PT1H0M0.1S", "PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S",
                           "P3Y", "P4W", "P1DT12H36M0.12567S"}) {
      INFO(ok);
      CHECK(ResultError(std::string(R"({"duration":")") + ok + "\"}", v) == "");
    }
    for (const char* bad : {"PA1H0M0S", "P4W1D", "should fail", "P0003-02-01T04:35:59", ""}) {
      INFO(bad);
      CHECK(ResultError(std::string(R"({"duration":")") + bad + "\"}", v) ==
            "result.duration: must be an ISO 8601 duration");
    }
    CHECK(ResultError(R"({"duration":12345})", v) == "result.duration: must be a string");
    CHECK(ResultError(R"({"duration":{"key":"invalid"}})", v) ==
          "result.duration: must be a string");
  }
}

TEST_CASE("Data 2.4.5.1: score members are numbers", "[validate][1.0.3]") {
  for (const char* k : {"scaled", "raw", "min", "max"}) {
    INFO(k);
    CHECK(ResultError(std::string(R"({"score":{")") + k + R"(":"1"}})") ==
          std::string("result.score.") + k + ": must be a number");
    CHECK(ResultError(std::string(R"({"score":{")") + k + R"(":true}})") ==
          std::string("result.score.") + k + ": must be a number");
  }
  CHECK(ResultError(R"({"score":{"percent":1}})") == "result.score: unknown property \"percent\"");
  CHECK(ResultError(R"({"score":{"raw":0.6767676,"max":100.6767676}})") == "");
}

TEST_CASE("Data 2.4.5.1.s2: scaled is between -1 and 1 inclusive", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ResultError(R"({"score":{"scaled":-1}})", v) == "");
    CHECK(ResultError(R"({"score":{"scaled":1}})", v) == "");
    CHECK(ResultError(R"({"score":{"scaled":1.0001}})", v) ==
          "result.score.scaled: must be between -1 and 1");
    CHECK(ResultError(R"({"score":{"scaled":-5}})", v) ==
          "result.score.scaled: must be between -1 and 1");
  }
}

TEST_CASE("Data 2.4.5.1.s2: min is less than max, raw is between them",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ResultError(R"({"score":{"min":1,"max":1}})", v) ==
          "result.score.min: must be less than max");
    CHECK(ResultError(R"({"score":{"min":10,"max":5}})", v) ==
          "result.score.min: must be less than max");
    CHECK(ResultError(R"({"score":{"raw":0,"min":0,"max":10}})", v) == "");
    CHECK(ResultError(R"({"score":{"raw":10,"min":0,"max":10}})", v) == "");
    CHECK(ResultError(R"({"score":{"raw":-1,"min":0,"max":10}})", v) ==
          "result.score.raw: must not be less than min");
    CHECK(ResultError(R"({"score":{"raw":11,"min":0,"max":10}})", v) ==
          "result.score.raw: must not be greater than max");
    // Only the bounds present restrict raw.
    CHECK(ResultError(R"({"score":{"raw":-1e9,"max":10}})", v) == "");
    CHECK(ResultError(R"({"score":{"raw":1e9,"min":0}})", v) == "");
    CHECK(ResultError(R"({"score":{"raw":-1,"min":0}})", v) ==
          "result.score.raw: must not be less than min");
  }
}

}  // namespace
}  // namespace lrs::validate::testing
