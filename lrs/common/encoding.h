// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Text encodings of bytes used across lrs: base64 (RFC 4648 sections 4 and
// 5) and URL percent-encoding (RFC 3986). One implementation for credentials,
// JWS, query tokens and the sync connectors.
//
// Thread safety: free functions, safe to call concurrently.

#ifndef LRS_COMMON_ENCODING_H_
#define LRS_COMMON_ENCODING_H_

#include <string>
#include <string_view>

namespace lrs {

// Standard base64 with padding ("a2V5OnNlY3JldA==").
std::string Base64Encode(std::string_view bytes);
// base64url without padding (JWS, tokens, generated secrets).
std::string Base64UrlEncode(std::string_view bytes);
// Decodes base64 (`url` false: standard alphabet, trailing '=' optional) or
// base64url (`url` true: no padding). False on any other character or an
// impossible length.
bool Base64Decode(std::string_view text, bool url, std::string* out);
// Strict standard base64: a multiple of 4 characters, '=' only as the final
// padding, no whitespace (HTTP Basic credentials). False when malformed.
bool Base64DecodePadded(std::string_view text, std::string* out);

// Percent-encodes every byte but RFC 3986's unreserved characters
// (A-Z a-z 0-9 - . _ ~), for query strings and form bodies.
std::string PercentEncode(std::string_view text);

// `text` with each byte that is not part of a well-formed UTF-8 sequence
// (RFC 3629: no overlong forms, surrogates or code points past U+10FFFF)
// replaced by U+FFFD, for bytes from a client echoed into JSON text (which
// must be UTF-8, RFC 8259 section 8.1). Valid text is returned unchanged.
std::string ValidUtf8(std::string_view text);

}  // namespace lrs

#endif  // LRS_COMMON_ENCODING_H_
