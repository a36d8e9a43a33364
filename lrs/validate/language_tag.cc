// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// RFC 5646 well-formed language tags (Data 2.2.s4.b2, 4.2), by the RFC's
// section 2.1 ABNF:
//
//   Language-Tag  = langtag / privateuse / grandfathered
//   langtag       = language ["-" script] ["-" region] *("-" variant)
//                   *("-" extension) ["-" privateuse]
//   language      = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
//   extlang       = 3ALPHA *2("-" 3ALPHA)
//   script        = 4ALPHA
//   region        = 2ALPHA / 3DIGIT
//   variant       = 5*8alphanum / (DIGIT 3alphanum)
//   extension     = singleton 1*("-" (2*8alphanum))
//   privateuse    = "x" 1*("-" (1*8alphanum))
//
// Subtags are not checked against the IANA registry (Data 2.2.s4.b7 allows
// best effort); the "sequence of token lengths" is checked exactly.

#include <array>
#include <cstddef>

#include "lrs/validate/validator.h"

namespace lrs::validate {
namespace {

constexpr std::size_t kMaxSubtags = 64;

bool IsAlpha(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllAlpha(std::string_view s) {
  for (char c : s) {
    if (!IsAlpha(c)) return false;
  }
  return true;
}

bool AllDigit(std::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (IsAlpha(x)) x |= 0x20;
    if (IsAlpha(y)) y |= 0x20;
    if (x != y) return false;
  }
  return true;
}

// The irregular grandfathered tags: the ones the langtag rule cannot parse.
// (The regular ones, e.g. "zh-min-nan", are also well-formed langtags.)
constexpr std::string_view kIrregular[] = {
    "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
    "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
    "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE",
};

// Parses "x" 1*("-" (1*8alphanum)) starting at tags[i]; returns the index
// after it, or 0 on failure.
std::size_t PrivateUse(const std::string_view* tags, std::size_t n, std::size_t i) {
  if (i >= n || tags[i].size() != 1 || (tags[i][0] | 0x20) != 'x') return 0;
  ++i;
  if (i == n) return 0;
  return n;  // every subtag is 1*8alphanum, checked by the splitter
}

}  // namespace

bool IsLanguageTag(std::string_view s) {
  if (s.empty()) return false;
  std::array<std::string_view, kMaxSubtags> tags;
  std::size_t n = 0, start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '-') {
      std::size_t len = i - start;
      if (len == 0 || len > 8 || n == kMaxSubtags) return false;
      tags[n++] = s.substr(start, len);
      start = i + 1;
    } else if (!IsAlpha(s[i]) && !IsDigit(s[i])) {
      return false;
    }
  }
  for (std::string_view g : kIrregular) {
    if (EqualsIgnoreCase(s, g)) return true;
  }
  if (PrivateUse(tags.data(), n, 0) == n && n > 0 && tags[0].size() == 1) return true;

  std::size_t i = 0;
  // language
  std::string_view lang = tags[i++];
  if (!AllAlpha(lang) || lang.size() < 2) return false;
  if (lang.size() <= 3) {
    // extlang
    for (int k = 0; k < 3 && i < n && tags[i].size() == 3 && AllAlpha(tags[i]); ++k) ++i;
  }
  // script
  if (i < n && tags[i].size() == 4 && AllAlpha(tags[i])) ++i;
  // region
  if (i < n &&
      ((tags[i].size() == 2 && AllAlpha(tags[i])) || (tags[i].size() == 3 && AllDigit(tags[i])))) {
    ++i;
  }
  // variants
  while (i < n && (tags[i].size() >= 5 || (tags[i].size() == 4 && IsDigit(tags[i][0])))) ++i;
  // extensions
  while (i < n && tags[i].size() == 1 && (tags[i][0] | 0x20) != 'x') {
    ++i;
    std::size_t first = i;
    while (i < n && tags[i].size() >= 2) ++i;
    if (i == first) return false;
  }
  // private use
  if (i < n) {
    if (PrivateUse(tags.data(), n, i) != n) return false;
    i = n;
  }
  return i == n;
}

}  // namespace lrs::validate
