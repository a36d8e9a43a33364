// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The object of a statement (Data 2.4.4): Activity (2.4.4.1), Agent or Group
// (2.4.4.2), Statement Reference and SubStatement (2.4.4.3).

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::internal {
namespace {

bool LooksLikeAgent(const Value& v) {
  for (std::string_view k : {"mbox", "mbox_sha1sum", "openid", "account", "member"}) {
    if (json::Member(v, k) != nullptr) return true;
  }
  return false;
}

}  // namespace

Status ValidateActivity(const Value& v, const Path& path, const Ctx& ctx) {
  static constexpr std::string_view kFields[] = {"objectType", "id", "definition"};
  Fields<3> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  if (f[0] != nullptr) {
    Path tp = path.Child("objectType");
    LRS_RETURN_IF_ERROR(ExpectString(*f[0], tp));
    if (Str(*f[0]) != "Activity") return Error(tp, "must be \"Activity\"");
  }
  if (f[1] == nullptr) return Error(path, "missing required property \"id\"");
  LRS_RETURN_IF_ERROR(ExpectIri(*f[1], path.Child("id")));
  if (f[2] != nullptr) {
    LRS_RETURN_IF_ERROR(ValidateActivityDefinition(*f[2], path.Child("definition"), ctx));
  }
  return Status::OK();
}

// Data 2.4.4.3.s4: {"objectType": "StatementRef", "id": UUID}, both required.
Status ValidateStatementRef(const Value& v, const Path& path, const Ctx&) {
  static constexpr std::string_view kFields[] = {"objectType", "id"};
  Fields<2> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  if (f[0] == nullptr) return Error(path, "missing required property \"objectType\"");
  Path tp = path.Child("objectType");
  LRS_RETURN_IF_ERROR(ExpectString(*f[0], tp));
  if (Str(*f[0]) != "StatementRef") return Error(tp, "must be \"StatementRef\"");
  if (f[1] == nullptr) return Error(path, "missing required property \"id\"");
  return ExpectUuidValue(*f[1], path.Child("id"));
}

Status ValidateObject(json::Value& v, json::Allocator& alloc, const Path& path, const Ctx& ctx,
                      bool in_sub, ObjectKind* kind) {
  if (!v.IsObject()) return Error(path, v.IsNull() ? "must not be null" : "must be a JSON object");
  const Value* type = json::Member(v, "objectType");
  if (type == nullptr) {
    // Data 2.4.4.s2: an Activity when objectType is absent.
    *kind = ObjectKind::kActivity;
    if (LooksLikeAgent(v)) {
      return Error(path, "objectType is required when the object is an Agent or Group");
    }
    return ValidateActivity(v, path, ctx);
  }
  Path tp = path.Child("objectType");
  LRS_RETURN_IF_ERROR(ExpectString(*type, tp));
  std::string_view t = Str(*type);
  if (t == "Activity") {
    *kind = ObjectKind::kActivity;
    return ValidateActivity(v, path, ctx);
  }
  if (t == "Agent" || t == "Group") {
    *kind = t == "Agent" ? ObjectKind::kAgent : ObjectKind::kGroup;
    return ValidateActor(v, path, ctx, AgentRole::kObject);
  }
  if (t == "StatementRef") {
    *kind = ObjectKind::kStatementRef;
    return ValidateStatementRef(v, path, ctx);
  }
  if (t == "SubStatement") {
    *kind = ObjectKind::kSubStatement;
    // Data 2.4.4.3.s8.b4.
    if (in_sub) return Error(tp, "a SubStatement cannot contain a SubStatement");
    return ValidateStatementBody(v, alloc, path, ctx, /*sub=*/true);
  }
  return Error(tp,
               "must be \"Activity\", \"Agent\", \"Group\", \"StatementRef\" or \"SubStatement\"");
}

}  // namespace lrs::validate::internal
