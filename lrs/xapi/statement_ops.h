// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Operations on validated xAPI statements that need no storage: comparison
// under the immutability exceptions, the ids/canonical result formats,
// language negotiation, activity-definition merging, and agent identity keys.
//
// Thread safety: stateless functions; safe from any thread.

#ifndef LRS_XAPI_STATEMENT_OPS_H_
#define LRS_XAPI_STATEMENT_OPS_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/json/json.h"

namespace lrs::xapi {

// Data 2.3.1 "Statement Comparison Requirements": true iff `incoming` (a
// statement as received, already validated and normalized) is the same
// statement as `stored` (as the LRS stored it), ignoring every difference
// that the immutability exceptions allow: LRS-assigned id/authority/stored/
// version; a timestamp absent from `incoming` (the LRS assigned it);
// timestamps compared as instants; activity definitions; verb display;
// order of Group members; attachments' payloads; case-insensitive parts
// (UUID hex digits, mbox domain, mbox_sha1sum hex). Everything else counts.
bool StatementsEquivalent(const json::Value& incoming, const json::Value& stored);

// GET /statements format=ids (Communication 2.1.3): reduces Agents, Groups,
// Activities and Verbs (also inside SubStatements and context) to the
// properties needed to identify them. Anonymous groups keep their members,
// each reduced to its identifier.
void ApplyIdsFormat(json::Value& stmt, json::Allocator& alloc);

// Looks up the LRS's canonical Activity object (with "definition") for an id;
// returns nullptr when none is known.
using CanonicalActivityLookup = std::function<const json::Value*(std::string_view activity_id)>;

// format=canonical (Communication 2.1.3 and 2.1.3.s4): Activity objects get
// the canonical definition (when known), and every language map in Activity
// definitions (name, description, interaction components' description) and
// in Verb display is reduced to the one entry best matching `languages`.
void ApplyCanonicalFormat(json::Value& stmt, json::Allocator& alloc,
                          const std::vector<std::string>& languages,
                          const CanonicalActivityLookup& lookup);

// Picks the key of `map` (a language map) best matching the preference
// list (RFC 4647 lookup; "und" and then the first entry as fallbacks).
// Tags match case-insensitively. For each preference in order: the exact
// tag, then a key extending it ("en" -> "en-US"), then its truncations
// ("en-US" -> "en"). Failing all of them, a key sharing a preference's
// primary language ("de-CH" -> "de-DE") beats the fallbacks. "*" is the
// fallback. Returns an empty view for an empty map.
std::string_view PickLanguage(const json::Value& map, const std::vector<std::string>& languages);

// Parses an Accept-Language header into tags ordered by q (q=0 dropped).
std::vector<std::string> ParseAcceptLanguage(std::string_view header);

// Merges an incoming Activity definition into the canonical one for the
// activities resource (Communication 2.5): language maps are unioned with
// the incoming entries winning, other properties replaced when present.
// Component lists (choices, scale, ...) are replaced, each component's
// description merged with the old one of the same id; extensions are merged
// per key. A new interactionType drops old component lists it cannot use.
void MergeActivityDefinition(json::Value& canonical_def, const json::Value& incoming_def,
                             json::Allocator& alloc);

// The identity key of an Agent or identified Group: "mbox:<mailto IRI with
// lowercased domain>", "mbox_sha1sum:<lowercase hex>", "openid:<IRI>",
// "account:<homePage>|<name>". The objectType is not part of the key.
// Returns false when the object has no inverse functional identifier.
bool AgentIdentityKey(const json::Value& agent, std::string* key);

}  // namespace lrs::xapi

#endif  // LRS_XAPI_STATEMENT_OPS_H_
