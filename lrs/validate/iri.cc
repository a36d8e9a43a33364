// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// RFC 3987 absolute IRIs (Data 4.3, 2.2.s4.b1.b8) and "mailto:" IRIs
// (Data 2.4.2.3). A hand-written scanner over the RFC's grammar:
//
//   IRI         = scheme ":" ihier-part [ "?" iquery ] [ "#" ifragment ]
//   ihier-part  = "//" iauthority ipath-abempty / ipath-absolute / ipath-rootless / ipath-empty
//   iauthority  = [ iuserinfo "@" ] ihost [ ":" port ]
//
// Relative references and empty IRIs are rejected, as is an IRI with nothing
// after the scheme (Data 2.2.s4.b6 allows best-effort validation).

#include <cstdint>

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate {
namespace {

bool IsAlpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(unsigned char c) { return IsDigit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }

bool IsUnreservedAscii(unsigned char c) {
  return IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

bool IsSubDelim(unsigned char c) {
  switch (c) {
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':
      return true;
    default:
      return false;
  }
}

// Decodes one UTF-8 sequence at s[*i]; false if malformed.
bool DecodeUtf8(std::string_view s, std::size_t* i, std::uint32_t* cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(*i);
  int len;
  std::uint32_t v;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2, v = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3, v = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4, v = c & 0x07;
  } else {
    return false;
  }
  if (*i + len > s.size()) return false;
  for (int k = 1; k < len; ++k) {
    unsigned char cc = b(*i + k);
    if ((cc & 0xC0) != 0x80) return false;
    v = (v << 6) | (cc & 0x3F);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
      (v >= 0xD800 && v <= 0xDFFF)) {
    return false;
  }
  *i += len;
  *cp = v;
  return true;
}

bool IsUcsChar(std::uint32_t cp) {
  if (cp >= 0xA0 && cp <= 0xD7FF) return true;
  if (cp >= 0xF900 && cp <= 0xFDCF) return true;
  if (cp >= 0xFDF0 && cp <= 0xFFEF) return true;
  return cp >= 0x10000 && cp <= 0xEFFFD && (cp & 0xFFFF) <= 0xFFFD;
}

bool IsIPrivate(std::uint32_t cp) {
  return (cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD) ||
         (cp >= 0x100000 && cp <= 0x10FFFD);
}

// Which characters a component admits besides iunreserved / pct-encoded.
enum Extra : unsigned {
  kSubDelims = 1,
  kColon = 2,
  kAt = 4,
  kSlash = 8,
  kQuestion = 16,
  kPrivate = 32,  // iprivate (query only)
};
constexpr unsigned kPChar = kSubDelims | kColon | kAt;

// Consumes one character of a component at s[*i].
bool ConsumeChar(std::string_view s, std::size_t* i, unsigned extra) {
  unsigned char c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {
    bool ok = IsUnreservedAscii(c) || ((extra & kSubDelims) && IsSubDelim(c)) ||
              ((extra & kColon) && c == ':') || ((extra & kAt) && c == '@') ||
              ((extra & kSlash) && c == '/') || ((extra & kQuestion) && c == '?');
    if (ok) {
      ++*i;
      return true;
    }
    if (c == '%' && *i + 2 < s.size() && IsHexDigit(s[*i + 1]) && IsHexDigit(s[*i + 2])) {
      *i += 3;
      return true;
    }
    return false;
  }
  std::uint32_t cp;
  if (!DecodeUtf8(s, i, &cp)) return false;
  return IsUcsChar(cp) || ((extra & kPrivate) && IsIPrivate(cp));
}

bool ConsumeAll(std::string_view s, unsigned extra) {
  std::size_t i = 0;
  while (i < s.size()) {
    if (!ConsumeChar(s, &i, extra)) return false;
  }
  return true;
}

// IP-literal = "[" ( IPv6address / IPvFuture ) "]", checked loosely.
bool IsIpLiteralBody(std::string_view s) {
  if (s.empty()) return false;
  if (s[0] == 'v' ||
      s[0] == 'V') {  // IPvFuture = "v" 1*HEXDIG "." 1*( unreserved / sub-delims / ":" )
    std::size_t i = 1;
    while (i < s.size() && IsHexDigit(s[i])) ++i;
    if (i == 1 || i >= s.size() || s[i] != '.' || i + 1 == s.size()) return false;
    for (++i; i < s.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(s[i]);
      if (!IsUnreservedAscii(c) && !IsSubDelim(c) && c != ':') return false;
    }
    return true;
  }
  bool colon = false;
  for (char c : s) {
    if (c == ':') {
      colon = true;
    } else if (!IsHexDigit(c) && c != '.') {
      return false;
    }
  }
  return colon;
}

bool IsAuthority(std::string_view a) {
  std::size_t at = a.find('@');
  if (at != std::string_view::npos) {
    if (!ConsumeAll(a.substr(0, at), kSubDelims | kColon)) return false;
    a.remove_prefix(at + 1);
  }
  std::string_view host = a, port;
  if (!a.empty() && a[0] == '[') {
    std::size_t close = a.find(']');
    if (close == std::string_view::npos || !IsIpLiteralBody(a.substr(1, close - 1))) return false;
    std::string_view rest = a.substr(close + 1);
    if (!rest.empty()) {
      if (rest[0] != ':') return false;
      port = rest.substr(1);
    }
    host = {};
  } else {
    std::size_t colon = a.rfind(':');
    if (colon != std::string_view::npos) {
      host = a.substr(0, colon);
      port = a.substr(colon + 1);
    }
  }
  for (char c : port) {
    if (!IsDigit(c)) return false;
  }
  return ConsumeAll(host, kSubDelims);
}

}  // namespace

bool IsAbsoluteIri(std::string_view s) {
  std::size_t n = s.size(), i = 0;
  if (n == 0 || !IsAlpha(s[0])) return false;
  while (i < n && (IsAlpha(s[i]) || IsDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.')) {
    ++i;
  }
  if (i == n || s[i] != ':') return false;
  ++i;
  if (i == n) return false;
  if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
    i += 2;
    std::size_t end = i;
    while (end < n && s[end] != '/' && s[end] != '?' && s[end] != '#') ++end;
    if (!IsAuthority(s.substr(i, end - i))) return false;
    i = end;
  }
  while (i < n && s[i] != '?' && s[i] != '#') {
    if (!ConsumeChar(s, &i, kPChar | kSlash)) return false;
  }
  if (i < n && s[i] == '?') {
    ++i;
    while (i < n && s[i] != '#') {
      if (!ConsumeChar(s, &i, kPChar | kSlash | kQuestion | kPrivate)) return false;
    }
  }
  if (i < n && s[i] == '#') {
    ++i;
    while (i < n) {
      if (!ConsumeChar(s, &i, kPChar | kSlash | kQuestion)) return false;
    }
  }
  return true;
}

namespace internal {

bool IsMailtoIri(std::string_view s) {
  constexpr std::string_view kScheme = "mailto:";
  if (s.substr(0, kScheme.size()) != kScheme) return false;
  std::string_view addr = s.substr(kScheme.size());
  // One addr-spec: local "@" domain, no header fields, no second address.
  std::size_t at = addr.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == addr.size()) return false;
  std::string_view local = addr.substr(0, at), domain = addr.substr(at + 1);
  if (!ConsumeAll(local, kSubDelims) || local.find(',') != std::string_view::npos) {
    return false;
  }
  if (domain[0] == '[') {
    return domain.back() == ']' && IsIpLiteralBody(domain.substr(1, domain.size() - 2));
  }
  if (domain.front() == '.' || domain.back() == '.') return false;
  for (std::size_t i = 0; i < domain.size();) {
    unsigned char c = static_cast<unsigned char>(domain[i]);
    if (c < 0x80) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '-' && c != '.' && c != '_') return false;
      ++i;
    } else if (!ConsumeChar(domain, &i, 0)) {
      return false;
    }
  }
  return true;
}

}  // namespace internal
}  // namespace lrs::validate
