// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/auth/secret.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdint>

namespace lrs::auth::internal {
namespace {

constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr char kHex[] = "0123456789abcdef";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

Status RandomBytes(std::size_t n, std::string* out) {
  out->resize(n);
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out->data()), static_cast<int>(n)) != 1)
    return Status::Internal("RAND_bytes failed");
  return Status::OK();
}

Status GenerateKey(std::string* key) {
  std::string raw;
  LRS_RETURN_IF_ERROR(RandomBytes(20, &raw));
  key->clear();
  // One character per random byte, 5 bits each (32 divides 256: no bias).
  for (unsigned char b : raw) key->push_back(kBase32[b & 31]);
  return Status::OK();
}

Status GenerateSecret(std::string* secret) {
  std::string raw;
  LRS_RETURN_IF_ERROR(RandomBytes(32, &raw));
  *secret = Base64UrlEncode(raw);
  return Status::OK();
}

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool HexDecode(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  out->clear();
  out->reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>((hi << 4) | lo));
  }
  return true;
}

std::string SaltedHash(std::string_view salt, std::string_view secret) {
  // One-shot SHA256() (not deprecated in OpenSSL 3, unlike SHA256_Init)
  // over a concatenation; cheaper than an EVP fetch per call.
  std::string buf;
  buf.reserve(salt.size() + secret.size());
  buf.append(salt);
  buf.append(secret);
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), md);
  // Do not leave a copy of the secret in freed memory.
  OPENSSL_cleanse(buf.data(), buf.size());
  return std::string(reinterpret_cast<const char*>(md), sizeof(md));
}

bool ValidKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxKeyChars) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '~' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool ValidSecret(std::string_view secret) {
  if (secret.empty() || secret.size() > kMaxSecretChars) return false;
  for (char c : secret) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

Status ParseBasic(std::string_view authorization, std::string* key, std::string* secret) {
  while (!authorization.empty() && (authorization.front() == ' ' || authorization.front() == '\t'))
    authorization.remove_prefix(1);
  while (!authorization.empty() && (authorization.back() == ' ' || authorization.back() == '\t'))
    authorization.remove_suffix(1);
  if (authorization.empty()) return Status::Unauthorized("credentials required (HTTP Basic)");
  std::size_t sp = authorization.find(' ');
  if (sp == std::string_view::npos || !EqualsIgnoreCaseAscii(authorization.substr(0, sp), "basic"))
    return Status::Unauthorized("Authorization: only the Basic scheme is supported");
  std::string_view encoded = authorization.substr(sp + 1);
  while (!encoded.empty() && encoded.front() == ' ') encoded.remove_prefix(1);
  constexpr std::size_t kMaxEncoded = (kMaxKeyChars + 1 + kMaxSecretChars + 2) / 3 * 4;
  std::string decoded;
  if (encoded.size() > kMaxEncoded || !Base64Decode(encoded, &decoded))
    return Status::Unauthorized("Authorization: malformed Basic credentials");
  std::size_t colon = decoded.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == decoded.size()) {
    OPENSSL_cleanse(decoded.data(), decoded.size());
    return Status::Unauthorized("Authorization: malformed Basic credentials");
  }
  key->assign(decoded, 0, colon);
  secret->assign(decoded, colon + 1);
  OPENSSL_cleanse(decoded.data(), decoded.size());
  return Status::OK();
}

}  // namespace lrs::auth::internal
