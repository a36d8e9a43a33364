// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Language negotiation (Communication 2.1.3.s4.b5): the Accept-Language
// header (RFC 7231 5.3.5 / RFC 2616 14.4) and the choice of one language map
// entry (RFC 4647).

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "lrs/xapi/statement_ops.h"
#include "tests/xapi/xapi_test_util.h"

namespace lrs::xapi {
namespace {

using testing::Doc;
using Tags = std::vector<std::string>;

std::string Pick(std::string_view map_json, const Tags& languages) {
  json::Document map = Doc(map_json);
  return std::string(PickLanguage(map, languages));
}

// ---- ParseAcceptLanguage ------------------------------------------------------

TEST_CASE("Communication 2.1.3.s4.b5: Accept-Language is ordered by q") {
  CHECK(ParseAcceptLanguage("fr-CA, fr;q=0.9, en;q=0.8, *;q=0.5") ==
        Tags{"fr-CA", "fr", "en", "*"});
  CHECK(ParseAcceptLanguage("en;q=0.5, de, fr;q=0.8") == Tags{"de", "fr", "en"});
  CHECK(ParseAcceptLanguage("da, en-gb;q=0.8, en;q=0.7") == Tags{"da", "en-gb", "en"});
  CHECK(ParseAcceptLanguage("en-GB") == Tags{"en-GB"});
}

TEST_CASE("Communication 2.1.3.s4.b5: Accept-Language keeps header order for equal q") {
  CHECK(ParseAcceptLanguage("zh-Hant;q=0.5, ko;q=0.5, ja, de;q=0.500, it;q=1") ==
        Tags{"ja", "it", "zh-Hant", "ko", "de"});
}

TEST_CASE("Communication 2.1.3.s4.b5: Accept-Language drops q=0") {
  CHECK(ParseAcceptLanguage("en, fr;q=0, de;q=0.000, it;q=0.001") == Tags{"en", "it"});
  CHECK(ParseAcceptLanguage("*;q=0").empty());
}

TEST_CASE("Communication 2.1.3.s4.b5: Accept-Language tolerates white space") {
  CHECK(ParseAcceptLanguage("  en-US ;  q = 0.7 ,\tfr\t,, ") == Tags{"fr", "en-US"});
  CHECK(ParseAcceptLanguage("en;Q=0.4,fr;q=0.6") == Tags{"fr", "en"});
  CHECK(ParseAcceptLanguage("en;") == Tags{"en"});
  CHECK(ParseAcceptLanguage("").empty());
  CHECK(ParseAcceptLanguage(" , ,").empty());
}

TEST_CASE("Communication 2.1.3.s4.b5: malformed Accept-Language entries are ignored") {
  CHECK(ParseAcceptLanguage("en;q=abc, fr;q=1.5, de;q=0.1234, it;q=, pt;q=.5, nl;q=0.5.1, "
                            "sv;q=2, no;q=-0.5, es;q=0.3") == Tags{"es"});
  CHECK(ParseAcceptLanguage("en;q=0.5;q=0.6, fr;q=0.2") == Tags{"fr"});
  CHECK(ParseAcceptLanguage("en_US, 123, toolongtag, en-, -en, e n, fr") == Tags{"fr"});
  CHECK(ParseAcceptLanguage("en;level, de") == Tags{"de"});
  // Unknown parameters are ignored, q=1.000 is valid.
  CHECK(ParseAcceptLanguage("en;level=1;q=0.4, fr;q=1.000") == Tags{"fr", "en"});
  CHECK(ParseAcceptLanguage("sl-rozaj-biske, x-klingon;q=0.9, de-CH-1901") ==
        Tags{"sl-rozaj-biske", "de-CH-1901", "x-klingon"});
}

// ---- PickLanguage -------------------------------------------------------------

TEST_CASE("Communication 2.1.3.s4.b5: an exact tag matches, ignoring case") {
  CHECK(Pick(R"({"en-US": "a", "fr-FR": "b"})", {"fr-FR"}) == "fr-FR");
  CHECK(Pick(R"({"en-US": "a", "fr-FR": "b"})", {"FR-fr"}) == "fr-FR");
  CHECK(Pick(R"({"en-US": "a", "en": "b"})", {"en"}) == "en");  // exact beats extension
}

TEST_CASE("Communication 2.1.3.s4.b5: preferences are tried in order") {
  CHECK(Pick(R"({"en-US": "a", "fr-FR": "b"})", {"fr", "en-US"}) == "fr-FR");
  CHECK(Pick(R"({"en-GB": "a", "fr": "b"})", {"en-US", "fr"}) == "fr");
  CHECK(Pick(R"({"de": "a", "en": "b", "fr": "c"})", {"ja", "fr", "en"}) == "fr");
}

TEST_CASE("Communication 2.1.3.s4.b5: a range matches tags that extend it (RFC 4647 3.3.1)") {
  CHECK(Pick(R"({"fr": "a", "en-GB": "b"})", {"en"}) == "en-GB");
  CHECK(Pick(R"({"de": "a", "de-CH-1996": "b"})", {"de-CH"}) == "de-CH-1996");
  CHECK(Pick(R"({"fr": "b", "enx": "a"})", {"en"}) == "fr");  // not a subtag boundary
}

TEST_CASE("Communication 2.1.3.s4.b5: a range is truncated to find a match (RFC 4647 3.4)") {
  CHECK(Pick(R"({"fr": "a", "en": "b"})", {"en-US"}) == "en");
  CHECK(Pick(R"({"zh": "a", "zh-Hant": "b"})", {"zh-Hant-CN-x-private1-private2"}) == "zh-Hant");
  CHECK(Pick(R"({"zh": "a", "zh-Hant-CN-x": "b"})", {"zh-Hant-CN-x-private1"}) == "zh");
}

TEST_CASE("Communication 2.1.3.s4.b5: another variant of a preferred language beats the fallback") {
  CHECK(Pick(R"({"fr": "a", "en-GB": "b"})", {"en-US"}) == "en-GB");
  CHECK(Pick(R"({"fr": "a", "en-GB": "b", "de-DE": "c"})", {"de-CH", "en-AU"}) == "de-DE");
  CHECK(Pick(R"({"fr": "a", "x-b": "b"})", {"x-klingon"}) == "fr");
}

TEST_CASE("Communication 2.1.3.s4.b5: fallback is und, then the first entry") {
  CHECK(Pick(R"({"fr": "a", "und": "b"})", {"ja"}) == "und");
  CHECK(Pick(R"({"fr": "a", "UND": "b"})", {}) == "UND");
  CHECK(Pick(R"({"fr": "a", "de": "b"})", {"ja"}) == "fr");
  CHECK(Pick(R"({"fr": "a", "de": "b"})", {}) == "fr");
  CHECK(Pick(R"({"fr": "a", "und": "b"})", {"*"}) == "und");
  CHECK(Pick(R"({"fr": "a", "de": "b"})", {"*", "de"}) == "de");
  CHECK(Pick(R"({"fr": "a", "en-GB": "b"})", {"en-US", "*"}) == "en-GB");
}

TEST_CASE("Communication 2.1.3.s4.b5: an empty map gives an empty tag") {
  CHECK(Pick("{}", {"en"}).empty());
  CHECK(Pick("[]", {"en"}).empty());
  CHECK(Pick("\"en\"", {"en"}).empty());
}

TEST_CASE("Communication 2.1.3.s4.b5: header and map together") {
  const Tags tags = ParseAcceptLanguage("fr-CA, fr;q=0.9, en;q=0.8, *;q=0.5");
  CHECK(Pick(R"({"en-US": "a", "fr-FR": "b"})", tags) == "fr-FR");
  CHECK(Pick(R"({"en-US": "a", "fr-CA": "b", "fr": "c"})", tags) == "fr-CA");
  CHECK(Pick(R"({"en-US": "a", "fr": "c"})", tags) == "fr");
  CHECK(Pick(R"({"de": "a", "en-US": "b"})", tags) == "en-US");
  CHECK(Pick(R"({"de": "a", "ja": "b"})", tags) == "de");
}

}  // namespace
}  // namespace lrs::xapi
