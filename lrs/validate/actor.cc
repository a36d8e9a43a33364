// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Agents and Groups (Data 2.4.2): the actor, Agent/Group objects (2.4.4.2),
// context instructor and team (2.4.6), authority (2.4.9), 2.0.0 context
// agents and groups, and the `agent` request parameter (Communication 2.x).

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate {
namespace internal {
namespace {

enum AgentField { kObjectType, kName, kMbox, kMboxSha1sum, kOpenid, kAccount, kMember, kNumFields };
constexpr std::string_view kAgentFields[] = {"objectType", "name",    "mbox",  "mbox_sha1sum",
                                             "openid",     "account", "member"};
static_assert(sizeof(kAgentFields) / sizeof(kAgentFields[0]) == kNumFields);

constexpr std::string_view kIfiRule =
    "must have exactly one inverse functional identifier (mbox, mbox_sha1sum, openid or account)";

bool AgentOnly(AgentRole role) {
  return role == AgentRole::kMember || role == AgentRole::kParamAgent ||
         role == AgentRole::kContextAgent;
}

bool GroupOnly(AgentRole role) {
  return role == AgentRole::kTeam || role == AgentRole::kContextGroup;
}

// Data 2.4.2.4: {"homePage": IRL, "name": string}, both required.
Status ValidateAccount(const Value& v, const Path& path) {
  static constexpr std::string_view kFields[] = {"homePage", "name"};
  Fields<2> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kFields, &f));
  if (f[0] == nullptr) return Error(path, "missing required property \"homePage\"");
  LRS_RETURN_IF_ERROR(ExpectIrl(*f[0], path.Child("homePage")));
  if (f[1] == nullptr) return Error(path, "missing required property \"name\"");
  return ExpectString(*f[1], path.Child("name"));
}

// Data 2.4.2.3: validates each IFI present and counts them.
Status ValidateIfis(const Fields<kNumFields>& f, const Path& path, int* count) {
  *count = 0;
  if (const Value* v = f[kMbox]) {
    Path p = path.Child("mbox");
    LRS_RETURN_IF_ERROR(ExpectString(*v, p));
    if (!IsMailtoIri(Str(*v))) return Error(p, "must be a mailto: IRI");
    ++*count;
  }
  if (const Value* v = f[kMboxSha1sum]) {
    Path p = path.Child("mbox_sha1sum");
    LRS_RETURN_IF_ERROR(ExpectString(*v, p));
    if (!IsSha1Hex(Str(*v))) return Error(p, "must be a hex-encoded SHA-1 hash (40 hex digits)");
    ++*count;
  }
  if (const Value* v = f[kOpenid]) {
    Path p = path.Child("openid");
    LRS_RETURN_IF_ERROR(ExpectString(*v, p));
    if (!IsAbsoluteIri(Str(*v))) return Error(p, "must be an absolute URI");
    ++*count;
  }
  if (const Value* v = f[kAccount]) {
    LRS_RETURN_IF_ERROR(ValidateAccount(*v, path.Child("account")));
    ++*count;
  }
  return Status::OK();
}

bool HasAccount(const Value& agent) { return agent.IsObject() && agent.HasMember("account"); }

Status ValidateGroup(const Fields<kNumFields>& f, const Path& path, const Ctx& ctx, AgentRole role,
                     int ifis) {
  if (ifis > 1) return Error(path, kIfiRule);
  const Value* member = f[kMember];
  if (member != nullptr) {
    Path mp = path.Child("member");
    if (!member->IsArray()) return Error(mp, "must be an array of Agents");
    for (rapidjson::SizeType i = 0; i < member->Size(); ++i) {
      LRS_RETURN_IF_ERROR(ValidateActor((*member)[i], mp.At(i), ctx, AgentRole::kMember));
    }
  }
  if (role == AgentRole::kAuthority) {
    // Data 2.4.9.s3.b1, 2.4.9.s7.b2: 3-legged OAuth: an anonymous Group of
    // the application (identified by account) and the user.
    if (ifis != 0) return Error(path, "a Group authority must be an anonymous Group");
    if (member == nullptr || member->Size() != 2) {
      return Error(path, "a Group authority must have exactly two member Agents");
    }
    if (!HasAccount((*member)[0]) && !HasAccount((*member)[1])) {
      return Error(
          path.Child("member"),
          "one Agent of a Group authority must be the OAuth consumer, identified by account");
    }
    return Status::OK();
  }
  if (role == AgentRole::kParam && ifis == 0) {
    return Error(path, "must be an Agent or an identified Group");
  }
  if (ifis == 0) {
    // Data 2.4.2.2.s4.b1: an Anonymous Group lists its members.
    if (member == nullptr) {
      return Error(path, "an anonymous Group must have a \"member\" property (or one IFI)");
    }
    if (member->Empty()) return Error(path.Child("member"), "an anonymous Group needs members");
  }
  return Status::OK();
}

}  // namespace

Status ValidateActor(const Value& v, const Path& path, const Ctx& ctx, AgentRole role) {
  Fields<kNumFields> f;
  LRS_RETURN_IF_ERROR(Scan(v, path, kAgentFields, &f));
  bool group = false;
  if (const Value* t = f[kObjectType]) {
    Path tp = path.Child("objectType");
    LRS_RETURN_IF_ERROR(ExpectString(*t, tp));
    std::string_view type = Str(*t);
    if (type == "Group") {
      group = true;
    } else if (type != "Agent") {
      return Error(tp, "must be \"Agent\" or \"Group\"");
    }
  }
  if (group && AgentOnly(role)) {
    return Error(path, role == AgentRole::kMember ? "must be an Agent: Groups cannot be members"
                                                  : "must be an Agent, not a Group");
  }
  if (!group && GroupOnly(role)) {
    return Error(path, "must be a Group (objectType \"Group\")");
  }
  if (const Value* n = f[kName]) LRS_RETURN_IF_ERROR(ExpectString(*n, path.Child("name")));
  int ifis;
  LRS_RETURN_IF_ERROR(ValidateIfis(f, path, &ifis));
  if (group) return ValidateGroup(f, path, ctx, role, ifis);
  if (f[kMember] != nullptr) {
    return Error(path.Child("member"),
                 "not allowed in an Agent (a Group needs objectType \"Group\")");
  }
  if (ifis != 1) return Error(path, kIfiRule);
  return Status::OK();
}

}  // namespace internal

Status ValidateAgentParam(const json::Value& agent, XapiVersion version, bool allow_group,
                          std::string_view path) {
  internal::Ctx ctx{version};
  internal::Path root{nullptr, path.empty() ? std::string_view("agent") : path, -1};
  return internal::ValidateActor(
      agent, root, ctx,
      allow_group ? internal::AgentRole::kParam : internal::AgentRole::kParamAgent);
}

}  // namespace lrs::validate
