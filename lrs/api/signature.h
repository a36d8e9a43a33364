// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/api: signed statements (xAPI Data 2.6). A statement is
// signed by an attachment with usageType kSignatureUsageType whose data is
// a JSON Web Signature (RFC 7515) over the statement as it was before the
// signature attachment was added.

#ifndef LRS_API_SIGNATURE_H_
#define LRS_API_SIGNATURE_H_

#include <string>
#include <string_view>

#include "lrs/common/encoding.h"
#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/xapi.h"

namespace lrs::api {

inline constexpr std::string_view kSignatureUsageType =
    "http://adlnet.gov/expapi/attachments/signature";

// Data 2.6.s5.b3: checks that `jws` is a well-formed signature of
// `statement` (the statement as received, already validated and normalized
// under `version`):
//  - a JWS Compact Serialization (header.payload.signature, base64url);
//  - its protected header is a JSON object whose "alg" is RS256, RS384 or
//    RS512 (2.6.s4.b4);
//  - its payload is a valid statement (2.6.s4.b3) equivalent to `statement`
//    by the Statement Comparison Requirements (Data 2.3.1), signature
//    attachments ignored on both sides; ids, when both carry one, match;
//  - when the header has "x5c", the signature verifies with the public RSA
//    key of its first certificate (2.6.s5.b3.b3).
// Returns OK, or InvalidArgument whose message says what is wrong (the
// caller prefixes the attachment's path).
Status VerifyStatementSignature(std::string_view jws, const json::Value& statement,
                                XapiVersion version);

// Base64 and base64url (lrs/common/encoding.h).
using lrs::Base64Decode;
using lrs::Base64UrlEncode;

}  // namespace lrs::api

#endif  // LRS_API_SIGNATURE_H_
