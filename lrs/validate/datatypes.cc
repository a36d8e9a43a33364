// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Scalar formats of xAPI Data 4.x: UUIDs (4.4), timestamps (4.5), durations
// (4.6), hex digests, statement versions (2.4.10) and Internet media types
// (2.4.11, RFC 2045 section 5.1).

#include "lrs/common/time.h"
#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
bool IsAlnum(char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// RFC 2045 token: any CHAR except SPACE, CTLs and tspecials.
bool IsTokenChar(char c) {
  if (c <= 0x20 || c >= 0x7F) return false;
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '@':
    case ',':
    case ';':
    case ':':
    case '\\':
    case '"':
    case '/':
    case '[':
    case ']':
    case '?':
    case '=':
      return false;
    default:
      return true;
  }
}

std::size_t Token(std::string_view s, std::size_t i) {
  while (i < s.size() && IsTokenChar(s[i])) ++i;
  return i;
}

std::size_t SkipSpace(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

}  // namespace

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!IsHexDigit(s[i])) {
      return false;
    }
  }
  return true;
}

bool IsTimestamp(std::string_view s, XapiVersion version) {
  ParsedTime t;
  if (!ParseIso8601(s, &t)) return false;
  // "-00:00" means "offset unknown" (RFC 3339 section 4.3); the conformance
  // suites of both versions reject it.
  if (t.negative_zero_offset) return false;
  // 2.0.0 requires the offset; 1.0.3 only recommends it (Data 4.5.s1.b4).
  return version == XapiVersion::k1_0_3 || t.has_offset;
}

// ISO 8601:2004(E) 4.4.3.2: PnYnMnDTnHnMnS or PnW; at least one component;
// "T" only before a time component; only the lowest-order component present
// may carry a decimal fraction (',' or '.'). The alternative format
// (4.4.3.3, "P0003-02-01T...") is rejected (Data 4.6.s1.b1).
bool IsIso8601Duration(std::string_view s) {
  const std::size_t n = s.size();
  if (n < 3 || s[0] != 'P') return false;
  constexpr std::string_view kDate = "YMD", kTime = "HMS";
  std::size_t i = 1, next_date = 0, next_time = 0;
  bool in_time = false, any = false, any_time = false, fraction = false;
  while (i < n) {
    if (s[i] == 'T') {
      if (in_time) return false;
      in_time = true;
      ++i;
      continue;
    }
    if (fraction) return false;  // a component after a fractional one
    std::size_t start = i;
    while (i < n && IsDigit(s[i])) ++i;
    if (i == start) return false;
    if (i < n && (s[i] == '.' || s[i] == ',')) {
      std::size_t frac = ++i;
      while (i < n && IsDigit(s[i])) ++i;
      if (i == frac) return false;
      fraction = true;
    }
    if (i == n) return false;
    char d = s[i++];
    if (!in_time && d == 'W') {
      return !any && i == n;  // weeks stand alone: "P4W1D" is invalid
    }
    std::string_view order = in_time ? kTime : kDate;
    std::size_t& next = in_time ? next_time : next_date;
    std::size_t pos = order.find(d);
    if (pos == std::string_view::npos || pos < next) return false;
    next = pos + 1;
    any = true;
    any_time |= in_time;
  }
  return any && (!in_time || any_time);
}

namespace internal {

bool IsHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!IsHexDigit(c)) return false;
  }
  return true;
}

bool IsSha1Hex(std::string_view s) { return s.size() == 40 && IsHex(s); }

bool IsSha2Hex(std::string_view s) {
  // SHA-224, SHA-256, SHA-384, SHA-512 (and the SHA-512/t truncations to those sizes).
  return (s.size() == 56 || s.size() == 64 || s.size() == 96 || s.size() == 128) && IsHex(s);
}

// Data 2.4.10.s2.b1 and Communication 3.3: Semantic Versioning 1.0.0. A
// statement version is "1.0" or "1.0.<patch>[-<pre-release>]"; under 2.0.0
// "2.0" and "2.0.<patch>[-<pre-release>]" are accepted too.
bool IsStatementVersion(std::string_view s, XapiVersion version) {
  std::string_view rest;
  if (s.substr(0, 3) == "1.0") {
    rest = s.substr(3);
  } else if (version == XapiVersion::k2_0_0 && s.substr(0, 3) == "2.0") {
    rest = s.substr(3);
  } else {
    return false;
  }
  if (rest.empty()) return true;
  if (rest[0] != '.') return false;
  std::size_t i = 1;
  while (i < rest.size() && IsDigit(rest[i])) ++i;
  if (i == 1) return false;
  if (i == rest.size()) return true;
  if (rest[i] != '-' || i + 1 == rest.size()) return false;
  for (++i; i < rest.size(); ++i) {
    if (!IsAlnum(rest[i]) && rest[i] != '-') return false;
  }
  return true;
}

// type "/" subtype *(OWS ";" OWS attribute "=" (token / quoted-string)) OWS
bool IsMediaType(std::string_view s) {
  std::size_t i = Token(s, 0);
  if (i == 0 || i == s.size() || s[i] != '/') return false;
  std::size_t sub = ++i;
  i = Token(s, i);
  if (i == sub) return false;
  while (true) {
    i = SkipSpace(s, i);
    if (i == s.size()) return true;
    if (s[i] != ';') return false;
    i = SkipSpace(s, i + 1);
    std::size_t attr = i;
    i = Token(s, i);
    if (i == attr || i == s.size() || s[i] != '=') return false;
    ++i;
    if (i < s.size() && s[i] == '"') {
      for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        if (static_cast<unsigned char>(s[i]) < 0x20 && s[i] != '\t') return false;
      }
      if (i == s.size()) return false;
      ++i;
    } else {
      std::size_t value = i;
      i = Token(s, i);
      if (i == value) return false;
    }
  }
}

}  // namespace internal
}  // namespace lrs::validate
