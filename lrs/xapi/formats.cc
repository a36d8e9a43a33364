// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The "ids" and "canonical" result formats of GET /statements (Communication
// 2.1.3). Both rewrite the statement in place; "ids" only removes members and
// never allocates, "canonical" allocates only for canonical definitions.

#include <string_view>
#include <vector>

#include "lrs/xapi/ops_util.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::xapi {
namespace {

using internal::IsComponentListName;
using internal::IsIfiName;
using internal::MutableMember;
using json::Allocator;
using json::Value;
using json::View;

// Removes the members of `obj` for which keep(name) is false, keeping order.
template <typename Keep>
void KeepMembers(Value& obj, const Keep& keep) {
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd();) {
    if (keep(View(it->name))) {
      ++it;
    } else {
      it = obj.EraseMember(it);
    }
  }
}

// Calls fn(element) for an array's elements, or for a lone object.
template <typename Fn>
void ForEachItem(Value& v, const Fn& fn) {
  if (v.IsArray()) {
    for (Value& item : v.GetArray()) fn(item);
  } else if (v.IsObject()) {
    fn(v);
  }
}

std::string_view ObjectTypeOr(const Value& obj, std::string_view fallback) {
  return json::StringOr(obj, "objectType", fallback);
}

// ---- format=ids ---------------------------------------------------------------

// Agent / identified Group: objectType and the IFI. Anonymous Group:
// objectType and the members, each reduced.
void IdsActor(Value& actor) {
  if (!actor.IsObject()) return;
  bool identified = false;
  for (const auto& m : actor.GetObject()) {
    if (IsIfiName(View(m.name))) {
      identified = true;
      break;
    }
  }
  if (identified) {
    KeepMembers(actor, [](std::string_view n) { return n == "objectType" || IsIfiName(n); });
    return;
  }
  KeepMembers(actor, [](std::string_view n) { return n == "objectType" || n == "member"; });
  if (Value* members = MutableMember(actor, "member")) ForEachItem(*members, IdsActor);
}

// Activities and Verbs: the id alone (what the ADL conformance suite checks,
// XAPI-00171: one key for an Activity sent with objectType "Activity").
void IdsOnly(Value& v) {
  if (v.IsObject()) KeepMembers(v, [](std::string_view n) { return n == "id"; });
}

void IdsContext(Value& context) {
  if (!context.IsObject()) return;
  for (auto& m : context.GetObject()) {
    std::string_view name = View(m.name);
    if (name == "instructor" || name == "team") {
      IdsActor(m.value);
    } else if (name == "contextActivities" && m.value.IsObject()) {
      for (auto& list : m.value.GetObject()) ForEachItem(list.value, IdsOnly);
    } else if (name == "contextAgents" || name == "contextGroups") {
      const std::string_view key = name == "contextAgents" ? "agent" : "group";
      ForEachItem(m.value, [key](Value& entry) {
        if (Value* actor = MutableMember(entry, key)) IdsActor(*actor);
      });
    }
  }
}

void IdsStatement(Value& stmt);

void IdsObject(Value& object) {
  if (!object.IsObject()) return;
  std::string_view type = ObjectTypeOr(object, "Activity");
  if (type == "Activity") {
    IdsOnly(object);
  } else if (type == "Agent" || type == "Group") {
    IdsActor(object);
  } else if (type == "SubStatement") {
    IdsStatement(object);
  }  // StatementRef: already just objectType and id.
}

void IdsStatement(Value& stmt) {
  for (auto& m : stmt.GetObject()) {
    std::string_view name = View(m.name);
    if (name == "actor" || name == "authority") {
      IdsActor(m.value);
    } else if (name == "verb") {
      IdsOnly(m.value);
    } else if (name == "object") {
      IdsObject(m.value);
    } else if (name == "context") {
      IdsContext(m.value);
    }
  }
}

// ---- format=canonical -----------------------------------------------------------

struct Canonicalizer {
  Allocator& alloc;
  const std::vector<std::string>& languages;
  const CanonicalActivityLookup& lookup;

  // Keeps only the best-matching entry of a language map (2.1.3.s4.b1).
  void FilterMap(Value& map) const {
    const Value::Member* keep = internal::PickLanguageMember(map, languages);
    if (keep == nullptr) return;
    const auto pos = map.MemberBegin() + (keep - &*map.MemberBegin());
    map.EraseMember(pos + 1, map.MemberEnd());
    map.EraseMember(map.MemberBegin(), pos);
  }

  // A copy of `map` holding only its best-matching entry.
  Value CopyFilteredMap(const Value& map) const {
    Value out(rapidjson::kObjectType);
    if (const Value::Member* keep = internal::PickLanguageMember(map, languages)) {
      out.AddMember(json::StringValue(View(keep->name), alloc), CopyValue(keep->value), alloc);
    }
    return out;
  }

  Value CopyValue(const Value& v) const {
    return v.IsString() ? json::StringValue(View(v), alloc) : Value(v, alloc);
  }

  void FilterDefinition(Value& def) const {
    if (!def.IsObject()) return;
    for (auto& m : def.GetObject()) {
      std::string_view name = View(m.name);
      if (name == "name" || name == "description") {
        FilterMap(m.value);
      } else if (IsComponentListName(name) && m.value.IsArray()) {
        for (Value& component : m.value.GetArray()) {
          if (Value* desc = MutableMember(component, "description")) FilterMap(*desc);
        }
      }
    }
  }

  // Copies a canonical definition, filtering its language maps on the way
  // (cheaper than copying every language and erasing them afterwards).
  Value CopyFilteredDefinition(const Value& def) const {
    Value out(rapidjson::kObjectType);
    for (const auto& m : def.GetObject()) {
      std::string_view name = View(m.name);
      Value v;
      if ((name == "name" || name == "description") && m.value.IsObject()) {
        v = CopyFilteredMap(m.value);
      } else if (IsComponentListName(name) && m.value.IsArray()) {
        v.SetArray();
        v.Reserve(m.value.Size(), alloc);
        for (const Value& component : m.value.GetArray()) {
          if (!component.IsObject()) {
            v.PushBack(CopyValue(component), alloc);
            continue;
          }
          Value c(rapidjson::kObjectType);
          for (const auto& cm : component.GetObject()) {
            Value cv = View(cm.name) == "description" && cm.value.IsObject()
                           ? CopyFilteredMap(cm.value)
                           : CopyValue(cm.value);
            c.AddMember(json::StringValue(View(cm.name), alloc), cv, alloc);
          }
          v.PushBack(c, alloc);
        }
      } else {
        v = CopyValue(m.value);
      }
      out.AddMember(json::StringValue(name, alloc), v, alloc);
    }
    return out;
  }

  void Activity(Value& activity) const {
    if (!activity.IsObject()) return;
    const Value* canonical = nullptr;
    if (lookup) {
      const Value* id = json::Member(activity, "id");
      if (id != nullptr && id->IsString()) canonical = lookup(View(*id));
    }
    const Value* canonical_def = canonical ? json::Member(*canonical, "definition") : nullptr;
    if (canonical_def != nullptr && canonical_def->IsObject()) {
      Value def = CopyFilteredDefinition(*canonical_def);
      if (Value* existing = MutableMember(activity, "definition")) {
        *existing = def;  // moves
      } else {
        activity.AddMember("definition", def, alloc);
      }
    } else if (Value* def = MutableMember(activity, "definition")) {
      FilterDefinition(*def);
    }
  }

  void Verb(Value& verb) const {
    if (Value* display = MutableMember(verb, "display")) FilterMap(*display);
  }

  void Context(Value& context) const {
    Value* lists = MutableMember(context, "contextActivities");
    if (lists == nullptr || !lists->IsObject()) return;
    for (auto& list : lists->GetObject()) {
      ForEachItem(list.value, [this](Value& activity) { Activity(activity); });
    }
  }

  void Statement(Value& stmt) const {
    for (auto& m : stmt.GetObject()) {
      std::string_view name = View(m.name);
      if (name == "verb") {
        Verb(m.value);
      } else if (name == "object" && m.value.IsObject()) {
        std::string_view type = ObjectTypeOr(m.value, "Activity");
        if (type == "Activity") {
          Activity(m.value);
        } else if (type == "SubStatement") {
          Statement(m.value);
        }
      } else if (name == "context") {
        Context(m.value);
      }
    }
  }
};

}  // namespace

void ApplyIdsFormat(Value& stmt, Allocator& /*alloc*/) {
  if (stmt.IsObject()) IdsStatement(stmt);
}

void ApplyCanonicalFormat(Value& stmt, Allocator& alloc, const std::vector<std::string>& languages,
                          const CanonicalActivityLookup& lookup) {
  if (!stmt.IsObject()) return;
  Canonicalizer{alloc, languages, lookup}.Statement(stmt);
}

}  // namespace lrs::xapi
