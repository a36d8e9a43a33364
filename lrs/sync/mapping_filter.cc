// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Mapping filters (which statements a destination receives) and actor
// identifiers ("mailto:", "sha1:", "openid:", "account:<homePage>|<name>").

#include <string>
#include <utility>

#include "lrs/sync/mapping_internal.h"

namespace lrs::sync::mapping_internal {
namespace {

constexpr std::string_view kIfiForms =
    "must be \"mailto:<address>\", \"sha1:<hex>\", \"openid:<uri>\" or "
    "\"account:<homePage>|<name>\"";

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool HasPrefixNoCase(std::string_view s, std::string_view lower_prefix) {
  return s.size() >= lower_prefix.size() &&
         LowerAscii(s.substr(0, lower_prefix.size())) == lower_prefix;
}

bool IsHex40(std::string_view s) {
  if (s.size() != 40) return false;
  for (char c : s) {
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

// The object as an Activity (objectType absent or "Activity"), or nullptr.
const json::Value* ActivityObject(const json::Value& statement) {
  const json::Value* object = json::Member(statement, "object");
  if (object == nullptr || !object->IsObject()) return nullptr;
  return json::StringOr(*object, "objectType", "Activity") == "Activity" ? object : nullptr;
}

const json::Value* Score(const json::Value* result) {
  return result == nullptr ? nullptr : json::Member(*result, "score");
}

bool BoolIs(const json::Value* obj, std::string_view key, bool want) {
  const json::Value* v = obj == nullptr ? nullptr : json::Member(*obj, key);
  return v != nullptr && v->IsBool() && v->GetBool() == want;
}

Status ParseSet(const json::Value& v, std::string_view where, StringSet* out) {
  std::vector<std::string> list;
  LRS_RETURN_IF_ERROR(GetStringList(v, where, &list));
  for (std::string& s : list) out->insert(std::move(s));
  return Status::OK();
}

Status ParseActors(const json::Value& v, std::string_view where, StringSet* out) {
  std::vector<std::string> list;
  LRS_RETURN_IF_ERROR(GetStringList(v, where, &list));
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string ifi;
    if (!NormalizeIfi(list[i], &ifi)) {
      return Invalid(Item(where, i), std::string(kIfiForms) + ", not " + Quote(list[i]));
    }
    out->insert(std::move(ifi));
  }
  return Status::OK();
}

Status ParseScaled(const json::Value& result, std::string_view key, std::string_view where,
                   std::optional<double>* out) {
  const json::Value* v = json::Member(result, key);
  if (v == nullptr) return Status::OK();
  if (!v->IsNumber()) return Invalid(Child(where, key), "must be a number");
  *out = v->GetDouble();
  return Status::OK();
}

Status ParseResult(const json::Value& v, std::string_view where, Filter* out) {
  if (!v.IsObject()) return Invalid(where, "must be an object");
  LRS_RETURN_IF_ERROR(CheckKeys(v, where, {"success", "completion", "min_scaled", "max_scaled"}));
  if (v.MemberCount() == 0) {
    return Invalid(where, "must hold success, completion, min_scaled or max_scaled");
  }
  LRS_RETURN_IF_ERROR(GetBool(v, "success", where, &out->success));
  LRS_RETURN_IF_ERROR(GetBool(v, "completion", where, &out->completion));
  LRS_RETURN_IF_ERROR(ParseScaled(v, "min_scaled", where, &out->min_scaled));
  LRS_RETURN_IF_ERROR(ParseScaled(v, "max_scaled", where, &out->max_scaled));
  if (out->min_scaled && out->max_scaled && *out->min_scaled > *out->max_scaled) {
    return Invalid(where, "min_scaled exceeds max_scaled");
  }
  return Status::OK();
}

Status ParseFilterList(const json::Value& v, std::string_view where, std::vector<Filter>* out) {
  if (!v.IsArray() || v.Empty()) return Invalid(where, "must be a non-empty array of filters");
  out->resize(v.Size());
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    LRS_RETURN_IF_ERROR(ParseFilter(v[i], Item(where, i), &(*out)[i]));
  }
  return Status::OK();
}

bool ResultMatches(const Filter& f, const json::Value& statement) {
  const json::Value* result = json::Member(statement, "result");
  if (f.success && !BoolIs(result, "success", *f.success)) return false;
  if (f.completion && !BoolIs(result, "completion", *f.completion)) return false;
  if (!f.min_scaled && !f.max_scaled) return true;
  const json::Value* score = Score(result);
  const json::Value* scaled = score == nullptr ? nullptr : json::Member(*score, "scaled");
  if (scaled == nullptr || !scaled->IsNumber()) return false;
  double s = scaled->GetDouble();
  return (!f.min_scaled || s >= *f.min_scaled) && (!f.max_scaled || s <= *f.max_scaled);
}

bool ActivityMatches(const Filter& f, const json::Value& statement) {
  if (!f.activity_types && !f.activity_id_prefixes) return true;
  const json::Value* activity = ActivityObject(statement);
  if (activity == nullptr) return false;
  if (f.activity_types) {
    const json::Value* def = json::Member(*activity, "definition");
    if (def == nullptr || !f.activity_types->count(json::StringOr(*def, "type"))) return false;
  }
  if (f.activity_id_prefixes) {
    std::string_view id = json::StringOr(*activity, "id");
    bool any = false;
    for (const std::string& prefix : *f.activity_id_prefixes) any = any || id.starts_with(prefix);
    if (!any) return false;
  }
  return true;
}

}  // namespace

std::string ActorIfi(const json::Value& actor) {
  if (!actor.IsObject()) return {};
  std::string_view mbox = json::StringOr(actor, "mbox");
  if (HasPrefixNoCase(mbox, "mailto:")) return "mailto:" + LowerAscii(mbox.substr(7));
  std::string_view sha1 = json::StringOr(actor, "mbox_sha1sum");
  if (!sha1.empty()) return "sha1:" + LowerAscii(sha1);
  std::string_view openid = json::StringOr(actor, "openid");
  if (!openid.empty()) return "openid:" + std::string(openid);
  const json::Value* account = json::Member(actor, "account");
  if (account != nullptr && account->IsObject()) {
    std::string_view home = json::StringOr(*account, "homePage");
    std::string_view name = json::StringOr(*account, "name");
    if (!home.empty() && !name.empty()) {
      return "account:" + std::string(home) + "|" + std::string(name);
    }
  }
  return {};
}

bool NormalizeIfi(std::string_view text, std::string* out) {
  if (HasPrefixNoCase(text, "mailto:")) {
    if (text.size() == 7) return false;
    *out = "mailto:" + LowerAscii(text.substr(7));
  } else if (text.starts_with("sha1:")) {
    if (!IsHex40(text.substr(5))) return false;
    *out = LowerAscii(text);
  } else if (text.starts_with("openid:")) {
    if (text.size() == 7) return false;
    *out = std::string(text);
  } else if (text.starts_with("account:")) {
    std::size_t bar = text.find('|', 8);
    if (bar == std::string_view::npos || bar == 8 || bar + 1 == text.size()) return false;
    *out = std::string(text);
  } else {
    return false;
  }
  return true;
}

Status ParseFilter(const json::Value& v, std::string_view where, Filter* out) {
  if (!v.IsObject()) return Invalid(where, "must be an object");
  LRS_RETURN_IF_ERROR(CheckKeys(v, where,
                                {"verb", "activity_type", "activity_id_prefix", "actor",
                                 "result", "and", "or", "not"}));
  if (const json::Value* m = json::Member(v, "verb")) {
    LRS_RETURN_IF_ERROR(ParseSet(*m, Child(where, "verb"), &out->verbs.emplace()));
  }
  if (const json::Value* m = json::Member(v, "activity_type")) {
    LRS_RETURN_IF_ERROR(
        ParseSet(*m, Child(where, "activity_type"), &out->activity_types.emplace()));
  }
  if (const json::Value* m = json::Member(v, "activity_id_prefix")) {
    LRS_RETURN_IF_ERROR(GetStringList(*m, Child(where, "activity_id_prefix"),
                                      &out->activity_id_prefixes.emplace()));
  }
  if (const json::Value* m = json::Member(v, "actor")) {
    LRS_RETURN_IF_ERROR(ParseActors(*m, Child(where, "actor"), &out->actors.emplace()));
  }
  if (const json::Value* m = json::Member(v, "result")) {
    LRS_RETURN_IF_ERROR(ParseResult(*m, Child(where, "result"), out));
  }
  if (const json::Value* m = json::Member(v, "and")) {
    LRS_RETURN_IF_ERROR(ParseFilterList(*m, Child(where, "and"), &out->all));
  }
  if (const json::Value* m = json::Member(v, "or")) {
    LRS_RETURN_IF_ERROR(ParseFilterList(*m, Child(where, "or"), &out->any));
  }
  if (const json::Value* m = json::Member(v, "not")) {
    out->negated = std::make_unique<Filter>();
    LRS_RETURN_IF_ERROR(ParseFilter(*m, Child(where, "not"), out->negated.get()));
  }
  return Status::OK();
}

bool Filter::Matches(const json::Value& statement) const {
  if (verbs) {
    const json::Value* verb = json::Member(statement, "verb");
    if (verb == nullptr || !verbs->count(json::StringOr(*verb, "id"))) return false;
  }
  if (!ActivityMatches(*this, statement)) return false;
  if (actors) {
    const json::Value* actor = json::Member(statement, "actor");
    if (actor == nullptr || !actors->count(ActorIfi(*actor))) return false;
  }
  if (!ResultMatches(*this, statement)) return false;
  for (const Filter& f : all) {
    if (!f.Matches(statement)) return false;
  }
  if (!any.empty()) {
    bool one = false;
    for (const Filter& f : any) one = one || f.Matches(statement);
    if (!one) return false;
  }
  return negated == nullptr || !negated->Matches(statement);
}

}  // namespace lrs::sync::mapping_internal
