// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Attachments (Data 2.4.11).

#include <catch2/catch.hpp>

#include "tests/validate/validate_test_util.h"

namespace lrs::validate::testing {
namespace {

constexpr std::string_view kAttachment = R"js({
    "usageType": "http://example.com/attachment-usage/test",
    "display": {"en-US": "A test attachment"},
    "description": {"en-US": "A test attachment (description)"},
    "contentType": "text/plain; charset=ascii",
    "length": 27,
    "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
    "fileUrl": "http://over.there.com/file.txt"})js";

std::string WithAttachment(std::string_view attachment) {
  return Set(kMinimal, "/attachments", "[" + std::string(attachment) + "]");
}

std::string AttachmentError(const char* pointer, std::string_view value, XapiVersion v = k103) {
  return ErrorWith(WithAttachment(kAttachment), pointer, value, v);
}

TEST_CASE("Data 2.4.11: a complete attachment is accepted", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorOf(WithAttachment(kAttachment), v) == "");
    CHECK(ErrorOf(Set(kMinimal, "/attachments", "[]"), v) == "");
    CHECK(ErrorOf(Remove(WithAttachment(kAttachment), "/attachments/0/fileUrl"), v) == "");
    CHECK(ErrorOf(Remove(WithAttachment(kAttachment), "/attachments/0/description"), v) == "");
  }
}

TEST_CASE("Data 2.4.11: attachments is an array of Attachment objects",
          "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorWith(kMinimal, "/attachments", kAttachment, v) ==
          "attachments: must be an array of Attachments");
    CHECK(ErrorWith(kMinimal, "/attachments", "[\"should fail\"]", v) ==
          "attachments[0]: must be a JSON object");
    CHECK(ErrorWith(kMinimal, "/attachments", "[12345]", v) ==
          "attachments[0]: must be a JSON object");
  }
}

TEST_CASE("Data 2.4.11.s2: usageType, display, contentType, length and sha2 are required",
          "[validate][1.0.3][2.0.0]") {
  for (const char* k : {"usageType", "display", "contentType", "length", "sha2"}) {
    INFO(k);
    for (XapiVersion v : {k103, k200}) {
      CHECK(
          ErrorOf(Remove(WithAttachment(kAttachment), (std::string("/attachments/0/") + k).c_str()),
                  v) == std::string("attachments[0]: missing required property \"") + k + "\"");
    }
  }
}

TEST_CASE("Data 2.4.11.s2: attachment property types and formats", "[validate][1.0.3][2.0.0]") {
  for (XapiVersion v : {k103, k200}) {
    CHECK(AttachmentError("/attachments/0/usageType", "\"should fail\"", v) ==
          "attachments[0].usageType: must be an absolute IRI");
    CHECK(AttachmentError("/attachments/0/display", "\"A test attachment\"", v) ==
          "attachments[0].display: must be a language map (JSON object)");
    CHECK(AttachmentError("/attachments/0/display", R"({"a12345":"x"})", v) ==
          "attachments[0].display: key \"a12345\" must be an RFC 5646 language tag");
    CHECK(AttachmentError("/attachments/0/description", R"({"es-MX":12})", v) ==
          "attachments[0].description.es-MX: must be a string");
    CHECK(AttachmentError("/attachments/0/contentType", "12345", v) ==
          "attachments[0].contentType: must be a string");
    CHECK(AttachmentError("/attachments/0/contentType", "\"should fail\"", v) ==
          "attachments[0].contentType: must be an Internet media type (RFC 2046)");
    CHECK(AttachmentError("/attachments/0/length", "\"27\"", v) ==
          "attachments[0].length: must be an integer");
    CHECK(AttachmentError("/attachments/0/length", "27.5", v) ==
          "attachments[0].length: must be an integer");
    CHECK(AttachmentError("/attachments/0/length", "-1", v) ==
          "attachments[0].length: must not be negative");
    CHECK(AttachmentError("/attachments/0/length", "0", v) == "");
    CHECK(AttachmentError("/attachments/0/length", "18446744073709551615", v) == "");
    CHECK(AttachmentError("/attachments/0/sha2", "12345", v) ==
          "attachments[0].sha2: must be a string");
    CHECK(AttachmentError("/attachments/0/sha2", "\"not hex\"", v) ==
          "attachments[0].sha2: must be a hex-encoded SHA-2 hash (56, 64, 96 or 128 hex digits)");
    CHECK(
        AttachmentError("/attachments/0/sha2", "\"ebd31e95054c018b10727ccffd2ef2ec3a016ee9\"", v) ==
        "attachments[0].sha2: must be a hex-encoded SHA-2 hash (56, 64, 96 or 128 hex digits)");
    CHECK(AttachmentError("/attachments/0/fileUrl", "\"should fail\"", v) ==
          "attachments[0].fileUrl: must be an absolute IRL");
    CHECK(AttachmentError("/attachments/0/fileURL", "\"http://e.com/f\"", v) ==
          "attachments[0]: unknown property \"fileURL\"");
    CHECK(AttachmentError("/attachments/0/display/en-US", "null", v) ==
          "attachments[0].display.en-US: must not be null");
  }
}

TEST_CASE("Data 2.6.s4.b1: a signature attachment is application/octet-stream",
          "[validate][1.0.3][2.0.0]") {
  std::string base = Set(WithAttachment(kAttachment), "/attachments/0/usageType",
                         "\"http://adlnet.gov/expapi/attachments/signature\"");
  for (XapiVersion v : {k103, k200}) {
    CHECK(ErrorOf(base, v) ==
          "attachments[0].contentType: must be \"application/octet-stream\" for a signature "
          "attachment");
    CHECK(ErrorWith(base, "/attachments/0/contentType", "\"application/octet-stream\"", v) == "");
    CHECK(ErrorWith(base, "/attachments/0/contentType", "\"Application/Octet-Stream\"", v) == "");
    CHECK(ErrorWith(base, "/attachments/0/contentType", "\"application/octet-streams\"", v) ==
          "attachments[0].contentType: must be \"application/octet-stream\" for a signature "
          "attachment");
  }
}

TEST_CASE("Data 2.4.11: the second of several attachments is named by index", "[validate][1.0.3]") {
  std::string two = Set(kMinimal, "/attachments",
                        "[" + std::string(kAttachment) + "," + std::string(kAttachment) + "]");
  CHECK(ErrorOf(two) == "");
  CHECK(ErrorWith(two, "/attachments/1/usageType", "1") ==
        "attachments[1].usageType: must be a string");
}

}  // namespace
}  // namespace lrs::validate::testing
