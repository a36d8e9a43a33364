// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The statement itself (Data 2.2, 2.4) and its SubStatement form (2.4.4.3),
// the verb (2.4.3), and the entry point ValidateStatement.
//
// Where 2.0.0 (IEEE 9274.1.1, as captured by the ADL conformance suite's
// test/v2_0) differs from 1.0.3, the validator follows the request's version:
//  - context.contextAgents / context.contextGroups exist only in 2.0.0
//    (context.cc);
//  - "version" may also be "2.0" / "2.0.x" under 2.0.0 (datatypes.cc);
//  - timestamps and stored need a time zone offset under 2.0.0 (datatypes.cc).
// Everything else is shared: the two suites test the same statement rules.

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate {
namespace internal {
namespace {

constexpr std::string_view kVoidedVerb = "http://adlnet.gov/expapi/verbs/voided";

enum StatementField {
  kId,
  kActor,
  kVerb,
  kObject,
  kResult,
  kContext,
  kTimestamp,
  kStored,
  kAuthority,
  kVersion,
  kAttachments,
  kObjectType,  // SubStatement only
  kNumFields
};
constexpr std::string_view kStatementFields[] = {
    "id",        "actor",  "verb",      "object",  "result",      "context",
    "timestamp", "stored", "authority", "version", "attachments", "objectType"};
static_assert(sizeof(kStatementFields) / sizeof(kStatementFields[0]) == kNumFields);

// Scan() hands out const pointers into the statement; the statement itself
// was passed in mutable, so the normalizing parts may write through them.
Value& Mutable(const Value* v) { return const_cast<Value&>(*v); }

}  // namespace

Status ValidateVerb(const Value& v, const Path& path, const Ctx&) {
  static constexpr std::string_view kFields[] = {"id", "display"};
  Fields<2> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  if (f[0] == nullptr) return Error(path, "missing required property \"id\"");
  LRS_RETURN_IF_ERROR(ExpectIri(*f[0], path.Child("id")));
  if (f[1] != nullptr) LRS_RETURN_IF_ERROR(ExpectLanguageMap(*f[1], path.Child("display")));
  return Status::OK();
}

Status ValidateStatementBody(json::Value& v, json::Allocator& alloc, const Path& path,
                             const Ctx& ctx, bool sub) {
  Fields<kNumFields> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kStatementFields, &f));
  if (sub) {
    // Data 2.4.4.3.s8.b3.
    for (StatementField k : {kId, kStored, kVersion, kAuthority}) {
      if (f[k] != nullptr) {
        return Error(path.Child(kStatementFields[k]), "not allowed in a SubStatement");
      }
    }
  } else if (f[kObjectType] != nullptr) {
    return Error(path, "unknown property \"objectType\"");
  }

  // Data 2.4.1: id.
  if (f[kId] != nullptr) LRS_RETURN_IF_ERROR(ExpectUuidValue(*f[kId], path.Child("id")));

  // Data 2.2.s2.b3: actor, verb and object are required.
  if (f[kActor] == nullptr) return Error(path, "missing required property \"actor\"");
  LRS_RETURN_IF_ERROR(ValidateActor(*f[kActor], path.Child("actor"), ctx, AgentRole::kActor));
  if (f[kVerb] == nullptr) return Error(path, "missing required property \"verb\"");
  Path verb_path = path.Child("verb");
  LRS_RETURN_IF_ERROR(ValidateVerb(*f[kVerb], verb_path, ctx));
  if (f[kObject] == nullptr) return Error(path, "missing required property \"object\"");
  ObjectKind kind;
  LRS_RETURN_IF_ERROR(
      ValidateObject(Mutable(f[kObject]), alloc, path.Child("object"), ctx, sub, &kind));

  // Data 2.3.2.s2.b1: a voiding statement's object is a StatementRef. A
  // SubStatement voids nothing, so this applies to statements only.
  if (!sub && kind != ObjectKind::kStatementRef && json::StringOr(*f[kVerb], "id") == kVoidedVerb) {
    return Error(path.Child("object"), "a voiding statement's object must be a StatementRef");
  }

  if (f[kResult] != nullptr) {
    LRS_RETURN_IF_ERROR(ValidateResult(*f[kResult], path.Child("result"), ctx));
  }
  if (f[kContext] != nullptr) {
    LRS_RETURN_IF_ERROR(
        ValidateContext(Mutable(f[kContext]), alloc, path.Child("context"), ctx, kind));
  }
  // Data 2.4.7, 2.4.8, 4.5.
  if (f[kTimestamp] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectTimestampValue(*f[kTimestamp], path.Child("timestamp"), ctx));
  }
  if (f[kStored] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectTimestampValue(*f[kStored], path.Child("stored"), ctx));
  }
  // Data 2.4.9.
  if (f[kAuthority] != nullptr) {
    LRS_RETURN_IF_ERROR(
        ValidateActor(*f[kAuthority], path.Child("authority"), ctx, AgentRole::kAuthority));
  }
  // Data 2.4.10.
  if (f[kVersion] != nullptr) {
    Path vp = path.Child("version");
    LRS_RETURN_IF_ERROR(ExpectString(*f[kVersion], vp));
    if (!IsStatementVersion(Str(*f[kVersion]), ctx.version)) {
      return Error(vp, ctx.v2() ? "must be \"1.0\", \"1.0.x\", \"2.0\" or \"2.0.x\""
                                : "must be \"1.0\" or \"1.0.x\"");
    }
  }
  // Data 2.4.11.
  if (f[kAttachments] != nullptr) {
    LRS_RETURN_IF_ERROR(ValidateAttachments(*f[kAttachments], path.Child("attachments"), ctx));
  }
  return Status::OK();
}

}  // namespace internal

Status ValidateStatement(json::Value& stmt, json::Allocator& alloc, XapiVersion version) {
  internal::Ctx ctx{version};
  internal::Path root;
  return internal::ValidateStatementBody(stmt, alloc, root, ctx, /*sub=*/false);
}

}  // namespace lrs::validate
