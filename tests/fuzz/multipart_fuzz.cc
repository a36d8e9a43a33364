// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// libFuzzer target for multipart/mixed bodies (lrs/http/multipart.h) and the
// xAPI layer reading them (Communication 1.5: DecodeStatementsBody, then
// CheckSignatures). The input's first line is a Content-Type value, the rest
// the body. Invariants:
//  - BoundaryOf and ParseMultipart fail only with InvalidArgument (TooLarge
//    past the limits), with a message; a boundary they accept follows RFC 2046;
//  - the parts' body views lie inside the input, in order, without overlap,
//    within the limits;
//  - parsed parts written again (WriteMultipartSafe) parse back to the same
//    header fields and bodies;
//  - DecodeStatementsBody and CheckSignatures never crash, fail only with
//    InvalidArgument or TooLarge, and what they return views the request
//    body (the statements) or holds well-formed SHA-2 names (attachments).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/api/statements_internal.h"
#include "lrs/http/message.h"
#include "lrs/http/multipart.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

// True iff `inner` lies inside `outer` (pointer comparison that is defined
// for unrelated objects too).
bool Inside(std::string_view inner, std::string_view outer) {
  std::less_equal<const char*> le;
  return le(outer.data(), inner.data()) &&
         le(inner.data() + inner.size(), outer.data() + outer.size());
}

bool IsBoundaryChar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

void CheckError(const lrs::Status& s) {
  Check(s.IsInvalidArgument() || s.code() == lrs::Status::Code::kTooLarge);
  Check(!s.message().empty());
}

bool SameParts(const std::vector<lrs::http::MultipartPart>& a,
               const std::vector<lrs::http::MultipartPart>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].body != b[i].body || a[i].headers.fields() != b[i].headers.fields()) return false;
  }
  return true;
}

void ParseAndRoundTrip(std::string_view body, std::string_view boundary,
                       const lrs::http::MultipartLimits& limits) {
  std::vector<lrs::http::MultipartPart> parts;
  lrs::Status s = lrs::http::ParseMultipart(body, boundary, &parts, limits);
  if (!s.ok()) {
    CheckError(s);
    return;
  }
  Check(!parts.empty() && parts.size() <= limits.max_parts);
  const char* end_of_previous = body.data();
  for (const auto& part : parts) {
    Check(Inside(part.body, body));
    Check(std::less_equal<const char*>()(end_of_previous, part.body.data()));
    end_of_previous = part.body.data() + part.body.size();
    Check(part.headers.fields().size() <= limits.max_header_fields);
    for (const auto& [name, value] : part.headers.fields()) {
      Check(!name.empty());
      Check(value.find_first_of("\r\n") == std::string::npos);
    }
  }

  // Written with a boundary found in no part, the parts read back the same.
  std::string written;
  const std::string fresh = lrs::http::WriteMultipartSafe(parts, &written);
  Check(!fresh.empty() && fresh.size() <= 70);
  lrs::http::MultipartLimits unlimited;
  unlimited.max_parts = parts.size();
  unlimited.max_header_bytes = written.size();
  unlimited.max_header_fields = limits.max_header_fields;
  std::vector<lrs::http::MultipartPart> again;
  Check(lrs::http::ParseMultipart(written, fresh, &again, unlimited).ok());
  Check(SameParts(parts, again));
}

void DecodeStatements(std::string_view content_type, std::string_view body) {
  lrs::http::Request req;
  req.method = "POST";
  req.path = "/xapi/statements";
  req.headers.Set("Content-Type", content_type);
  req.body.assign(body);
  lrs::api::StatementsBody decoded;
  lrs::Status s = lrs::api::DecodeStatementsBody(req, &decoded);
  if (!s.ok()) {
    CheckError(s);
    return;
  }
  Check(Inside(decoded.json, req.body));
  std::set<std::string> hashes;
  for (const auto& a : decoded.attachments) {
    const std::size_t n = a.sha2.size();
    Check(n == 56 || n == 64 || n == 96 || n == 128);
    Check(a.sha2.find_first_not_of("0123456789abcdef") == std::string::npos);
    Check(hashes.insert(a.sha2).second);  // one attachment per hash
  }
  for (lrs::XapiVersion v : {lrs::XapiVersion::k1_0_3, lrs::XapiVersion::k2_0_0}) {
    lrs::Status c = lrs::api::CheckSignatures(decoded, v);
    Check(c.ok() || c.IsInvalidArgument());
    Check(c.ok() || !c.message().empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  if (nl == std::string_view::npos) return 0;
  std::string_view content_type = input.substr(0, nl);
  if (!content_type.empty() && content_type.back() == '\r') content_type.remove_suffix(1);
  const std::string_view body = input.substr(nl + 1);

  std::string boundary;
  lrs::Status s = lrs::http::BoundaryOf(content_type, &boundary);
  if (s.ok()) {
    Check(!boundary.empty() && boundary.size() <= 70 && boundary.back() != ' ');
    for (char c : boundary) Check(IsBoundaryChar(c));
  } else {
    Check(s.IsInvalidArgument() && !s.message().empty());
    // The parser takes any boundary: the line itself, when it could be one.
    boundary.assign(content_type.substr(0, content_type.find(';')));
    if (boundary.empty() || boundary.size() > 70) return 0;
  }

  ParseAndRoundTrip(body, boundary, lrs::http::MultipartLimits());
  lrs::http::MultipartLimits tight;
  tight.max_parts = 3;
  tight.max_header_bytes = 64;
  tight.max_header_fields = 2;
  ParseAndRoundTrip(body, boundary, tight);

  DecodeStatements(content_type, body);
  return 0;
}
