// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internals of the statement validator, shared by its .cc files. Not API.
//
// Validation walks the statement once. The JSON path of the value being
// checked lives on the stack as a chain of Path nodes and becomes text only
// when an error is reported, so the accept path allocates nothing.

#ifndef LRS_VALIDATE_INTERNAL_H_
#define LRS_VALIDATE_INTERNAL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/xapi.h"

namespace lrs::validate::internal {

using json::Value;

// One step of a JSON path: a member name or an array index, linked to its
// parent. The root has no parent; its name is used only when the error is
// about the root itself.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  int index = -1;  // >= 0 for an array element

  Path Child(std::string_view k) const { return Path{this, k, -1}; }
  Path At(std::size_t i) const { return Path{this, {}, static_cast<int>(i)}; }
  // "context.contextActivities.parent[0].id"; the root's own name alone.
  std::string ToString() const;
};

// InvalidArgument("<path>: <rule>").
Status Error(const Path& path, std::string_view rule);
// `s` in double quotes, cut to a sane length, for messages naming a key.
std::string Quote(std::string_view s);

inline std::string_view Str(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Per-call state that does not change while descending.
struct Ctx {
  XapiVersion version;
  bool v2() const { return version == XapiVersion::k2_0_0; }
};

// ---- Objects with a fixed set of properties ------------------------------

// Scans the members of the JSON object `obj` against `names` (an array of
// `n` property names). On success, slots[i] points to the value of names[i]
// or is nullptr when absent. Rejects a non-object, unknown properties,
// duplicate properties and null values (Data 2.2.s4.b1.b1, 2.2.s4.b1.b7,
// 2.2.s2.b2).
Status ScanObject(const Value& obj, const Path& path, const std::string_view* names, std::size_t n,
                  const Value** slots);

template <std::size_t N>
struct Fields {
  const Value* slot[N] = {};
  const Value* operator[](std::size_t i) const { return slot[i]; }
};

template <std::size_t N>
Status Scan(const Value& obj, const Path& path, const std::string_view (&names)[N],
            Fields<N>* out) {
  return ScanObject(obj, path, names, N, out->slot);
}

// Rejects duplicate member names in `obj` (an object whose keys are free,
// e.g. a language map). Quadratic for small objects, sorting for large.
Status CheckNoDuplicateKeys(const Value& obj, const Path& path);

// Rejects duplicate member names anywhere inside `v` (extension values).
Status CheckNoDuplicateKeysDeep(const Value& v, const Path& path, int depth);

// ---- Typed leaves ---------------------------------------------------------

Status ExpectString(const Value& v, const Path& path);
Status ExpectBool(const Value& v, const Path& path);
Status ExpectNumber(const Value& v, const Path& path);
Status ExpectIri(const Value& v, const Path& path);  // absolute IRI
Status ExpectIrl(const Value& v, const Path& path);  // absolute IRI meant to resolve
Status ExpectUuidValue(const Value& v, const Path& path);
Status ExpectLanguageMap(const Value& v, const Path& path);  // Data 4.2
Status ExpectExtensions(const Value& v, const Path& path);   // Data 4.1
Status ExpectTimestampValue(const Value& v, const Path& path, const Ctx& ctx);

// ---- Data type scanners (datatypes.cc, media_type.cc) ----------------------

bool IsMailtoIri(std::string_view s);  // "mailto:" + addr-spec
bool IsHex(std::string_view s);
bool IsSha1Hex(std::string_view s);    // 40 hex digits
bool IsSha2Hex(std::string_view s);    // 56, 64, 96 or 128 hex digits
bool IsMediaType(std::string_view s);  // RFC 2045 type "/" subtype *(";" parameter)
bool IsStatementVersion(std::string_view s, XapiVersion version);  // Data 2.4.10

// ---- Statement parts ---------------------------------------------------------

enum class AgentRole {
  kActor,         // Agent or Group; objectType optional for an Agent
  kObject,        // Agent or Group as a statement object (objectType checked by caller)
  kInstructor,    // Agent or Group
  kTeam,          // Group only
  kMember,        // a Group's member: Agent only
  kAuthority,     // Agent, or an anonymous Group of two Agents, one with account
  kParam,         // Agent, or an identified Group when allowed (request parameters)
  kParamAgent,    // Agent only (request parameters)
  kContextAgent,  // 2.0.0 contextAgents[i].agent: Agent only
  kContextGroup,  // 2.0.0 contextGroups[i].group: Group only
};

// Data 2.4.2: Agent or Group, by role.
Status ValidateActor(const Value& v, const Path& path, const Ctx& ctx, AgentRole role);

// Data 2.4.3.
Status ValidateVerb(const Value& v, const Path& path, const Ctx& ctx);

// What the statement's object turned out to be; context rules depend on it.
enum class ObjectKind { kActivity, kAgent, kGroup, kStatementRef, kSubStatement };

// Data 2.4.4: the object of a statement (`in_sub`: of a SubStatement).
Status ValidateObject(json::Value& v, json::Allocator& alloc, const Path& path, const Ctx& ctx,
                      bool in_sub, ObjectKind* kind);

// Data 2.4.4.1: an Activity (statement object or context activity).
Status ValidateActivity(const Value& v, const Path& path, const Ctx& ctx);
Status ValidateActivityDefinition(const Value& v, const Path& path, const Ctx& ctx);

// Data 2.4.4.3: a Statement Reference.
Status ValidateStatementRef(const Value& v, const Path& path, const Ctx& ctx);

// Data 2.4.5.
Status ValidateResult(const Value& v, const Path& path, const Ctx& ctx);

// Data 2.4.6. Normalizes single context activities to arrays in place.
Status ValidateContext(json::Value& v, json::Allocator& alloc, const Path& path, const Ctx& ctx,
                       ObjectKind object_kind);

// Data 2.4.11.
Status ValidateAttachments(const Value& v, const Path& path, const Ctx& ctx);

// Data 2.4 / 2.4.4.3 (SubStatement when `sub`): the statement body.
Status ValidateStatementBody(json::Value& v, json::Allocator& alloc, const Path& path,
                             const Ctx& ctx, bool sub);

}  // namespace lrs::validate::internal

#endif  // LRS_VALIDATE_INTERNAL_H_
