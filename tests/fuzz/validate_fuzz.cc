// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// libFuzzer target for the statement validator: parses the input as JSON and
// validates it as a statement under both xAPI versions and as an agent
// parameter. The validator must never crash, and must be deterministic and
// idempotent: validating the normalized result again gives the same verdict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lrs/json/json.h"
#include "lrs/validate/validator.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

void ValidateBoth(std::string_view text, lrs::XapiVersion version) {
  lrs::json::Document doc;
  if (!lrs::json::Parse(text, &doc).ok()) return;
  lrs::Status first = lrs::validate::ValidateStatement(doc, doc.GetAllocator(), version);
  Check(first.ok() || first.IsInvalidArgument());
  Check(first.ok() || !first.message().empty());
  if (!first.ok()) return;
  // Normalization is a fixed point: a valid statement stays valid, unchanged.
  std::string once = lrs::json::Write(doc);
  lrs::Status again = lrs::validate::ValidateStatement(doc, doc.GetAllocator(), version);
  Check(again.ok());
  Check(lrs::json::Write(doc) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ValidateBoth(text, lrs::XapiVersion::k1_0_3);
  ValidateBoth(text, lrs::XapiVersion::k2_0_0);

  // The data type scanners on raw bytes (invalid UTF-8 included).
  if (size <= 256) {
    (void)lrs::validate::IsAbsoluteIri(text);
    (void)lrs::validate::IsLanguageTag(text);
    (void)lrs::validate::IsIso8601Duration(text);
    (void)lrs::validate::IsUuid(text);
    (void)lrs::validate::IsTimestamp(text, lrs::XapiVersion::k1_0_3);
  }

  lrs::json::Document doc;
  if (lrs::json::Parse(text, &doc).ok()) {
    for (lrs::XapiVersion v : {lrs::XapiVersion::k1_0_3, lrs::XapiVersion::k2_0_0}) {
      for (bool allow_group : {false, true}) {
        lrs::Status s = lrs::validate::ValidateAgentParam(doc, v, allow_group, "agent");
        Check(s.ok() || s.IsInvalidArgument());
      }
    }
    // The data type scanners on every string the input holds at top level.
    if (doc.IsObject()) {
      for (const auto& m : doc.GetObject()) {
        std::string_view k(m.name.GetString(), m.name.GetStringLength());
        (void)lrs::validate::IsAbsoluteIri(k);
        (void)lrs::validate::IsLanguageTag(k);
        if (m.value.IsString()) {
          std::string_view s = lrs::json::View(m.value);
          (void)lrs::validate::IsAbsoluteIri(s);
          (void)lrs::validate::IsLanguageTag(s);
          (void)lrs::validate::IsIso8601Duration(s);
          (void)lrs::validate::IsUuid(s);
          (void)lrs::validate::IsTimestamp(s, lrs::XapiVersion::k2_0_0);
        }
      }
    }
  }
  return 0;
}
