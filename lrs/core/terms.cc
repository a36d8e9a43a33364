// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/core/terms.h"

#include <algorithm>
#include <cctype>

#include "lrs/core/store_impl.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::core {
namespace {

using json::Member;
using json::StringOr;

std::string_view ObjectType(const json::Value& v) { return StringOr(v, "objectType"); }

// An Agent or Group: its own identity, and (for the `agent` filter, per
// Communication 2.1.3) the identities of its members.
void AddActor(const json::Value* a, char kind, char related, std::vector<Term>* out) {
  if (!a || !a->IsObject()) return;
  std::string t;
  if (AgentTerm(*a, &t)) {
    if (kind) out->emplace_back(kind, t);
    out->emplace_back(related, t);
  }
  const json::Value* members = Member(*a, "member");
  if (members && members->IsArray()) {
    for (const auto& m : members->GetArray()) {
      if (AgentTerm(m, &t)) {
        if (kind) out->emplace_back(kind, t);
        out->emplace_back(related, t);
      }
    }
  }
}

void AddActivity(const json::Value* act, bool direct, std::vector<Term>* out) {
  if (!act || !act->IsObject()) return;
  std::string_view id = StringOr(*act, "id");
  if (id.empty()) return;
  std::string t = ActivityTerm(id);
  if (direct) out->emplace_back(kIdxActivity, t);
  out->emplace_back(kIdxRelatedActivity, std::move(t));
}

void AddContext(const json::Value* ctx, bool top, std::vector<Term>* out) {
  if (!ctx || !ctx->IsObject()) return;
  if (top) {
    std::string_view reg = StringOr(*ctx, "registration");
    if (!reg.empty()) out->emplace_back(kIdxRegistration, RegistrationTerm(reg));
  }
  AddActor(Member(*ctx, "instructor"), 0, kIdxRelatedAgent, out);
  AddActor(Member(*ctx, "team"), 0, kIdxRelatedAgent, out);
  if (const json::Value* ca = Member(*ctx, "contextActivities"); ca && ca->IsObject()) {
    for (const auto& m : ca->GetObject()) {
      if (m.value.IsArray()) {
        for (const auto& a : m.value.GetArray()) AddActivity(&a, false, out);
      } else {
        AddActivity(&m.value, false, out);
      }
    }
  }
  if (const json::Value* cag = Member(*ctx, "contextAgents"); cag && cag->IsArray()) {
    for (const auto& x : cag->GetArray()) AddActor(Member(x, "agent"), 0, kIdxRelatedAgent, out);
  }
  if (const json::Value* cgr = Member(*ctx, "contextGroups"); cgr && cgr->IsArray()) {
    for (const auto& x : cgr->GetArray()) AddActor(Member(x, "group"), 0, kIdxRelatedAgent, out);
  }
}

// The object of a statement or SubStatement.
void AddObject(const json::Value* obj, bool top, std::vector<Term>* out) {
  if (!obj || !obj->IsObject()) return;
  std::string_view type = ObjectType(*obj);
  if (type.empty() || type == "Activity") {
    AddActivity(obj, top, out);
  } else if (type == "Agent" || type == "Group") {
    AddActor(obj, top ? kIdxAgent : 0, kIdxRelatedAgent, out);
  } else if (type == "SubStatement" && top) {
    AddActor(Member(*obj, "actor"), 0, kIdxRelatedAgent, out);
    AddObject(Member(*obj, "object"), false, out);
    AddContext(Member(*obj, "context"), false, out);
  }
}

}  // namespace

std::string VerbTerm(std::string_view iri) { return "i" + std::string(iri); }
std::string ActivityTerm(std::string_view iri) { return "i" + std::string(iri); }
std::string RegistrationTerm(std::string_view uuid) {
  std::string t = "r" + std::string(uuid);
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t;
}
bool AgentTerm(const json::Value& agent, std::string* term) {
  std::string key;
  if (!xapi::AgentIdentityKey(agent, &key)) return false;
  *term = "a" + key;
  return true;
}

void ExtractTerms(const json::Value& stmt, const json::Value* authority, std::vector<Term>* out) {
  if (const json::Value* verb = Member(stmt, "verb"); verb && verb->IsObject()) {
    std::string_view id = StringOr(*verb, "id");
    if (!id.empty()) out->emplace_back(kIdxVerb, VerbTerm(id));
  }
  AddActor(Member(stmt, "actor"), kIdxAgent, kIdxRelatedAgent, out);
  AddObject(Member(stmt, "object"), true, out);
  AddContext(Member(stmt, "context"), true, out);
  AddActor(authority, 0, kIdxRelatedAgent, out);
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

}  // namespace lrs::core
