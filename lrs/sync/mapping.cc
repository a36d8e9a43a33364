// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Mapping: the config as a whole (parse, identity, version) and Map().
// Paths and templates live in mapping_path.cc, transforms in
// mapping_transform.cc, field specs and the default field set in
// mapping_field.cc, filters and actor identifiers in mapping_filter.cc.
// docs/sync-mapping.md is the user's description of all of it.

#include "lrs/sync/mapping.h"

#include <openssl/evp.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrs/common/time.h"
#include "lrs/sync/mapping_internal.h"

namespace lrs::sync {

namespace mapping_internal {

Status Invalid(std::string_view where, std::string_view msg) {
  std::string m(where);
  m += ": ";
  m += msg;
  return Status::InvalidArgument(m);
}

std::string Quote(std::string_view s) {
  return json::Write(json::Value(rapidjson::StringRef(s.data(), s.size())));
}

std::string Child(std::string_view where, std::string_view key) {
  std::string out(where);
  if (key.empty() || key.find_first_of(".[]:/ ") != std::string_view::npos) {
    out += '[';
    out += key;
    out += ']';
  } else {
    if (!out.empty()) out += '.';
    out += key;
  }
  return out;
}

std::string Item(std::string_view where, std::size_t index) {
  return std::string(where) + "[" + std::to_string(index) + "]";
}

Status CheckKeys(const json::Value& obj, std::string_view where,
                 std::initializer_list<std::string_view> known) {
  for (const auto& m : obj.GetObject()) {
    std::string_view name = json::View(m.name);
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return Invalid(Child(where, name), "unknown key");
    }
  }
  return Status::OK();
}

Status GetString(const json::Value& obj, std::string_view key, std::string_view where,
                 std::optional<std::string>* out) {
  const json::Value* v = json::Member(obj, key);
  if (v == nullptr) return Status::OK();
  if (!v->IsString()) return Invalid(Child(where, key), "must be a string");
  *out = std::string(json::View(*v));
  return Status::OK();
}

Status GetBool(const json::Value& obj, std::string_view key, std::string_view where,
               std::optional<bool>* out) {
  const json::Value* v = json::Member(obj, key);
  if (v == nullptr) return Status::OK();
  if (!v->IsBool()) return Invalid(Child(where, key), "must be true or false");
  *out = v->GetBool();
  return Status::OK();
}

Status GetStringList(const json::Value& list, std::string_view where,
                     std::vector<std::string>* out) {
  if (!list.IsArray() || list.Empty()) {
    return Invalid(where, "must be a non-empty array of strings");
  }
  out->clear();
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    if (!list[i].IsString() || list[i].GetStringLength() == 0) {
      return Invalid(Item(where, i), "must be a non-empty string");
    }
    out->emplace_back(json::View(list[i]));
  }
  return Status::OK();
}

}  // namespace mapping_internal

namespace {

using namespace mapping_internal;  // NOLINT(build/namespaces): this module's own internals

constexpr CategorySet kAllCategories = kEngagement | kEducation;
// Part of every version: bump when the meaning of a config changes (e.g. the
// default field set), so that destinations receive re-mapped records anew.
constexpr std::string_view kVersionTag = "lrs.sync.mapping/1";

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

Status ParseCategoryName(const json::Value& v, std::string_view what, CategorySet* out) {
  if (v.IsString() && json::View(v) == "education") {
    *out |= kEducation;
  } else if (v.IsString() && json::View(v) == "engagement") {
    *out |= kEngagement;
  } else {
    return Invalid(what, "must be \"education\" or \"engagement\", not " + json::Write(v));
  }
  return Status::OK();
}

// ---- Identity -------------------------------------------------------------

struct LookupEntry {
  std::optional<std::string> email;
  std::optional<std::string> external_id;
};

struct Identity {
  bool email_from_mbox = true;
  bool external_id_from_account = true;
  std::optional<std::string> account_home_page;
  StringMap<LookupEntry> lookup;  // canonical actor identifier -> override
};

Status ParseMode(const json::Value& obj, std::string_view key, std::string_view derived,
                 bool* out) {
  std::optional<std::string> mode;
  LRS_RETURN_IF_ERROR(GetString(obj, key, "identity", &mode));
  if (!mode) return Status::OK();
  if (*mode != derived && *mode != "none") {
    return Invalid(Child("identity", key), "must be " + Quote(derived) + " or \"none\", not " +
                                               Quote(*mode));
  }
  *out = *mode == derived;
  return Status::OK();
}

Status ParseLookupEntry(const json::Value& v, const std::string& where, LookupEntry* out) {
  if (!v.IsObject()) return Invalid(where, "must be an object");
  LRS_RETURN_IF_ERROR(CheckKeys(v, where, {"email", "external_id"}));
  LRS_RETURN_IF_ERROR(GetString(v, "email", where, &out->email));
  LRS_RETURN_IF_ERROR(GetString(v, "external_id", where, &out->external_id));
  if (!out->email && !out->external_id) {
    return Invalid(where, "must give \"email\" or \"external_id\"");
  }
  return Status::OK();
}

Status ParseLookup(const json::Value& v, Identity* out) {
  constexpr std::string_view kWhere = "identity.lookup";
  if (!v.IsObject()) return Invalid(kWhere, "must be an object");
  for (const auto& m : v.GetObject()) {
    std::string_view key = json::View(m.name);
    std::string where = Child(kWhere, key), ifi;
    if (!NormalizeIfi(key, &ifi)) {
      return Invalid(where,
                     "key must be \"mailto:<address>\", \"sha1:<hex>\", \"openid:<uri>\" or "
                     "\"account:<homePage>|<name>\"");
    }
    LookupEntry entry;
    LRS_RETURN_IF_ERROR(ParseLookupEntry(m.value, where, &entry));
    if (!out->lookup.emplace(std::move(ifi), std::move(entry)).second) {
      return Invalid(where, "names the same actor as another key");
    }
  }
  return Status::OK();
}

Status ParseIdentity(const json::Value& v, Identity* out) {
  constexpr std::string_view kWhere = "identity";
  if (!v.IsObject()) return Invalid(kWhere, "must be an object");
  LRS_RETURN_IF_ERROR(
      CheckKeys(v, kWhere, {"email", "external_id", "account_home_page", "lookup"}));
  LRS_RETURN_IF_ERROR(ParseMode(v, "email", "mbox", &out->email_from_mbox));
  LRS_RETURN_IF_ERROR(ParseMode(v, "external_id", "account", &out->external_id_from_account));
  LRS_RETURN_IF_ERROR(GetString(v, "account_home_page", kWhere, &out->account_home_page));
  if (out->account_home_page && out->account_home_page->empty()) {
    return Invalid(Child(kWhere, "account_home_page"), "must not be empty");
  }
  if (const json::Value* lookup = json::Member(v, "lookup")) {
    LRS_RETURN_IF_ERROR(ParseLookup(*lookup, out));
  }
  return Status::OK();
}

// Home pages compare equal up to one trailing slash.
bool SameHomePage(std::string_view a, std::string_view b) {
  if (!a.empty() && a.back() == '/') a.remove_suffix(1);
  if (!b.empty() && b.back() == '/') b.remove_suffix(1);
  return a == b;
}

void ResolveIdentity(const Identity& id, const json::Value& statement, MappedRecord* out) {
  const json::Value* actor = json::Member(statement, "actor");
  if (actor == nullptr || !actor->IsObject()) return;
  std::string_view mbox = json::StringOr(*actor, "mbox");
  if (id.email_from_mbox && StartsWithNoCase(mbox, "mailto:")) {
    out->email = mbox.substr(7);
  }
  const json::Value* account = json::Member(*actor, "account");
  if (id.external_id_from_account && account != nullptr) {
    std::string_view name = json::StringOr(*account, "name");
    if (!id.account_home_page ||
        SameHomePage(json::StringOr(*account, "homePage"), *id.account_home_page)) {
      out->external_id = name;
    }
  }
  if (id.lookup.empty()) return;
  auto it = id.lookup.find(ActorIfi(*actor));
  if (it == id.lookup.end()) return;
  if (it->second.email) out->email = *it->second.email;
  if (it->second.external_id) out->external_id = *it->second.external_id;
}

// ---- Version --------------------------------------------------------------

// JSON with object members sorted by name: equal configs, equal bytes.
void WriteCanonical(const json::Value& v, rapidjson::Writer<rapidjson::StringBuffer>* w) {
  if (v.IsObject()) {
    std::vector<const json::Value::Member*> members;
    for (const auto& m : v.GetObject()) members.push_back(&m);
    std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) {
      return json::View(a->name) < json::View(b->name);
    });
    w->StartObject();
    for (const auto* m : members) {
      w->Key(m->name.GetString(), m->name.GetStringLength());
      WriteCanonical(m->value, w);
    }
    w->EndObject();
  } else if (v.IsArray()) {
    w->StartArray();
    for (const auto& item : v.GetArray()) WriteCanonical(item, w);
    w->EndArray();
  } else {
    v.Accept(*w);
  }
}

std::string Version(const json::Value& config, CategorySet allowed) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  json::Value empty(rapidjson::kObjectType);
  WriteCanonical(config.IsNull() ? empty : config, &w);
  std::string text(kVersionTag);
  text += '\n';
  text += std::to_string(allowed);
  text += '\n';
  text.append(buf.GetString(), buf.GetSize());
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(text.data(), text.size(), md, &len, EVP_sha256(), nullptr) != 1) len = 0;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len && i < 8; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// ---- Map helpers ----------------------------------------------------------

std::int64_t TimestampMs(const json::Value& statement) {
  for (std::string_view key : {"timestamp", "stored"}) {
    ParsedTime t;
    if (ParseIso8601(json::StringOr(statement, key), &t)) return FloorDiv(t.micros, 1000);
  }
  return 0;
}

// A property value: scalars keep their JSON type; an object or array (a
// path that stops at a language map, an extension's object) is sent as its
// compact JSON text, since destinations take flat properties.
void WriteProperty(const json::Value& v, rapidjson::Writer<rapidjson::StringBuffer>* w) {
  if (v.IsObject() || v.IsArray()) {
    std::string text = json::Write(v);
    w->String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  } else {
    v.Accept(*w);
  }
}

Status ParseFields(const json::Value& v, std::vector<Field>* out) {
  if (!v.IsArray()) return Invalid("fields", "must be an array of field specs");
  StringSet names;
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    Field f;
    std::string where = Item("fields", i);
    LRS_RETURN_IF_ERROR(ParseField(v[i], where, /*is_event=*/false, &f));
    if (!names.insert(f.name).second) {
      return Invalid(where + ".name", "duplicate field name " + Quote(f.name));
    }
    out->push_back(std::move(f));
  }
  return Status::OK();
}

}  // namespace

struct Mapping::Rep {
  CategorySet allowed = 0;
  std::optional<Filter> filter;  // absent: every statement
  Identity identity;
  Field event;
  std::vector<Field> fields;
  std::string version;

  // True iff a field may leave: its category is allowed, and it is not
  // free text, or free text the destination was told to send.
  bool Sendable(const Field& f) const {
    return (f.category & allowed) != 0 && (!f.free_text || f.send_free_text);
  }
};

Status ParseCategories(const json::Value& v, std::string_view what, CategorySet* out) {
  CategorySet set = 0;
  if (v.IsArray()) {
    if (v.Empty()) return Invalid(what, "must not be empty");
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      LRS_RETURN_IF_ERROR(ParseCategoryName(v[i], what, &set));
    }
  } else if (v.IsString()) {
    LRS_RETURN_IF_ERROR(ParseCategoryName(v, what, &set));
  } else {
    return Invalid(what, "must be \"education\", \"engagement\" or an array of them, not " +
                             json::Write(v));
  }
  *out = set;
  return Status::OK();
}

Mapping::Mapping(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Mapping::~Mapping() = default;

Status Mapping::Parse(const json::Value& config, CategorySet allowed,
                      std::unique_ptr<Mapping>* out) {
  auto rep = std::make_unique<Rep>();
  rep->allowed = allowed & kAllCategories;
  json::Value empty(rapidjson::kObjectType);
  const json::Value& c = config.IsNull() ? empty : config;
  if (!c.IsObject()) return Invalid("mapping", "must be an object");
  LRS_RETURN_IF_ERROR(CheckKeys(c, "mapping", {"filter", "identity", "event", "fields"}));
  if (const json::Value* filter = json::Member(c, "filter")) {
    rep->filter.emplace();
    LRS_RETURN_IF_ERROR(ParseFilter(*filter, "filter", &*rep->filter));
  }
  if (const json::Value* identity = json::Member(c, "identity")) {
    LRS_RETURN_IF_ERROR(ParseIdentity(*identity, &rep->identity));
  }
  if (const json::Value* event = json::Member(c, "event")) {
    LRS_RETURN_IF_ERROR(ParseField(*event, "event", /*is_event=*/true, &rep->event));
  } else {
    rep->event = DefaultEvent();
  }
  if (const json::Value* fields = json::Member(c, "fields")) {
    LRS_RETURN_IF_ERROR(ParseFields(*fields, &rep->fields));
  } else {
    rep->fields = DefaultFields();
  }
  rep->version = Version(c, rep->allowed);
  out->reset(new Mapping(std::move(rep)));
  return Status::OK();
}

bool Mapping::Matches(const json::Value& statement) const {
  return !rep_->filter || rep_->filter->Matches(statement);
}

Status Mapping::Map(const json::Value& statement, MappedRecord* out) const {
  *out = MappedRecord();
  if (!statement.IsObject()) return Status::InvalidArgument("statement: must be an object");
  ResolveIdentity(rep_->identity, statement, out);
  out->timestamp_ms = TimestampMs(statement);
  json::Document scratch_doc;
  json::Allocator& alloc = scratch_doc.GetAllocator();
  if (rep_->Sendable(rep_->event)) {
    json::Value scratch;
    if (const json::Value* v = Evaluate(rep_->event, statement, alloc, &scratch)) {
      AppendText(*v, &out->event);
    }
  }
  rapidjson::StringBuffer properties, contact;
  rapidjson::Writer<rapidjson::StringBuffer> pw(properties), cw(contact);
  pw.StartObject();
  cw.StartObject();
  for (const Field& f : rep_->fields) {
    if (!rep_->Sendable(f)) continue;
    json::Value scratch;
    const json::Value* v = Evaluate(f, statement, alloc, &scratch);
    if (v == nullptr) continue;
    auto& w = f.to_contact ? cw : pw;
    w.Key(f.name.data(), static_cast<rapidjson::SizeType>(f.name.size()));
    WriteProperty(*v, &w);
  }
  pw.EndObject();
  cw.EndObject();
  out->properties.assign(properties.GetString(), properties.GetSize());
  out->contact.assign(contact.GetString(), contact.GetSize());
  return Status::OK();
}

const std::string& Mapping::version() const { return rep_->version; }

}  // namespace lrs::sync
