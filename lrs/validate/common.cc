// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Paths, errors and the checks shared by every part of a statement: fixed
// property sets, duplicate keys, typed leaves, language maps (Data 4.2) and
// extensions (Data 4.1).

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "lrs/validate/internal.h"
#include "lrs/validate/validator.h"

namespace lrs::validate::internal {
namespace {

constexpr std::size_t kMaxQuoted = 80;  // longest key echoed back in a message
constexpr int kMaxExtensionDepth = 128;

bool SameKey(const Value& name, std::string_view k) {
  return name.GetStringLength() == k.size() &&
         std::memcmp(name.GetString(), k.data(), k.size()) == 0;
}

bool SameKeys(const Value& a, const Value& b) {
  return a.GetStringLength() == b.GetStringLength() &&
         std::memcmp(a.GetString(), b.GetString(), a.GetStringLength()) == 0;
}

}  // namespace

std::string Quote(std::string_view s) {
  std::string out = "\"";
  if (s.size() <= kMaxQuoted) {
    out.append(s);
  } else {
    std::size_t cut = kMaxQuoted;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
    out.append(s.substr(0, cut));
    out.append("...");
  }
  out.push_back('"');
  return out;
}

std::string Path::ToString() const {
  constexpr int kMax = 160;
  const Path* chain[kMax];
  int n = 0;
  for (const Path* p = this; p != nullptr && n < kMax; p = p->parent) chain[n++] = p;
  std::string out;
  for (int i = n - 1; i >= 0; --i) {
    const Path* p = chain[i];
    if (p->index >= 0) {
      out.push_back('[');
      out.append(std::to_string(p->index));
      out.push_back(']');
    } else if (p->parent != nullptr || !p->key.empty()) {
      if (!out.empty()) out.push_back('.');
      out.append(p->key);
    }
  }
  if (out.empty()) out = "statement";
  return out;
}

Status Error(const Path& path, std::string_view rule) {
  std::string msg = path.ToString();
  msg.append(": ");
  msg.append(rule);
  return Status::InvalidArgument(msg);
}

Status ScanObject(const Value& obj, const Path& path, const std::string_view* names, std::size_t n,
                  const Value** slots) {
  if (!obj.IsObject()) {
    return Error(path, obj.IsNull() ? "must not be null" : "must be a JSON object");
  }
  for (const auto& m : obj.GetObject()) {
    std::size_t j = 0;
    while (j < n && !SameKey(m.name, names[j])) ++j;
    if (j == n) return Error(path, "unknown property " + Quote(Str(m.name)));
    if (slots[j] != nullptr) return Error(path, "duplicate property " + Quote(Str(m.name)));
    if (m.value.IsNull()) return Error(path.Child(names[j]), "must not be null");
    slots[j] = &m.value;
  }
  return Status::OK();
}

Status CheckNoDuplicateKeys(const Value& obj, const Path& path) {
  const rapidjson::SizeType n = obj.MemberCount();
  if (n < 2) return Status::OK();
  auto begin = obj.MemberBegin();
  if (n <= 24) {
    for (rapidjson::SizeType i = 1; i < n; ++i) {
      const Value& a = begin[i].name;
      for (rapidjson::SizeType j = 0; j < i; ++j) {
        if (SameKeys(a, begin[j].name)) return Error(path, "duplicate property " + Quote(Str(a)));
      }
    }
    return Status::OK();
  }
  std::vector<std::string_view> keys;
  keys.reserve(n);
  for (rapidjson::SizeType i = 0; i < n; ++i) keys.push_back(Str(begin[i].name));
  std::sort(keys.begin(), keys.end());
  for (std::size_t i = 1; i < keys.size(); ++i) {
    if (keys[i] == keys[i - 1]) return Error(path, "duplicate property " + Quote(keys[i]));
  }
  return Status::OK();
}

Status CheckNoDuplicateKeysDeep(const Value& v, const Path& path, int depth) {
  if (depth > kMaxExtensionDepth) return Error(path, "nested too deeply");
  if (v.IsObject()) {
    LRS_RETURN_IF_ERROR(CheckNoDuplicateKeys(v, path));
    for (const auto& m : v.GetObject()) {
      if (m.value.IsObject() || m.value.IsArray()) {
        LRS_RETURN_IF_ERROR(CheckNoDuplicateKeysDeep(m.value, path.Child(Str(m.name)), depth + 1));
      }
    }
  } else if (v.IsArray()) {
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      const Value& e = v[i];
      if (e.IsObject() || e.IsArray()) {
        LRS_RETURN_IF_ERROR(CheckNoDuplicateKeysDeep(e, path.At(i), depth + 1));
      }
    }
  }
  return Status::OK();
}

Status ExpectString(const Value& v, const Path& path) {
  if (v.IsString()) return Status::OK();
  return Error(path, v.IsNull() ? "must not be null" : "must be a string");
}

Status ExpectBool(const Value& v, const Path& path) {
  if (v.IsBool()) return Status::OK();
  return Error(path, v.IsNull() ? "must not be null" : "must be a boolean");
}

Status ExpectNumber(const Value& v, const Path& path) {
  if (v.IsNumber()) return Status::OK();
  return Error(path, v.IsNull() ? "must not be null" : "must be a number");
}

Status ExpectIri(const Value& v, const Path& path) {
  LRS_RETURN_IF_ERROR(ExpectString(v, path));
  if (!IsAbsoluteIri(Str(v))) return Error(path, "must be an absolute IRI");
  return Status::OK();
}

Status ExpectIrl(const Value& v, const Path& path) {
  LRS_RETURN_IF_ERROR(ExpectString(v, path));
  if (!IsAbsoluteIri(Str(v))) return Error(path, "must be an absolute IRL");
  return Status::OK();
}

Status ExpectUuidValue(const Value& v, const Path& path) {
  LRS_RETURN_IF_ERROR(ExpectString(v, path));
  if (!IsUuid(Str(v))) return Error(path, "must be a UUID (8-4-4-4-12 hex digits)");
  return Status::OK();
}

Status ExpectTimestampValue(const Value& v, const Path& path, const Ctx& ctx) {
  LRS_RETURN_IF_ERROR(ExpectString(v, path));
  if (IsTimestamp(Str(v), ctx.version)) return Status::OK();
  if (ctx.v2() && IsTimestamp(Str(v), XapiVersion::k1_0_3)) {
    return Error(path, "must include a time zone offset (xAPI 2.0.0)");
  }
  return Error(path, "must be an ISO 8601 timestamp");
}

Status ExpectLanguageMap(const Value& v, const Path& path) {
  if (!v.IsObject()) {
    return Error(path, v.IsNull() ? "must not be null" : "must be a language map (JSON object)");
  }
  for (const auto& m : v.GetObject()) {
    std::string_view key = Str(m.name);
    if (!IsLanguageTag(key)) {
      return Error(path, "key " + Quote(key) + " must be an RFC 5646 language tag");
    }
    if (!m.value.IsString()) LRS_RETURN_IF_ERROR(ExpectString(m.value, path.Child(key)));
  }
  return CheckNoDuplicateKeys(v, path);
}

Status ExpectExtensions(const Value& v, const Path& path) {
  if (!v.IsObject()) return Error(path, v.IsNull() ? "must not be null" : "must be a JSON object");
  for (const auto& m : v.GetObject()) {
    std::string_view key = Str(m.name);
    if (!IsAbsoluteIri(key)) return Error(path, "key " + Quote(key) + " must be an absolute IRI");
  }
  // Values are free (Data 4.1.s3.b2), null included; only duplicate keys,
  // which make the value ambiguous, are rejected.
  return CheckNoDuplicateKeysDeep(v, path, 0);
}

}  // namespace lrs::validate::internal
