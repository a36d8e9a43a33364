// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The canonical Activity definition kept for the Activities resource
// (Communication 2.5): every statement that mentions an Activity adds to it,
// so that all the languages ever supplied are returned (ADL XAPI-00254), and
// newer values replace older ones.

#include <string_view>

#include "lrs/xapi/ops_util.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::xapi {
namespace {

using internal::EqualsIgnoreCase;
using internal::IsComponentListName;
using json::Allocator;
using json::Value;
using json::View;

Value Copy(const Value& v, Allocator& alloc) {
  return v.IsString() ? json::StringValue(View(v), alloc) : Value(v, alloc);
}

// Replaces or adds obj[name] (obj is an object).
void SetMember(Value& obj, std::string_view name, Value& v, Allocator& alloc) {
  auto it = obj.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
  if (it != obj.MemberEnd()) {
    it->value = v;  // moves
  } else {
    obj.AddMember(json::StringValue(name, alloc), v, alloc);
  }
}

// Union of two language maps, `from` winning per language tag. Tags are
// matched case-insensitively (RFC 5646 2.1.1); the incoming spelling wins.
void MergeLanguageMap(Value& into, const Value& from, Allocator& alloc) {
  if (!from.IsObject()) return;
  if (!into.IsObject()) {
    into.CopyFrom(from, alloc);
    return;
  }
  for (const auto& m : from.GetObject()) {
    auto it = into.MemberBegin();
    while (it != into.MemberEnd() && !EqualsIgnoreCase(View(it->name), View(m.name))) ++it;
    if (it == into.MemberEnd()) {
      into.AddMember(json::StringValue(View(m.name), alloc), Copy(m.value, alloc), alloc);
    } else {
      if (View(it->name) != View(m.name)) it->name = json::StringValue(View(m.name), alloc);
      it->value = Copy(m.value, alloc);
    }
  }
}

const Value* FindComponent(const Value* list, const Value& id) {
  if (list == nullptr || !list->IsArray()) return nullptr;
  for (const Value& c : list->GetArray()) {
    const Value* cid = json::Member(c, "id");
    if (cid != nullptr && *cid == id) return &c;
  }
  return nullptr;
}

// The incoming component list, each component's description merged with the
// description of the old component with the same id (Data 2.4.4.1.s8).
Value MergeComponents(const Value* old_list, const Value& incoming, Allocator& alloc) {
  Value out(rapidjson::kArrayType);
  out.Reserve(incoming.Size(), alloc);
  for (const Value& component : incoming.GetArray()) {
    Value c = Copy(component, alloc);
    const Value* id = json::Member(component, "id");
    const Value* old = id != nullptr ? FindComponent(old_list, *id) : nullptr;
    const Value* old_desc = old != nullptr ? json::Member(*old, "description") : nullptr;
    if (c.IsObject() && old_desc != nullptr && old_desc->IsObject()) {
      Value merged = Copy(*old_desc, alloc);
      if (const Value* desc = json::Member(component, "description")) {
        MergeLanguageMap(merged, *desc, alloc);
      }
      SetMember(c, "description", merged, alloc);
    }
    out.PushBack(c, alloc);
  }
  return out;
}

// Whether a component list can go with an interaction type (Data 2.4.4.1.s8
// table); true for types this module does not know.
bool ListFitsInteraction(std::string_view list, std::string_view type) {
  if (type == "choice" || type == "sequencing") return list == "choices";
  if (type == "likert") return list == "scale";
  if (type == "matching") return list == "source" || list == "target";
  if (type == "performance") return list == "steps";
  if (type == "true-false" || type == "fill-in" || type == "long-fill-in" || type == "numeric" ||
      type == "other") {
    return false;
  }
  return true;
}

}  // namespace

void MergeActivityDefinition(Value& canonical_def, const Value& incoming_def, Allocator& alloc) {
  if (!incoming_def.IsObject()) return;
  if (!canonical_def.IsObject()) {
    canonical_def.CopyFrom(incoming_def, alloc);
    return;
  }
  for (const auto& m : incoming_def.GetObject()) {
    std::string_view name = View(m.name);
    Value* existing = internal::MutableMember(canonical_def, name);
    if ((name == "name" || name == "description" || name == "extensions") && existing != nullptr &&
        existing->IsObject() && m.value.IsObject()) {
      if (name == "extensions") {
        for (const auto& ext : m.value.GetObject()) {
          Value v = Copy(ext.value, alloc);
          SetMember(*existing, View(ext.name), v, alloc);
        }
      } else {
        MergeLanguageMap(*existing, m.value, alloc);
      }
    } else if (IsComponentListName(name) && m.value.IsArray()) {
      Value merged = MergeComponents(existing, m.value, alloc);
      SetMember(canonical_def, name, merged, alloc);
    } else {
      Value v = Copy(m.value, alloc);
      SetMember(canonical_def, name, v, alloc);
    }
  }
  // A new interaction type makes the old type's component lists meaningless.
  const Value* type = json::Member(incoming_def, "interactionType");
  if (type == nullptr || !type->IsString()) return;
  for (auto it = canonical_def.MemberBegin(); it != canonical_def.MemberEnd();) {
    std::string_view name = View(it->name);
    if (IsComponentListName(name) && json::Member(incoming_def, name) == nullptr &&
        !ListFitsInteraction(name, View(*type))) {
      it = canonical_def.EraseMember(it);
    } else {
      ++it;
    }
  }
}

}  // namespace lrs::xapi
