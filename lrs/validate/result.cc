// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Result (Data 2.4.5) and Score (2.4.5.1).

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::internal {
namespace {

// Data 2.4.5.1.s2: scaled in [-1, 1]; min < max; min <= raw <= max.
Status ValidateScore(const Value& v, const Path& path) {
  static constexpr std::string_view kFields[] = {"scaled", "raw", "min", "max"};
  Fields<4> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  for (int k = 0; k < 4; ++k) {
    if (f[k] != nullptr) LRS_RETURN_IF_ERROR(ExpectNumber(*f[k], path.Child(kFields[k])));
  }
  const Value *scaled = f[0], *raw = f[1], *min = f[2], *max = f[3];
  if (scaled != nullptr && (scaled->GetDouble() < -1.0 || scaled->GetDouble() > 1.0)) {
    return Error(path.Child("scaled"), "must be between -1 and 1");
  }
  if (min != nullptr && max != nullptr && !(min->GetDouble() < max->GetDouble())) {
    return Error(path.Child("min"), "must be less than max");
  }
  if (raw != nullptr) {
    if (min != nullptr && raw->GetDouble() < min->GetDouble()) {
      return Error(path.Child("raw"), "must not be less than min");
    }
    if (max != nullptr && raw->GetDouble() > max->GetDouble()) {
      return Error(path.Child("raw"), "must not be greater than max");
    }
  }
  return Status::OK();
}

}  // namespace

Status ValidateResult(const Value& v, const Path& path, const Ctx&) {
  static constexpr std::string_view kFields[] = {"score",    "success",  "completion",
                                                 "response", "duration", "extensions"};
  Fields<6> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  if (f[0] != nullptr) LRS_RETURN_IF_ERROR(ValidateScore(*f[0], path.Child("score")));
  if (f[1] != nullptr) LRS_RETURN_IF_ERROR(ExpectBool(*f[1], path.Child("success")));
  if (f[2] != nullptr) LRS_RETURN_IF_ERROR(ExpectBool(*f[2], path.Child("completion")));
  if (f[3] != nullptr) LRS_RETURN_IF_ERROR(ExpectString(*f[3], path.Child("response")));
  if (f[4] != nullptr) {
    Path dp = path.Child("duration");
    LRS_RETURN_IF_ERROR(ExpectString(*f[4], dp));
    // Data 4.6.s1.b1.
    if (!IsIso8601Duration(Str(*f[4]))) return Error(dp, "must be an ISO 8601 duration");
  }
  if (f[5] != nullptr) LRS_RETURN_IF_ERROR(ExpectExtensions(*f[5], path.Child("extensions")));
  return Status::OK();
}

}  // namespace lrs::validate::internal
