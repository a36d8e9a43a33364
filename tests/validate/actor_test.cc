// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Agents and Groups (Data 2.4.2), authority (2.4.9) and the agent request
// parameter (Data 2.2.s4.b4, Communication 2.x).

#include <catch2/catch.hpp>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

constexpr std::string_view kIfiRule =
    "must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)";

std::string ActorError(std::string_view actor, XapiVersion v = k103) {
  return ErrorWith(kMinimal, "/actor", actor, v);
}

TEST_CASE("Data 2.4.2.1: an Agent with one IFI of each kind is accepted",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ActorError(R"({"mbox":"mailto:xapi@adlnet.gov"})", v) == "");
    CHECK(
        ActorError(
            R"({"objectType":"Agent","name":"x",
                 "mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975"})",
            v) == "");
    CHECK(ActorError(R"({"openid":"http://openid.example.org/12345"})", v) == "");
    CHECK(ActorError(R"({"account":{"homePage":"http://www.example.com","name":"1625378"}})", v) ==
          "");
  }
}

TEST_CASE("Data 2.4.2.1.s2.b1: an Agent without an IFI is rejected", "[validate][1.0.3]") {
  CHECK(ActorError(R"({"objectType":"Agent","name":"nobody"})") ==
        "actor: " + std::string(kIfiRule));
  CHECK(ActorError("{}") == "actor: " + std::string(kIfiRule));
}

TEST_CASE("Data 2.4.2.1.s2.b2: an Agent with two IFIs is rejected", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ActorError(R"({"mbox":"mailto:a@example.com","openid":"http://openid.example.org/1"})",
                     v) == "actor: " + std::string(kIfiRule));
    CHECK(ActorError(R"({"mbox_sha1sum":"cd9b00a5611f94eaa7b1661edab976068e364975",
                         "account":{"homePage":"http://www.example.com","name":"x"}})",
                     v) == "actor: " + std::string(kIfiRule));
  }
}

TEST_CASE("Data 2.4.2.1: Agent objectType must be \"Agent\" or \"Group\"", "[validate][1.0.3]") {
  CHECK(ActorError(R"({"objectType":"agent","mbox":"mailto:a@example.com"})") ==
        "actor.objectType: must be \"Agent\" or \"Group\"");
  CHECK(ActorError(R"({"objectType":123,"mbox":"mailto:a@example.com"})") ==
        "actor.objectType: must be a string");
  CHECK(ActorError(R"({"name":{"key":"value"},"mbox":"mailto:a@example.com"})") ==
        "actor.name: must be a string");
}

TEST_CASE("Data 2.4.2.3: mbox must be a mailto IRI", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ActorError(R"({"mbox":"mailto:should.fail.com"})", v) ==
          "actor.mbox: must be a mailto: IRI");
    CHECK(ActorError(R"({"mbox":"http://should.fail.com"})", v) ==
          "actor.mbox: must be a mailto: IRI");
    CHECK(ActorError(R"({"mbox":"xapi@adlnet.gov"})", v) == "actor.mbox: must be a mailto: IRI");
    CHECK(ActorError(R"({"mbox":""})", v) == "actor.mbox: must be a mailto: IRI");
    CHECK(ActorError(R"({"mbox":123})", v) == "actor.mbox: must be a string");
  }
}

TEST_CASE("Data 2.4.2.3: mbox_sha1sum must be a hex SHA-1", "[validate][1.0.3]") {
  CHECK(ActorError(R"({"mbox_sha1sum":"not a hash"})") ==
        "actor.mbox_sha1sum: must be a hex-encoded SHA-1 hash (40 hex digits)");
  CHECK(ActorError(R"({"mbox_sha1sum":{"key":"value"}})") ==
        "actor.mbox_sha1sum: must be a string");
}

TEST_CASE("Data 2.4.2.3: openid must be an absolute URI", "[validate][1.0.3]") {
  CHECK(ActorError(R"({"openid":"ab=c://should.fail.com"})") ==
        "actor.openid: must be an absolute URI");
  CHECK(ActorError(R"({"openid":"open.id.com/testUser"})") ==
        "actor.openid: must be an absolute URI");
}

TEST_CASE("Data 2.4.2.4: account has a homePage IRL and a name, nothing else",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ActorError(R"({"account":{"name":"x"}})", v) ==
          "actor.account: missing required property \"homePage\"");
    CHECK(ActorError(R"({"account":{"homePage":"http://www.example.com"}})", v) ==
          "actor.account: missing required property \"name\"");
    CHECK(ActorError(R"({"account":{"homePage":"homePage.com/testUser","name":"1"}})", v) ==
          "actor.account.homePage: must be an absolute IRL");
    CHECK(ActorError(R"({"account":{"homePage":"http://www.example.com","name":{"a":1}}})", v) ==
          "actor.account.name: must be a string");
    CHECK(ActorError(R"({"account":{"homePage":"http://www.example.com","name":"1","x":1}})", v) ==
          "actor.account: unknown property \"x\"");
    CHECK(ActorError(R"({"account":"http://www.example.com/1"})", v) ==
          "actor.account: must be a JSON object");
  }
}

TEST_CASE("Data 2.4.2.2: Groups, anonymous and identified, are accepted",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(
        ActorError(R"({"objectType":"Group","name":"anon","member":[{"mbox":"mailto:a@example.com"},
                         {"objectType":"Agent","openid":"http://openid.example.org/b"}]})",
                   v) == "");
    CHECK(ActorError(R"({"objectType":"Group","mbox":"mailto:team@example.com"})", v) == "");
    CHECK(ActorError(R"({"objectType":"Group","account":{"homePage":"http://e.com","name":"g"},
                         "member":[{"mbox":"mailto:a@example.com"}]})",
                     v) == "");
    CHECK(ActorError(R"({"objectType":"Group","mbox":"mailto:team@example.com","member":[]})", v) ==
          "");
  }
}

TEST_CASE("Data 2.4.2.2: a Group needs objectType \"Group\"", "[validate][1.0.3]") {
  CHECK(ActorError(
            R"({"mbox":"mailto:team@example.com","member":[{"mbox":"mailto:a@example.com"}]})") ==
        "actor.member: not allowed in an Agent (a Group needs objectType \"Group\")");
}

TEST_CASE("Data 2.4.2.2.s4.b1: an anonymous Group must list its members", "[validate][1.0.3]") {
  CHECK(ActorError(R"({"objectType":"Group","name":"anon"})") ==
        "actor: an anonymous Group must have a \"member\" property (or one IFI)");
  CHECK(ActorError(R"({"objectType":"Group","member":[]})") ==
        "actor.member: an anonymous Group needs members");
  CHECK(ActorError(R"({"objectType":"Group","member":{"mbox":"mailto:a@example.com"}})") ==
        "actor.member: must be an array of Agents");
}

TEST_CASE("Data 2.4.2.2.s4.b2, s5.b2: Group members are Agents, not Groups",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ActorError(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"},
                         {"objectType":"Group","mbox":"mailto:inner@example.com"}]})",
                     v) == "actor.member[1]: must be an Agent: Groups cannot be members");
    CHECK(ActorError(R"({"objectType":"Group","mbox":"mailto:g@example.com","member":[
                         {"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]}]})",
                     v) == "actor.member[0]: must be an Agent: Groups cannot be members");
    CHECK(ActorError(R"({"objectType":"Group","member":[{"name":"no ifi"}]})", v) ==
          "actor.member[0]: " + std::string(kIfiRule));
    CHECK(ActorError(R"({"objectType":"Group","member":[null]})", v) ==
          "actor.member[0]: must not be null");
  }
}

TEST_CASE("Data 2.4.2.2.s5.b1: an identified Group has exactly one IFI", "[validate][1.0.3]") {
  CHECK(ActorError(R"({"objectType":"Group","mbox":"mailto:g@example.com",
                       "openid":"http://openid.example.org/g"})") ==
        "actor: " + std::string(kIfiRule));
}

TEST_CASE("Data 2.4.4.2.s1.b1: an Agent or Group object must have objectType",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kMinimal, "/object", R"({"objectType":"Agent","mbox":"mailto:a@example.com"})",
                    v) == "");
    CHECK(ErrorWith(kMinimal, "/object", R"({"objectType":"Group","mbox":"mailto:g@example.com"})",
                    v) == "");
    CHECK(ErrorWith(kMinimal, "/object", R"({"mbox":"mailto:a@example.com"})", v) ==
          "object: objectType is required when the object is an Agent or Group");
    CHECK(ErrorWith(kMinimal, "/object", R"({"member":[{"mbox":"mailto:a@example.com"}]})", v) ==
          "object: objectType is required when the object is an Agent or Group");
    CHECK(ErrorWith(kMinimal, "/object", R"({"objectType":"Agent","mbox":"a@example.com"})", v) ==
          "object.mbox: must be a mailto: IRI");
  }
}

TEST_CASE("Data 2.4.9.s3.b1: authority is an Agent, or an anonymous Group of two Agents",
          "[validate][1.0.3][2.0.0]") {
  constexpr std::string_view kOAuth = R"({"objectType":"Group","member":[
      {"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"oauth_consumer_x75db"}},
      {"mbox":"mailto:bob@example.com"}]})";
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kMinimal, "/authority", kOAuth, v) == "");
    CHECK(ErrorWith(kMinimal, "/authority", R"({"objectType":"Agent","mbox":"mailto:a@e.com"})",
                    v) == "");
    // Identified Groups are rejected (ADL conformance, XAPI-00100).
    CHECK(ErrorWith(Set(kMinimal, "/authority", kOAuth), "/authority/mbox",
                    "\"mailto:g@example.com\"",
                    v) == "authority: a Group authority must be an anonymous Group");
    CHECK(ErrorWith(kMinimal, "/authority",
                    R"({"objectType":"Group","member":[{"mbox":"mailto:bob@example.com"}]})",
                    v) == "authority: a Group authority must have exactly two member Agents");
    CHECK(ErrorWith(kMinimal, "/authority", R"({"objectType":"Group","name":"x"})", v) ==
          "authority: a Group authority must have exactly two member Agents");
    CHECK(ErrorWith(kMinimal, "/authority", R"({"objectType":"Group","member":[
        {"account":{"homePage":"http://example.com/xAPI/OAuth/Token","name":"c"}},
        {"mbox":"mailto:bob@example.com"},{"mbox":"mailto:james@example.com"}]})",
                    v) == "authority: a Group authority must have exactly two member Agents");
  }
}

TEST_CASE("Data 2.4.9.s7.b2: the OAuth consumer in a Group authority is identified by account",
          "[validate][1.0.3]") {
  CHECK(ErrorWith(kMinimal, "/authority", R"({"objectType":"Group","member":[
      {"name":"agentA","mbox":"mailto:agentA@example.com"},
      {"name":"agentB","mbox":"mailto:agentB@example.com"}]})") ==
        "authority.member: one Agent of a Group authority must be the OAuth consumer, identified "
        "by account");
}

TEST_CASE("Data 2.2.s4.b4: the agent parameter is validated like a statement's Agent",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(AgentParamError(R"({"mbox":"mailto:a@example.com"})", false, v) == "");
    CHECK(AgentParamError(
              R"({"objectType":"Agent","account":{"homePage":"http://e.com","name":"1"}})", true,
              v) == "");
    CHECK(AgentParamError(R"({"mbox":"a@example.com"})", false, v) ==
          "agent.mbox: must be a mailto: IRI");
    CHECK(AgentParamError(R"({"name":"x"})", false, v) == "agent: " + std::string(kIfiRule));
    CHECK(AgentParamError(R"({"objectType":"Group","mbox":"mailto:g@example.com"})", true, v) ==
          "");
    CHECK(AgentParamError(R"({"objectType":"Group","mbox":"mailto:g@example.com"})", false, v) ==
          "agent: must be an Agent, not a Group");
    CHECK(AgentParamError(R"({"objectType":"Group","member":[{"mbox":"mailto:a@example.com"}]})",
                          true, v) == "agent: must be an Agent or an identified Group");
    CHECK(AgentParamError(R"("mailto:a@example.com")", true, v) == "agent: must be a JSON object");
    CHECK(AgentParamError(R"({"mbox":"mailto:a@example.com","mbox":"mailto:b@example.com"})", true,
                          v) == "agent: duplicate property \"mbox\"");
  }
  json::Document doc = ParseOrDie(R"({"mbox":"x"})");
  CHECK(ValidateAgentParam(doc, k103, false, "params.agent").message() ==
        "params.agent.mbox: must be a mailto: IRI");
}

}  // namespace
}  // namespace lrs::validate::testing
