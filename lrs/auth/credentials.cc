// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// xAPI scope names and their implications.

#include "lrs/auth/credentials.h"

#include <cstddef>

namespace lrs::auth {
namespace {

struct ScopeName {
  Scope bit;
  std::string_view name;
};

// Canonical order (ScopesToString).
constexpr ScopeName kScopeNames[] = {
    {kStatementsWrite, "statements/write"},
    {kStatementsRead, "statements/read"},
    {kStatementsReadMine, "statements/read/mine"},
    {kState, "state"},
    {kProfile, "profile"},
    {kDefine, "define"},
    {kAllRead, "all/read"},
    {kAll, "all"},
    {kAdmin, "admin"},
};

bool IsSeparator(char c) { return c == ',' || c == ' ' || c == '\t'; }

}  // namespace

bool ParseScopes(std::string_view text, std::uint32_t* scopes, std::string* why) {
  std::uint32_t bits = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (IsSeparator(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && !IsSeparator(text[j])) ++j;
    std::string_view word = text.substr(i, j - i);
    bool known = false;
    for (const ScopeName& s : kScopeNames) {
      if (s.name == word) {
        bits |= s.bit;
        known = true;
        break;
      }
    }
    if (!known) {
      if (why) {
        *why = "unknown scope \"" + std::string(word.substr(0, 64)) +
               "\" (known: statements/write, statements/read, statements/read/mine, state, "
               "profile, define, all/read, all, admin)";
      }
      return false;
    }
    i = j;
  }
  if (bits == 0) {
    if (why) *why = "empty scope list";
    return false;
  }
  *scopes = bits;
  return true;
}

std::string ScopesToString(std::uint32_t scopes) {
  std::string out;
  for (const ScopeName& s : kScopeNames) {
    if ((scopes & s.bit) == 0) continue;
    if (!out.empty()) out += ',';
    out += s.name;
  }
  return out;
}

bool Allows(std::uint32_t granted, std::uint32_t needed) {
  if (needed == kAdmin) return (granted & kAdmin) != 0;
  if (granted & kAll) return true;
  if (granted & needed) return true;
  switch (needed) {
    case kStatementsReadMine:
      return (granted & (kStatementsRead | kAllRead)) != 0;
    case kStatementsRead:
      return (granted & kAllRead) != 0;
    default:
      return false;
  }
}

bool AllowsRead(std::uint32_t granted, std::uint32_t needed) {
  if (needed == kAdmin) return (granted & kAdmin) != 0;
  return Allows(granted, needed) || (granted & kAllRead) != 0;
}

}  // namespace lrs::auth
