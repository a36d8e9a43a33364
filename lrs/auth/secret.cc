// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/auth/secret.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdint>

namespace lrs::auth::internal {
namespace {

constexpr char kBase32[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kHex[] = "0123456789abcdef";

// Value of a standard base64 character, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

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

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  std::size_t i = 0;
  auto at = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[k]));
  };
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
    out.push_back(kBase64Url[v & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = at(i) << 16;
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
  } else if (rest == 2) {
    std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
    out.push_back(kBase64Url[(v >> 18) & 63]);
    out.push_back(kBase64Url[(v >> 12) & 63]);
    out.push_back(kBase64Url[(v >> 6) & 63]);
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 != 0) return false;
  out->reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0) return false;  // data after padding
      v[k] = Base64Value(c);
      if (v[k] < 0) return false;
    }
    std::uint32_t w = (static_cast<std::uint32_t>(v[0]) << 18) |
                      (static_cast<std::uint32_t>(v[1]) << 12) |
                      (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
    out->push_back(static_cast<char>((w >> 16) & 0xff));
    if (pad < 2) out->push_back(static_cast<char>((w >> 8) & 0xff));
    if (pad < 1) out->push_back(static_cast<char>(w & 0xff));
  }
  return true;
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
