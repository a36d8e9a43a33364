// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Context (Data 2.4.6), contextActivities (2.4.6.2, normalized to arrays in
// place) and the xAPI 2.0.0 contextAgents / contextGroups.

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::internal {
namespace {

enum ContextField {
  kRegistration,
  kInstructor,
  kTeam,
  kContextActivities,
  kRevision,
  kPlatform,
  kLanguage,
  kStatement,
  kExtensions,
  kContextAgents,  // 2.0.0
  kContextGroups,  // 2.0.0
  kNumFields
};
constexpr std::string_view kContextFields[] = {
    "registration", "instructor", "team",       "contextActivities", "revision",     "platform",
    "language",     "statement",  "extensions", "contextAgents",     "contextGroups"};
static_assert(sizeof(kContextFields) / sizeof(kContextFields[0]) == kNumFields);

Value& Mutable(const Value* v) { return const_cast<Value&>(*v); }

// Data 2.4.6.2.s4: keys parent, grouping, category, other; each value an
// Activity or an array of Activities. A single Activity becomes a
// one-element array (2.4.6.2.s4.b3, b4).
Status ValidateContextActivities(Value& v, json::Allocator& alloc, const Path& path,
                                 const Ctx& ctx) {
  static constexpr std::string_view kFields[] = {"parent", "grouping", "category", "other"};
  Fields<4> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  for (int k = 0; k < 4; ++k) {
    if (f[k] == nullptr) continue;
    Value& list = Mutable(f[k]);
    Path lp = path.Child(kFields[k]);
    if (list.IsObject()) {
      LRS_RETURN_IF_ERROR(ValidateActivity(list, lp, ctx));
      Value array(rapidjson::kArrayType);
      array.PushBack(list, alloc);  // moves the Activity out of `list`
      list = array;                 // and the array into its place
      continue;
    }
    if (!list.IsArray()) return Error(lp, "must be an Activity or an array of Activities");
    for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
      LRS_RETURN_IF_ERROR(ValidateActivity(list[i], lp.At(i), ctx));
    }
  }
  return Status::OK();
}

// 2.0.0: relevantTypes is a non-empty array of IRIs.
Status ValidateRelevantTypes(const Value& v, const Path& path) {
  if (!v.IsArray()) return Error(path, "must be an array of IRIs");
  if (v.Empty()) return Error(path, "must not be empty");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    LRS_RETURN_IF_ERROR(ExpectIri(v[i], path.At(i)));
  }
  return Status::OK();
}

// 2.0.0: contextAgents = [{"objectType": "contextAgent", "agent": Agent,
// "relevantTypes": [IRI, ...]}], and contextGroups likewise with "group".
Status ValidateContextActors(const Value& v, const Path& path, const Ctx& ctx, bool groups) {
  const std::string_view type = groups ? "contextGroup" : "contextAgent";
  const std::string_view who = groups ? "group" : "agent";
  const std::string_view fields[] = {"objectType", who, "relevantTypes"};
  if (!v.IsArray()) return Error(path, "must be an array of " + std::string(type) + " objects");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    Path ep = path.At(i);
    const Value* slots[3] = {};
    LRS_RETURN_IF_ERROR(ScanObject(v[i], ep, fields, 3, slots));
    if (slots[0] == nullptr) return Error(ep, "missing required property \"objectType\"");
    Path tp = ep.Child("objectType");
    LRS_RETURN_IF_ERROR(ExpectString(*slots[0], tp));
    if (Str(*slots[0]) != type) return Error(tp, "must be " + Quote(type));
    if (slots[1] == nullptr) return Error(ep, "missing required property " + Quote(who));
    LRS_RETURN_IF_ERROR(
        ValidateActor(*slots[1], ep.Child(who), ctx,
                      groups ? AgentRole::kContextGroup : AgentRole::kContextAgent));
    if (slots[2] != nullptr) {
      LRS_RETURN_IF_ERROR(ValidateRelevantTypes(*slots[2], ep.Child("relevantTypes")));
    }
  }
  return Status::OK();
}

}  // namespace

Status ValidateContext(json::Value& v, json::Allocator& alloc, const Path& path, const Ctx& ctx,
                       ObjectKind object_kind) {
  Fields<kNumFields> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kContextFields, &f));
  if (!ctx.v2()) {
    for (ContextField k : {kContextAgents, kContextGroups}) {
      if (f[k] != nullptr) {
        return Error(path, "unknown property " + Quote(kContextFields[k]) + " (new in xAPI 2.0.0)");
      }
    }
  }
  if (f[kRegistration] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectUuidValue(*f[kRegistration], path.Child("registration")));
  }
  if (f[kInstructor] != nullptr) {
    LRS_RETURN_IF_ERROR(
        ValidateActor(*f[kInstructor], path.Child("instructor"), ctx, AgentRole::kInstructor));
  }
  if (f[kTeam] != nullptr) {
    LRS_RETURN_IF_ERROR(ValidateActor(*f[kTeam], path.Child("team"), ctx, AgentRole::kTeam));
  }
  if (f[kContextActivities] != nullptr) {
    LRS_RETURN_IF_ERROR(ValidateContextActivities(Mutable(f[kContextActivities]), alloc,
                                                  path.Child("contextActivities"), ctx));
  }
  // Data 2.4.6.s4.b1, b2.
  for (ContextField k : {kRevision, kPlatform}) {
    if (f[k] == nullptr) continue;
    Path p = path.Child(kContextFields[k]);
    LRS_RETURN_IF_ERROR(ExpectString(*f[k], p));
    if (object_kind != ObjectKind::kActivity) {
      return Error(p, "only allowed when the statement's object is an Activity");
    }
  }
  if (f[kLanguage] != nullptr) {
    Path p = path.Child("language");
    LRS_RETURN_IF_ERROR(ExpectString(*f[kLanguage], p));
    if (!IsLanguageTag(Str(*f[kLanguage]))) return Error(p, "must be an RFC 5646 language tag");
  }
  if (f[kStatement] != nullptr) {
    LRS_RETURN_IF_ERROR(ValidateStatementRef(*f[kStatement], path.Child("statement"), ctx));
  }
  if (f[kExtensions] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectExtensions(*f[kExtensions], path.Child("extensions")));
  }
  if (f[kContextAgents] != nullptr) {
    LRS_RETURN_IF_ERROR(
        ValidateContextActors(*f[kContextAgents], path.Child("contextAgents"), ctx, false));
  }
  if (f[kContextGroups] != nullptr) {
    LRS_RETURN_IF_ERROR(
        ValidateContextActors(*f[kContextGroups], path.Child("contextGroups"), ctx, true));
  }
  return Status::OK();
}

}  // namespace lrs::validate::internal
