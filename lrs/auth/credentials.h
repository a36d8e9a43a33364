// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Credentials and scopes (xAPI Communication 4.1 and its scope list).

#ifndef LRS_AUTH_CREDENTIALS_H_
#define LRS_AUTH_CREDENTIALS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lrs::auth {

// xAPI's OAuth scope names, as bits. kAll implies every other xAPI scope;
// kAllRead implies kStatementsRead and read access to documents, agents and
// activities; kStatementsRead implies kStatementsReadMine. kAdmin is ours,
// not xAPI's: it allows the store's operations endpoints (/admin/..., e.g.
// the sync dead-letter queue) and nothing else; kAll does not imply it.
enum Scope : std::uint32_t {
  kStatementsWrite = 1u << 0,     // "statements/write"
  kStatementsRead = 1u << 1,      // "statements/read"
  kStatementsReadMine = 1u << 2,  // "statements/read/mine"
  kState = 1u << 3,               // "state"
  kProfile = 1u << 4,             // "profile"
  kDefine = 1u << 5,              // "define"
  kAllRead = 1u << 6,             // "all/read"
  kAll = 1u << 7,                 // "all"
  kAdmin = 1u << 8,               // "admin"
};

// Parses a comma- or space-separated scope list ("statements/write,state").
// Returns false (and names the bad entry in *why) on an unknown scope.
bool ParseScopes(std::string_view text, std::uint32_t* scopes, std::string* why);
// "statements/write,state" (canonical order).
std::string ScopesToString(std::uint32_t scopes);
// True iff `granted` allows what `needed` (one Scope bit) asks, following
// the implications above.
bool Allows(std::uint32_t granted, std::uint32_t needed);
// For reads: Allows(granted, needed), or granted holds kAllRead (which
// allows reading documents, agents and activities, not writing them). E.g.
// GET /activities/state asks AllowsRead(scopes, kState); PUT asks Allows.
bool AllowsRead(std::uint32_t granted, std::uint32_t needed);

// Who a request comes from, once authenticated.
struct Principal {
  std::string store;           // the store (tenant) the credential belongs to
  std::string key;             // credential key (public half)
  std::string label;           // human name of the credential
  std::uint32_t scopes = 0;
  std::string authority_json;  // xAPI authority Agent for statements it writes
};

}  // namespace lrs::auth

#endif  // LRS_AUTH_CREDENTIALS_H_
