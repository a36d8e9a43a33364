// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal helpers shared by the statement_ops implementation files. Not part
// of the module's contract (statement_ops.h).

#ifndef LRS_XAPI_OPS_UTIL_H_
#define LRS_XAPI_OPS_UTIL_H_

#include <string>
#include <string_view>
#include <vector>

#include "lrs/json/json.h"

namespace lrs::xapi::internal {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII case-insensitive comparisons (UUIDs, hex digests, language tags,
// e-mail domains: all ASCII by their grammars).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);

// Inverse functional identifiers of Agents and Groups (Data 2.4.2.3).
inline bool IsIfiName(std::string_view n) {
  return n == "mbox" || n == "mbox_sha1sum" || n == "openid" || n == "account";
}

// Interaction component lists of an Activity definition (Data 2.4.4.1.s8).
inline bool IsComponentListName(std::string_view n) {
  return n == "choices" || n == "scale" || n == "source" || n == "target" || n == "steps";
}

// Position of the '@' that starts the domain part of an mbox IRI
// ("mailto:local@domain"), or npos.
inline std::size_t MboxDomainAt(std::string_view mbox) { return mbox.rfind('@'); }

// The member of `map` (a language map) chosen by PickLanguage, or nullptr for
// an empty map or a non-object.
const json::Value::Member* PickLanguageMember(const json::Value& map,
                                              const std::vector<std::string>& languages);

// Finds a member by name; nullptr when `obj` is not an object or lacks it.
inline json::Value* MutableMember(json::Value& obj, std::string_view name) {
  return const_cast<json::Value*>(json::Member(obj, name));
}

}  // namespace lrs::xapi::internal

#endif  // LRS_XAPI_OPS_UTIL_H_
