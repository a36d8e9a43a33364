// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Identity keys of Agents and identified Groups (Data 2.4.2.3): one string
// per inverse functional identifier, normalized for the parts that are case
// insensitive (Data 2.3.1.b7) so that equal identities give equal keys.

#include <string>
#include <string_view>

#include "lrs/xapi/ops_util.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::xapi {
namespace {

using json::Value;
using json::View;

const Value* StringMember(const Value& obj, std::string_view name) {
  const Value* v = json::Member(obj, name);
  return v != nullptr && v->IsString() ? v : nullptr;
}

void AppendLower(std::string_view s, std::string* out) {
  for (char c : s) out->push_back(internal::AsciiLower(c));
}

}  // namespace

bool AgentIdentityKey(const Value& agent, std::string* key) {
  if (!agent.IsObject()) return false;
  key->clear();
  if (const Value* mbox = StringMember(agent, "mbox")) {
    // The local part is case sensitive (RFC 5321 2.4); the domain is not.
    std::string_view s = View(*mbox);
    std::size_t at = internal::MboxDomainAt(s);
    if (at == std::string_view::npos) at = s.size();
    key->reserve(5 + s.size());
    key->append("mbox:").append(s.substr(0, at));
    AppendLower(s.substr(at), key);
    return true;
  }
  if (const Value* sha1 = StringMember(agent, "mbox_sha1sum")) {
    key->reserve(13 + sha1->GetStringLength());
    key->append("mbox_sha1sum:");
    AppendLower(View(*sha1), key);
    return true;
  }
  if (const Value* openid = StringMember(agent, "openid")) {
    key->append("openid:").append(View(*openid));
    return true;
  }
  if (const Value* account = json::Member(agent, "account")) {
    const Value* home = StringMember(*account, "homePage");
    const Value* name = StringMember(*account, "name");
    if (home == nullptr || name == nullptr) return false;
    key->reserve(9 + home->GetStringLength() + name->GetStringLength());
    key->append("account:").append(View(*home)).append("|").append(View(*name));
    return true;
  }
  return false;
}

}  // namespace lrs::xapi
