// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement validation: every MUST of xAPI Data (1.0.3 and 2.0.0) that an LRS
// enforces on incoming statements. Errors are InvalidArgument with a message
// "<json path>: <rule>", e.g. "actor.mbox: must be a mailto: IRI" or
// "context.contextActivities.parent[0].id: must be an absolute IRI".
//
// Thread safety: stateless functions; safe from any thread.

#ifndef LRS_VALIDATE_VALIDATOR_H_
#define LRS_VALIDATE_VALIDATOR_H_

#include <string_view>

#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/xapi.h"

namespace lrs::validate {

// Validates one top-level statement as received in a request, under the
// rules of `version`, and normalizes it in place:
//  - context.contextActivities.{parent,grouping,category,other} given as a
//    single object become one-element arrays (Data 2.4.6.2).
// LRS-assigned properties ("stored", "authority", "version", "id",
// "timestamp") may be present and are validated; the store assigns or
// overwrites them afterwards.
Status ValidateStatement(json::Value& stmt, json::Allocator& alloc, XapiVersion version);

// Validates an Agent, or when allow_group an identified Group, given as a
// request parameter (the `agent` parameter of queries and document APIs).
// `path` names it in errors (e.g. "agent").
Status ValidateAgentParam(const json::Value& agent, XapiVersion version, bool allow_group,
                          std::string_view path);

// Data type checks shared with other modules.
bool IsAbsoluteIri(std::string_view s);          // RFC 3987 absolute IRI
bool IsLanguageTag(std::string_view s);          // RFC 5646
bool IsIso8601Duration(std::string_view s);      // Data 4.6
bool IsUuid(std::string_view s);                 // Data 4.4 (8-4-4-4-12 hex)
bool IsTimestamp(std::string_view s, XapiVersion version);  // Data 4.5

}  // namespace lrs::validate

#endif  // LRS_VALIDATE_VALIDATOR_H_
