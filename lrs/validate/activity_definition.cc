// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Activity Definitions (Data 2.4.4.1.s2) and their interaction properties
// (2.4.4.1.s6 - s16).

#include <algorithm>
#include <utility>
#include <vector>

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::internal {
namespace {

enum DefinitionField {
  kName,
  kDescription,
  kType,
  kMoreInfo,
  kExtensions,
  kInteractionType,
  kCorrectResponsesPattern,
  kChoices,
  kScale,
  kSource,
  kTarget,
  kSteps,
  kNumFields
};
constexpr std::string_view kDefinitionFields[] = {"name",
                                                  "description",
                                                  "type",
                                                  "moreInfo",
                                                  "extensions",
                                                  "interactionType",
                                                  "correctResponsesPattern",
                                                  "choices",
                                                  "scale",
                                                  "source",
                                                  "target",
                                                  "steps"};
static_assert(sizeof(kDefinitionFields) / sizeof(kDefinitionFields[0]) == kNumFields);

// Data 2.4.4.1.s8 table 1 and s15 table 2: the interaction types and the
// component lists each supports (bits of 1 << (field - kChoices)).
struct InteractionType {
  std::string_view name;
  unsigned lists;
};
constexpr unsigned Bit(DefinitionField f) { return 1u << (f - kChoices); }
constexpr InteractionType kInteractionTypes[] = {
    {"true-false", 0},
    {"choice", Bit(kChoices)},
    {"fill-in", 0},
    {"long-fill-in", 0},
    {"matching", Bit(kSource) | Bit(kTarget)},
    {"performance", Bit(kSteps)},
    {"sequencing", Bit(kChoices)},
    {"likert", Bit(kScale)},
    {"numeric", 0},
    {"other", 0},
};

// Data 2.4.4.1.s15 table 1: {"id": string, "description": language map}.
Status ValidateComponent(const Value& v, const Path& path, std::string_view* id) {
  static constexpr std::string_view kFields[] = {"id", "description"};
  Fields<2> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  if (f[0] == nullptr) return Error(path, "missing required property \"id\"");
  LRS_RETURN_IF_ERROR(ExpectString(*f[0], path.Child("id")));
  *id = Str(*f[0]);
  if (f[1] != nullptr) LRS_RETURN_IF_ERROR(ExpectLanguageMap(*f[1], path.Child("description")));
  return Status::OK();
}

Status ValidateComponentList(const Value& v, const Path& path, std::string_view list) {
  if (!v.IsArray()) return Error(path, "must be an array of interaction components");
  const rapidjson::SizeType n = v.Size();
  constexpr rapidjson::SizeType kQuadratic = 32;
  std::string_view small[kQuadratic];
  std::vector<std::string_view> large;
  if (n > kQuadratic) large.resize(n);
  std::string_view* ids = n > kQuadratic ? large.data() : small;
  for (rapidjson::SizeType i = 0; i < n; ++i) {
    Path ep = path.At(i);
    LRS_RETURN_IF_ERROR(ValidateComponent(v[i], ep, &ids[i]));
    if (n <= kQuadratic) {
      for (rapidjson::SizeType j = 0; j < i; ++j) {
        // Data 2.4.4.1.s16.b1.
        if (ids[j] == ids[i]) {
          return Error(ep.Child("id"), "must be unique within " + std::string(list));
        }
      }
    }
  }
  if (n > kQuadratic) {
    // Sort (id, index) pairs; the first duplicate is the smallest index that
    // repeats an id seen before it.
    std::vector<std::pair<std::string_view, rapidjson::SizeType>> sorted;
    sorted.reserve(n);
    for (rapidjson::SizeType i = 0; i < n; ++i) sorted.emplace_back(ids[i], i);
    std::sort(sorted.begin(), sorted.end());
    rapidjson::SizeType first_dup = n;
    for (std::size_t k = 1; k < sorted.size(); ++k) {
      if (sorted[k].first == sorted[k - 1].first) first_dup = std::min(first_dup, sorted[k].second);
    }
    if (first_dup < n) {
      return Error(path.At(first_dup).Child("id"), "must be unique within " + std::string(list));
    }
  }
  return Status::OK();
}

}  // namespace

Status ValidateActivityDefinition(const Value& v, const Path& path, const Ctx&) {
  Fields<kNumFields> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kDefinitionFields, &f));
  if (f[kName] != nullptr) LRS_RETURN_IF_ERROR(ExpectLanguageMap(*f[kName], path.Child("name")));
  if (f[kDescription] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectLanguageMap(*f[kDescription], path.Child("description")));
  }
  if (f[kType] != nullptr) LRS_RETURN_IF_ERROR(ExpectIri(*f[kType], path.Child("type")));
  if (f[kMoreInfo] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectIrl(*f[kMoreInfo], path.Child("moreInfo")));
  }
  if (f[kExtensions] != nullptr) {
    LRS_RETURN_IF_ERROR(ExpectExtensions(*f[kExtensions], path.Child("extensions")));
  }

  // Data 2.4.4.1.s13.b1: interaction activities have a valid interactionType,
  // and the interaction properties make an interaction activity.
  const InteractionType* type = nullptr;
  if (const Value* t = f[kInteractionType]) {
    Path tp = path.Child("interactionType");
    LRS_RETURN_IF_ERROR(ExpectString(*t, tp));
    for (const InteractionType& it : kInteractionTypes) {
      if (Str(*t) == it.name) type = &it;
    }
    if (type == nullptr) {
      return Error(tp,
                   "must be one of true-false, choice, fill-in, long-fill-in, matching, "
                   "performance, sequencing, likert, numeric, other");
    }
  }
  for (int k = kCorrectResponsesPattern; k < kNumFields; ++k) {
    if (f[k] != nullptr && type == nullptr) {
      return Error(
          path.Child("interactionType"),
          std::string("required when \"") + std::string(kDefinitionFields[k]) + "\" is present");
    }
  }
  if (const Value* crp = f[kCorrectResponsesPattern]) {
    Path cp = path.Child("correctResponsesPattern");
    if (!crp->IsArray()) return Error(cp, "must be an array of strings");
    for (rapidjson::SizeType i = 0; i < crp->Size(); ++i) {
      LRS_RETURN_IF_ERROR(ExpectString((*crp)[i], cp.At(i)));
    }
  }
  for (int k = kChoices; k < kNumFields; ++k) {
    if (f[k] == nullptr) continue;
    auto field = static_cast<DefinitionField>(k);
    Path lp = path.Child(kDefinitionFields[k]);
    // Data 2.4.4.1.s15 table 2 (the LRS MAY reject, 2.4.4.1.s13.b3).
    if ((type->lists & Bit(field)) == 0) {
      return Error(lp, "not allowed with interactionType " + Quote(type->name));
    }
    LRS_RETURN_IF_ERROR(ValidateComponentList(*f[k], lp, kDefinitionFields[k]));
  }
  return Status::OK();
}

}  // namespace lrs::validate::internal
