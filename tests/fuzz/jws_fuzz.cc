// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// libFuzzer target for signed statements (lrs/api/signature.h, Data 2.6) and
// the base64 codecs under them (lrs/common/encoding.h). Each input is used
// four ways:
//  - as JWS text, checked against a fixed signed statement;
//  - split at its first two newlines into header, payload and signature
//    bytes, each base64url-encoded and joined with '.', so that mutations
//    reach the header and payload parsing, the statement comparison and the
//    x5c certificate check behind the base64 layer;
//  - as a statement: when it is a valid one, an unsigned JWS of it must
//    verify against it, with or without a signature attachment added;
//  - as base64 text and as bytes: decoding round-trips through encoding.
// VerifyStatementSignature must never crash, answer OK or InvalidArgument
// with a message, and answer the same twice.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lrs/api/signature.h"
#include "lrs/common/encoding.h"
#include "lrs/json/json.h"
#include "lrs/validate/validator.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

constexpr lrs::XapiVersion kVersions[] = {lrs::XapiVersion::k1_0_3, lrs::XapiVersion::k2_0_0};

// The statement the seed JWSs sign, as received: with its signature
// attachment (which the comparison ignores).
constexpr std::string_view kSigned =
    R"({"id":"9b2f7c1e-4a3d-4f5e-8a6b-7c8d9e0f1a2b",)"
    R"("actor":{"objectType":"Agent","mbox":"mailto:a@example.com"},)"
    R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"did"}},)"
    R"("object":{"objectType":"Activity","id":"http://example.com/activities/1"},)"
    R"("attachments":[{"usageType":"http://adlnet.gov/expapi/attachments/signature",)"
    R"("display":{"en-US":"signature"},"contentType":"application/octet-stream","length":700,)"
    R"("sha2":"5f2bd3b0cbc7c0a4b2f1ba0e1de3e2b5c3f7f1b8d6a2e9c4b7a1d0e3f2c5b8a9"}]})";

struct Fixed {
  lrs::json::Document statement[2];  // validated under kVersions[i]
  Fixed() {
    for (int i = 0; i < 2; ++i) {
      Check(lrs::json::Parse(kSigned, &statement[i]).ok());
      Check(lrs::validate::ValidateStatement(statement[i], statement[i].GetAllocator(),
                                             kVersions[i])
                .ok());
    }
  }
};

const Fixed& TheFixed() {
  static const Fixed f;
  return f;
}

lrs::Status Verify(std::string_view jws, const lrs::json::Value& statement, lrs::XapiVersion v) {
  lrs::Status s = lrs::api::VerifyStatementSignature(jws, statement, v);
  Check(s.ok() || s.IsInvalidArgument());
  Check(s.ok() || !s.message().empty());
  lrs::Status again = lrs::api::VerifyStatementSignature(jws, statement, v);
  Check(again.code() == s.code() && again.message() == s.message());
  return s;
}

void VerifyAgainstFixed(std::string_view jws) {
  for (int i = 0; i < 2; ++i) (void)Verify(jws, TheFixed().statement[i], kVersions[i]);
}

// "header\npayload\nsignature" -> base64url(header).base64url(payload).base64url(signature).
void VerifyAssembled(std::string_view input) {
  const std::size_t a = input.find('\n');
  if (a == std::string_view::npos) return;
  const std::size_t b = input.find('\n', a + 1);
  if (b == std::string_view::npos) return;
  const std::string jws = lrs::Base64UrlEncode(input.substr(0, a)) + "." +
                          lrs::Base64UrlEncode(input.substr(a + 1, b - a - 1)) + "." +
                          lrs::Base64UrlEncode(input.substr(b + 1));
  VerifyAgainstFixed(jws);
}

// A valid statement is the payload of its own (unsigned: no x5c) JWS.
void VerifySelf(std::string_view input) {
  const std::string jws = lrs::Base64UrlEncode(R"({"alg":"RS256"})") + "." +
                          lrs::Base64UrlEncode(input) + "." + lrs::Base64UrlEncode("sig");
  for (lrs::XapiVersion v : kVersions) {
    lrs::json::Document stmt;
    if (!lrs::json::Parse(input, &stmt).ok() || !stmt.IsObject()) return;
    if (!lrs::validate::ValidateStatement(stmt, stmt.GetAllocator(), v).ok()) continue;
    Check(Verify(jws, stmt, v).ok());
    // The received statement carries the signature attachment; it is ignored.
    auto& alloc = stmt.GetAllocator();
    lrs::json::Value att(rapidjson::kObjectType);
    att.AddMember("usageType", rapidjson::StringRef(lrs::api::kSignatureUsageType.data(),
                                                    lrs::api::kSignatureUsageType.size()),
                  alloc);
    att.AddMember("contentType", "application/octet-stream", alloc);
    att.AddMember("length", 1, alloc);
    att.AddMember("sha2", "00", alloc);
    if (!stmt.HasMember("attachments")) {
      lrs::json::Value list(rapidjson::kArrayType);
      list.PushBack(att, alloc);
      stmt.AddMember("attachments", list, alloc);
    } else if (stmt["attachments"].IsArray()) {
      stmt["attachments"].PushBack(att, alloc);
    } else {
      continue;
    }
    Check(Verify(jws, stmt, v).ok());
  }
}

void Base64RoundTrips(std::string_view input) {
  std::string decoded, again;
  for (bool url : {false, true}) {
    if (lrs::Base64Decode(input, url, &decoded)) {
      const std::string encoded =
          url ? lrs::Base64UrlEncode(decoded) : lrs::Base64Encode(decoded);
      Check(lrs::Base64Decode(encoded, url, &again) && again == decoded);
    }
  }
  if (lrs::Base64DecodePadded(input, &decoded)) {
    Check(lrs::Base64Decode(input, false, &again) && again == decoded);
    Check(lrs::Base64DecodePadded(lrs::Base64Encode(decoded), &again) && again == decoded);
  }
  Check(lrs::Base64Decode(lrs::Base64UrlEncode(input), true, &decoded) && decoded == input);
  Check(lrs::Base64DecodePadded(lrs::Base64Encode(input), &decoded) && decoded == input);
  Check(lrs::Base64Decode(lrs::Base64Encode(input), false, &decoded) && decoded == input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  VerifyAgainstFixed(input);
  VerifyAssembled(input);
  VerifySelf(input);
  Base64RoundTrips(input);
  return 0;
}
