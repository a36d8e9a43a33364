// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers for the validator tests: parse a JSON text, patch it with JSON
// pointers, validate it, and read back the error message.

#ifndef LRS_TESTS_VALIDATE_VALIDATE_TEST_UTIL_H_
#define LRS_TESTS_VALIDATE_VALIDATE_TEST_UTIL_H_

#include <rapidjson/pointer.h>

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "lrs/json/json.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::testing {

constexpr XapiVersion k103 = XapiVersion::k1_0_3;
constexpr XapiVersion k200 = XapiVersion::k2_0_0;

// The smallest statement of Data 2.4.s2, with objectType on the actor.
constexpr std::string_view kMinimal = R"({
  "id": "12345678-1234-5678-1234-567812345678",
  "actor": {"objectType": "Agent", "mbox": "mailto:xapi@adlnet.gov"},
  "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
  "object": {"id": "http://example.adlnet.gov/xapi/example/activity"}
})";

inline json::Document ParseOrDie(std::string_view text) {
  json::Document doc;
  Status s = json::Parse(text, &doc);
  if (!s.ok()) FAIL("bad test JSON: " << s.ToString() << "\n" << text);
  return doc;
}

// Validates `text`; returns "" when valid, else the error message. The
// status code of every rejection must be InvalidArgument.
inline std::string ErrorOf(std::string_view text, XapiVersion version = k103) {
  json::Document doc = ParseOrDie(text);
  Status s = ValidateStatement(doc, doc.GetAllocator(), version);
  if (s.ok()) return "";
  if (!s.IsInvalidArgument()) return "wrong status code: " + s.ToString();
  return s.message();
}

// Validates under `version` and returns the normalized statement.
inline std::string Normalized(std::string_view text, XapiVersion version = k103) {
  json::Document doc = ParseOrDie(text);
  Status s = ValidateStatement(doc, doc.GetAllocator(), version);
  if (!s.ok()) return "error: " + s.message();
  return json::Write(doc);
}

// `base` with the value at JSON pointer `pointer` set to the JSON `value`
// (created with its parents when absent).
inline std::string Set(std::string_view base, const char* pointer, std::string_view value) {
  json::Document doc = ParseOrDie(base);
  json::Document v(&doc.GetAllocator());
  if (!json::Parse(value, &v).ok()) FAIL("bad test JSON value: " << value);
  rapidjson::Pointer(pointer).Set(doc, v, doc.GetAllocator());
  return json::Write(doc);
}

// `base` without the value at JSON pointer `pointer`.
inline std::string Remove(std::string_view base, const char* pointer) {
  json::Document doc = ParseOrDie(base);
  rapidjson::Pointer(pointer).Erase(doc);
  return json::Write(doc);
}

// Error message of `base` with one value set, under `version`.
inline std::string ErrorWith(std::string_view base, const char* pointer, std::string_view value,
                             XapiVersion version = k103) {
  return ErrorOf(Set(base, pointer, value), version);
}

// Validates an agent request parameter.
inline std::string AgentParamError(std::string_view text, bool allow_group,
                                   XapiVersion version = k103) {
  json::Document doc = ParseOrDie(text);
  Status s = ValidateAgentParam(doc, version, allow_group, "agent");
  return s.ok() ? "" : s.message();
}

}  // namespace lrs::validate::testing

#endif  // LRS_TESTS_VALIDATE_VALIDATE_TEST_UTIL_H_
