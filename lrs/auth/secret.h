// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/auth: random credential material, the encodings it is
// written in, the salted hash kept in place of a secret, and the parsing of
// an HTTP Basic Authorization header.
//
// Thread safety: free functions, safe to call concurrently.

#ifndef LRS_AUTH_SECRET_H_
#define LRS_AUTH_SECRET_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "lrs/common/encoding.h"
#include "lrs/status.h"

namespace lrs::auth::internal {

inline constexpr std::size_t kSaltBytes = 16;
inline constexpr std::size_t kHashBytes = 32;  // SHA-256
inline constexpr std::size_t kMaxKeyChars = 128;
inline constexpr std::size_t kMaxSecretChars = 256;

// n bytes from OpenSSL's CSPRNG. Internal error when it fails.
Status RandomBytes(std::size_t n, std::string* out);

// A generated key: 20 characters of lowercase base32 (100 random bits).
Status GenerateKey(std::string* key);
// A generated secret: 43 characters, base64url without padding, of 32
// random bytes.
Status GenerateSecret(std::string* secret);

// RFC 4648 base64url without padding (lrs/common/encoding.h).
using lrs::Base64UrlEncode;
// RFC 4648 standard base64 with padding (strict: no whitespace, correct
// padding). Returns false when malformed.
inline bool Base64Decode(std::string_view text, std::string* out) {
  return Base64DecodePadded(text, out);
}
// Lowercase hex, and its inverse (false when malformed).
std::string HexEncode(std::string_view bytes);
bool HexDecode(std::string_view hex, std::string* out);

// SHA-256(salt || secret), kHashBytes raw bytes.
std::string SaltedHash(std::string_view salt, std::string_view secret);

// True iff `key` may name a credential: 1..kMaxKeyChars of [A-Za-z0-9._~-].
bool ValidKey(std::string_view key);
// True iff `secret` is 1..kMaxSecretChars printable ASCII characters.
bool ValidSecret(std::string_view secret);

// Splits "Basic base64(key:secret)" (scheme case-insensitive) into key and
// secret. Unauthorized, with a message that never contains the header's
// content, when absent or malformed.
Status ParseBasic(std::string_view authorization, std::string* key, std::string* secret);

}  // namespace lrs::auth::internal

#endif  // LRS_AUTH_SECRET_H_
