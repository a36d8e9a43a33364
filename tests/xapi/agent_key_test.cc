// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// AgentIdentityKey: Agents and identified Groups by their inverse functional
// identifier (Data 2.4.2.3), case-insensitive parts normalized (2.3.1.b7).

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "lrs/xapi/statement_ops.h"
#include "tests/xapi/xapi_test_util.h"

namespace lrs::xapi {
namespace {

using testing::Doc;

std::string Key(std::string_view agent_json) {
  json::Document d = Doc(agent_json);
  std::string key = "stale";
  if (!AgentIdentityKey(d, &key)) return "<none>";
  return key;
}

TEST_CASE("Data 2.4.2.3: mbox key lowercases only the domain (2.3.1.b7)") {
  CHECK(Key(R"({"mbox": "mailto:Ana@Example.COM"})") == "mbox:mailto:Ana@example.com");
  CHECK(Key(R"({"objectType": "Agent", "name": "Ana", "mbox": "mailto:ana@example.com"})") ==
        "mbox:mailto:ana@example.com");
  CHECK(Key(R"({"mbox": "mailto:Ana@Example.COM"})") !=
        Key(R"({"mbox": "mailto:ana@example.com"})"));
}

TEST_CASE("Data 2.4.2.3: mbox_sha1sum key is lowercase hex") {
  CHECK(Key(R"({"mbox_sha1sum": "EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"})") ==
        "mbox_sha1sum:ebd31e95054c018b10727ccffd2ef2ec3a016ee9");
}

TEST_CASE("Data 2.4.2.3: openid and account keys are taken as they are") {
  CHECK(Key(R"({"openid": "http://Toby.openid.example.org/"})") ==
        "openid:http://Toby.openid.example.org/");
  CHECK(Key(R"({"name": "Andrew Downes",
                "account": {"homePage": "http://www.Example.com", "name": "13936749"}})") ==
        "account:http://www.Example.com|13936749");
  CHECK(Key(R"({"account": {"name": "x"}})") == "<none>");
  CHECK(Key(R"({"account": {"homePage": "http://x.org"}})") == "<none>");
}

TEST_CASE("Data 2.4.2.2: identified Groups have keys, anonymous Groups do not") {
  CHECK(Key(R"({"objectType": "Group", "name": "Team PB", "mbox": "mailto:teampb@example.com",
                "member": [{"mbox": "mailto:a@example.com"}]})") ==
        "mbox:mailto:teampb@example.com");
  CHECK(Key(R"({"objectType": "Group", "account": {"homePage": "http://example.com/homePage",
                                                     "name": "GroupAccount"}})") ==
        "account:http://example.com/homePage|GroupAccount");
  CHECK(Key(R"({"objectType": "Group", "member": [{"mbox": "mailto:a@example.com"}]})") ==
        "<none>");
}

TEST_CASE("Data 2.4.2: the objectType is not part of the key") {
  CHECK(Key(R"({"objectType": "Group", "mbox": "mailto:x@example.com"})") ==
        Key(R"({"objectType": "Agent", "mbox": "mailto:x@example.com"})"));
}

TEST_CASE("Data 2.4.2.3: no IFI, no key") {
  CHECK(Key(R"({"name": "Nobody"})") == "<none>");
  CHECK(Key("[]") == "<none>");
  CHECK(Key(R"({"mbox": 5})") == "<none>");
}

TEST_CASE("Data 2.4.2.3: the key is rewritten, not appended to") {
  json::Document a = Doc(R"({"mbox": "mailto:a@example.com"})");
  json::Document b = Doc(R"({"openid": "http://b.example.org/"})");
  std::string key;
  REQUIRE(AgentIdentityKey(a, &key));
  REQUIRE(AgentIdentityKey(b, &key));
  CHECK(key == "openid:http://b.example.org/");
}

TEST_CASE("Data 2.3.1.b7: agents equal under comparison have equal keys") {
  const std::string_view pairs[][2] = {
      {R"({"mbox": "mailto:Ana@example.com"})", R"({"mbox": "mailto:Ana@EXAMPLE.com"})"},
      {R"({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"})",
       R"({"mbox_sha1sum": "EBD31E95054C018B10727ccffd2ef2ec3a016ee9"})"},
  };
  for (const auto& pair : pairs) {
    json::Document a = Doc(std::string(R"({"actor": )") + std::string(pair[0]) + "}");
    json::Document b = Doc(std::string(R"({"actor": )") + std::string(pair[1]) + "}");
    CHECK(StatementsEquivalent(a, b));
    CHECK(Key(pair[0]) == Key(pair[1]));
  }
}

}  // namespace
}  // namespace lrs::xapi
