// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Attachments (Data 2.4.11): the statement's attachment headers. Matching
// them against multipart payloads belongs to the statement resource.

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::internal {
namespace {

enum AttachmentField {
  kUsageType,
  kDisplay,
  kDescription,
  kContentType,
  kLength,
  kSha2,
  kFileUrl,
  kNumFields
};
constexpr std::string_view kAttachmentFields[] = {
    "usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"};
static_assert(sizeof(kAttachmentFields) / sizeof(kAttachmentFields[0]) == kNumFields);

constexpr std::string_view kSignatureUsage = "http://adlnet.gov/expapi/attachments/signature";

// The "type/subtype" of a media type equals `want` (ASCII case-insensitive);
// parameters are ignored.
bool MediaTypeIs(std::string_view media_type, std::string_view want) {
  std::size_t end = 0;
  while (end < media_type.size() && media_type[end] != ';' && media_type[end] != ' ' &&
         media_type[end] != '\t') {
    ++end;
  }
  if (end != want.size()) return false;
  for (std::size_t i = 0; i < end; ++i) {
    char c = media_type[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != want[i]) return false;
  }
  return true;
}

Status Missing(const Path& path, AttachmentField k) {
  return Error(path, "missing required property " + Quote(kAttachmentFields[k]));
}

Status ValidateAttachment(const Value& v, const Path& path) {
  Fields<kNumFields> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kAttachmentFields, &f));
  if (f[kUsageType] == nullptr) return Missing(path, kUsageType);
  LRS_RETURN_IF_ERROR(ExpectIri(*f[kUsageType], path.Child("usageType")));
  if (f[kDisplay] == nullptr) return Missing(path, kDisplay);
  LRS_RETURN_IF_ERROR(ExpectLanguageMap(*f[kDisplay], path.Child("display")));
  if (f[kDescription] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectLanguageMap(*f[kDescription], path.Child("description")));
  }
  if (f[kContentType] == nullptr) return Missing(path, kContentType);
  Path cp = path.Child("contentType");
  LRS_RETURN_IF_ERROR(ExpectString(*f[kContentType], cp));
  if (!IsMediaType(Str(*f[kContentType]))) {
    return Error(cp, "must be an Internet media type (RFC 2046)");
  }
  // Data 2.6.s4.b1: a signature is an application/octet-stream attachment.
  if (Str(*f[kUsageType]) == kSignatureUsage &&
      !MediaTypeIs(Str(*f[kContentType]), "application/octet-stream")) {
    return Error(cp, "must be \"application/octet-stream\" for a signature attachment");
  }
  if (f[kLength] == nullptr) return Missing(path, kLength);
  const Value& length = *f[kLength];
  if (!length.IsInt64() && !length.IsUint64()) {
    return Error(path.Child("length"), "must be an integer");
  }
  if (length.IsInt64() && length.GetInt64() < 0) {
    return Error(path.Child("length"), "must not be negative");
  }
  if (f[kSha2] == nullptr) return Missing(path, kSha2);
  Path sp = path.Child("sha2");
  LRS_RETURN_IF_ERROR(ExpectString(*f[kSha2], sp));
  if (!IsSha2Hex(Str(*f[kSha2]))) {
    return Error(sp, "must be a hex-encoded SHA-2 hash (56, 64, 96 or 128 hex digits)");
  }
  if (f[kFileUrl] != nullptr) LRS_RETURN_IF_ERROR(ExpectIrl(*f[kFileUrl], path.Child("fileUrl")));
  return Status::OK();
}

}  // namespace

Status ValidateAttachments(const Value& v, const Path& path, const Ctx&) {
  if (!v.IsArray()) return Error(path, "must be an array of Attachments");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    LRS_RETURN_IF_ERROR(ValidateAttachment(v[i], path.At(i)));
  }
  return Status::OK();
}

}  // namespace lrs::validate::internal
