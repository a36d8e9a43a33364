// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The data type checks of validator.h and internal.h: IRIs (Data 4.3),
// language tags (4.2, RFC 5646), UUIDs (4.4), timestamps (4.5), durations
// (4.6), mailto IRIs (2.4.2.3), versions (2.4.10), media types (2.4.11).

#include <catch2/catch.hpp>

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate {
namespace {

using internal::IsMailtoIri;
using internal::IsMediaType;
using internal::IsSha1Hex;
using internal::IsSha2Hex;
using internal::IsStatementVersion;

TEST_CASE("Data 4.3: absolute IRIs are accepted", "[validate][datatypes]") {
  for (const char* iri : {
           "http://adlnet.gov/expapi/verbs/attended",
           "https://example.com/path?query=1&x=y#frag",
           "http://example.com/xapi/verbs#defenestrated",
           "http://example.com/\xd9\x81\xd8\xb9\xd9\x84/"
           "\xd8\xae\xd9\x88\xd8\xa7\xd9\x86\xd8\xaf\xd9\x86",
           "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
           "tag:example.com,2026:activity",
           "mailto:someone@example.com",
           "http://user:pw@example.com:8080/a/b;c=d",
           "http://[2001:db8::1]/x",
           "http://127.0.0.1/",
           "file:///etc/hosts",
           "http://example.com/%7Euser",
           "http://example.com/path/../other",
           "X-custom+scheme.1:opaque",
       }) {
    INFO(iri);
    CHECK(IsAbsoluteIri(iri));
  }
}

TEST_CASE("Data 2.2.s4.b1.b8: IRIs without a scheme or with bad characters are rejected",
          "[validate][datatypes]") {
  for (const char* iri : {
           "",
           "www.example.com/meetings/occurances/34534",  // no scheme
           "/relative/path",
           "#fragment",
           "ab=c://should.fail.com",  // '=' in the scheme
           "1http://example.com",     // scheme starts with a digit
           "http:",                   // nothing after the scheme
           "http://example.com/a b",  // space
           "http://example.com/<x>",
           "http://example.com/\"q\"",
           "http://example.com/a{b}",
           "http://example.com/a|b",
           "http://example.com/a\\b",
           "http://example.com/a^b",
           "http://example.com/a`b",
           "http://example.com/%zz",
           "http://example.com/%4",
           "http://example.com/#a#b",
           "http://example.com/[x]",
           "http://exa mple.com/",
           "http://example.com:80a/",
           "http://[zz::1]/",
           "http://example.com/\x01",
           "http://example.com/\xc2\x85",  // C1 control U+0085
           "http://example.com/\xff",      // not UTF-8
       }) {
    INFO(iri);
    CHECK_FALSE(IsAbsoluteIri(iri));
  }
}

TEST_CASE("Data 2.2.s4.b2: well-formed RFC 5646 language tags are accepted",
          "[validate][datatypes]") {
  for (const char* tag : {
           "en",
           "en-US",
           "de",
           "de-DE",
           "zh-Hant",
           "sr-Latn-RS",
           "es-419",
           "cmn",
           "tlh",
           "en-GB",
           "zh-yue-HK",
           "sl-rozaj-biske",
           "de-CH-1901",
           "en-US-x-twain",
           "x-whatever",
           "i-klingon",
           "en-GB-oed",
           "zh-min-nan",
           "art-lojban",
           "en-a-bbb-x-a-ccc",
           "EN-us",
           "hy-Latn-IT-arevela",
           "qaa-Qaaa-QM-x-southern",
       }) {
    INFO(tag);
    CHECK(IsLanguageTag(tag));
  }
}

TEST_CASE("Data 2.2.s4.b2: malformed language tags are rejected", "[validate][datatypes]") {
  for (const char* tag : {
           "",
           "a12345",
           "e",
           "en-",
           "-en",
           "en--US",
           "en_US",
           "englishlanguage",
           "en-US-abcd",    // 4 letters after the region: not a variant
           "en-abcdefghi",  // subtag longer than 8
           "de-419-DE",     // two regions
           "x",
           "x-",
           "en-x",
           "en-a",
           "en-a-b",
           "123",
           "en US",
           "a-DE",
           "en-US-u",  // extension singleton without a subtag
       }) {
    INFO(tag);
    CHECK_FALSE(IsLanguageTag(tag));
  }
}

TEST_CASE("Data 4.4: UUIDs in 8-4-4-4-12 hex form", "[validate][datatypes]") {
  CHECK(IsUuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0"));
  CHECK(IsUuid("FD41C918-B88B-4B20-A0A5-A4C32391AAA0"));
  // The example id of Data 2.4.s2 is not of RFC 4122 variant 10xx; the
  // format is what is checked (Data 4.4: "MUST be in the standard string form").
  CHECK(IsUuid("12345678-1234-5678-1234-567812345678"));
  CHECK_FALSE(IsUuid("AA97B177-9383-4934-8543-0F91A7A028368"));  // too many digits
  CHECK_FALSE(IsUuid("MA97B177-9383-4934-8543-0F91A7A02836"));   // not hex
  CHECK_FALSE(IsUuid("fd41c918b88b4b20a0a5a4c32391aaa0"));
  CHECK_FALSE(IsUuid("{fd41c918-b88b-4b20-a0a5-a4c32391aaa0}"));
  CHECK_FALSE(IsUuid("fd41c918-b88b-4b20-a0a5_a4c32391aaa0"));
  CHECK_FALSE(IsUuid(""));
}

TEST_CASE("Data 4.5: timestamps", "[validate][datatypes]") {
  for (XapiVersion v : {XapiVersion::k1_0_3, XapiVersion::k2_0_0}) {
    CHECK(IsTimestamp("2013-05-18T05:32:34.804+00:00", v));
    CHECK(IsTimestamp("2013-05-18T05:32:34.804Z", v));
    CHECK(IsTimestamp("2015-11-18T12:17:00+00:00", v));
    CHECK(IsTimestamp("2008-09-15T15:53:00.601+05:30", v));
    CHECK(IsTimestamp("2008-09-15T15:53:00.601-0500", v));
    CHECK(IsTimestamp("2013-04-01T12:00:00Z", v));
    CHECK_FALSE(IsTimestamp("01/011/2015", v));
    CHECK_FALSE(IsTimestamp("should fail", v));
    CHECK_FALSE(IsTimestamp("2013-02-30T00:00:00Z", v));
    CHECK_FALSE(IsTimestamp("2013-05-18 05:32:34Z", v));
    CHECK_FALSE(IsTimestamp("2013-05-18T25:00:00Z", v));
    CHECK_FALSE(IsTimestamp("2013-05-18", v));
    CHECK_FALSE(IsTimestamp("", v));
    // RFC 3339 4.3 "unknown local offset": rejected by both conformance suites.
    CHECK_FALSE(IsTimestamp("2008-09-15T15:53:00.601-00", v));
    CHECK_FALSE(IsTimestamp("2008-09-15T15:53:00.601-0000", v));
    CHECK_FALSE(IsTimestamp("2008-09-15T15:53:00.601-00:00", v));
  }
  // Data 4.5.s1.b4: the time zone is only recommended in 1.0.3 ...
  CHECK(IsTimestamp("2013-05-18T05:32:34.804", XapiVersion::k1_0_3));
  // ... and required in 2.0.0.
  CHECK_FALSE(IsTimestamp("2013-05-18T05:32:34.804", XapiVersion::k2_0_0));
}

TEST_CASE("Data 4.6: ISO 8601 durations (4.4.3.2 format)", "[validate][datatypes]") {
  for (const char* d : {"PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W",
                        "PT1H0M0S", "PT1H0M0.1S", "P1DT12H36M0.12567S", "PT1234S", "P0D", "P1M",
                        "PT1M", "P0.5Y", "PT0,5S", "P1Y2M3DT4H5M6S"}) {
    INFO(d);
    CHECK(IsIso8601Duration(d));
  }
  for (const char* d :
       {"",         "P",         "PT",     "P1DT",
        "PA1H0M0S", "P4W1D",     "P1D4W",  "should fail",
        "12345",    "PT1.5H30M", "P1S",    "P16559.14S",
        "PT1H1H",   "PT1S1M",    "P1D1Y",  "P0003-02-01T04:35:59",  // 4.4.3.3 alternative format
        "-P1D",     "P1.D",      "P.5D",   "pT1S",
        "PT1S ",    " PT1S",     "P1DT1D", "PTT1S"}) {
    INFO(d);
    CHECK_FALSE(IsIso8601Duration(d));
  }
}

TEST_CASE("Data 2.4.2.3: mbox is a mailto IRI of one address", "[validate][datatypes]") {
  CHECK(IsMailtoIri("mailto:xapi@adlnet.gov"));
  CHECK(IsMailtoIri("mailto:first.last+tag@sub.example.co.uk"));
  CHECK(IsMailtoIri("mailto:bob_authority@example.com"));
  CHECK_FALSE(IsMailtoIri("mailto:should.fail.com"));
  CHECK_FALSE(IsMailtoIri("http://should.fail.com"));
  CHECK_FALSE(IsMailtoIri("xapi@adlnet.gov"));
  CHECK_FALSE(IsMailtoIri("mailto:"));
  CHECK_FALSE(IsMailtoIri("mailto:@example.com"));
  CHECK_FALSE(IsMailtoIri("mailto:a@"));
  CHECK_FALSE(IsMailtoIri("mailto:a@b@c"));
  CHECK_FALSE(IsMailtoIri("mailto:a b@example.com"));
  CHECK_FALSE(IsMailtoIri("mailto:a@example.com,b@example.com"));
  CHECK_FALSE(IsMailtoIri("mailto:a@example.com?subject=hi"));
  CHECK_FALSE(IsMailtoIri("mailto:a@.example.com"));
}

TEST_CASE("Data 2.4.2.3 and 2.4.11: SHA-1 and SHA-2 hex digests", "[validate][datatypes]") {
  CHECK(IsSha1Hex("ebd31e95054c018b10727ccffd2ef2ec3a016ee9"));
  CHECK(IsSha1Hex("EBD31E95054C018B10727CCFFD2EF2EC3A016EE9"));
  CHECK_FALSE(IsSha1Hex("ebd31e95054c018b10727ccffd2ef2ec3a016ee"));
  CHECK_FALSE(IsSha1Hex("ebd31e95054c018b10727ccffd2ef2ec3a016eeg"));
  CHECK(IsSha2Hex("672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634"));
  CHECK(IsSha2Hex(std::string(128, 'a')));
  CHECK(IsSha2Hex(std::string(96, 'F')));
  CHECK(IsSha2Hex(std::string(56, '0')));
  CHECK_FALSE(IsSha2Hex(std::string(40, 'a')));
  CHECK_FALSE(IsSha2Hex(std::string(63, 'a') + "x"));
  CHECK_FALSE(IsSha2Hex(""));
}

TEST_CASE("Data 2.4.10: statement versions", "[validate][datatypes]") {
  for (XapiVersion v : {XapiVersion::k1_0_3, XapiVersion::k2_0_0}) {
    CHECK(IsStatementVersion("1.0", v));
    CHECK(IsStatementVersion("1.0.0", v));
    CHECK(IsStatementVersion("1.0.3", v));
    CHECK(IsStatementVersion("1.0.9", v));
    CHECK(IsStatementVersion("1.0.10", v));
    CHECK(IsStatementVersion("1.0.0-rc1", v));
    CHECK_FALSE(IsStatementVersion("1.1.0", v));
    CHECK_FALSE(IsStatementVersion("0.9.9", v));
    CHECK_FALSE(IsStatementVersion("0.95", v));
    CHECK_FALSE(IsStatementVersion("1.0.", v));
    CHECK_FALSE(IsStatementVersion("1.0.x", v));
    CHECK_FALSE(IsStatementVersion("1.00", v));
    CHECK_FALSE(IsStatementVersion("1.0.0-", v));
    CHECK_FALSE(IsStatementVersion("should fail", v));
    CHECK_FALSE(IsStatementVersion("", v));
    CHECK_FALSE(IsStatementVersion("2.1.0", v));
  }
  CHECK_FALSE(IsStatementVersion("2.0.0", XapiVersion::k1_0_3));
  CHECK_FALSE(IsStatementVersion("2.0", XapiVersion::k1_0_3));
  CHECK(IsStatementVersion("2.0.0", XapiVersion::k2_0_0));
  CHECK(IsStatementVersion("2.0", XapiVersion::k2_0_0));
}

TEST_CASE("Data 2.4.11: contentType is an Internet media type", "[validate][datatypes]") {
  for (const char* t : {"text/plain", "text/plain; charset=ascii", "application/octet-stream",
                        "image/jpeg", "application/vnd.api+json", "text/html;charset=\"utf-8\"",
                        "multipart/mixed; boundary=abc; x=y"}) {
    INFO(t);
    CHECK(IsMediaType(t));
  }
  for (const char* t : {"", "text", "text/", "/plain", "text/plain;", "text/plain; charset",
                        "text/plain; charset=", "text plain", "text/pl ain", "text/plain; a=\"x"}) {
    INFO(t);
    CHECK_FALSE(IsMediaType(t));
  }
}

}  // namespace
}  // namespace lrs::validate
