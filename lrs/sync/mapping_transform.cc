// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Mapping transforms: language maps, durations, timestamps, case, text,
// IRI segments. A transform that does not apply to a value (a malformed
// duration, a number given to "language") makes the field absent.

#include <cmath>
#include <string>

#include "lrs/common/time.h"
#include "lrs/sync/mapping_internal.h"

namespace lrs::sync::mapping_internal {
namespace {

struct NamedTransform {
  std::string_view name;
  TransformKind kind;
};

constexpr NamedTransform kTransforms[] = {
    {"language", TransformKind::kLanguage},
    {"duration_seconds", TransformKind::kDurationSeconds},
    {"timestamp:iso", TransformKind::kTimestampIso},
    {"timestamp:epoch_ms", TransformKind::kTimestampEpochMs},
    {"timestamp:epoch_s", TransformKind::kTimestampEpochS},
    {"timestamp:date", TransformKind::kTimestampDate},
    {"lower", TransformKind::kLower},
    {"upper", TransformKind::kUpper},
    {"string", TransformKind::kString},
    {"iri_last_segment", TransformKind::kIriLastSegment},
};

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool EqualNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view PrimarySubtag(std::string_view tag) { return tag.substr(0, tag.find('-')); }

bool ValidLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.front() == '-' || tag.back() == '-') return false;
  for (char c : tag) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

const json::Value* FindLanguage(const json::Value& map, std::string_view tag, bool primary) {
  for (const auto& m : map.GetObject()) {
    std::string_view key = json::View(m.name);
    if (EqualNoCase(primary ? PrimarySubtag(key) : key, tag)) return &m.value;
  }
  return nullptr;
}

// The entry of a language map for `tag`: the tag itself, else its primary
// subtag ("en" for "en-US"), else any tag with that primary subtag
// ("en-GB"), else "und", else the first entry. A string is its own value.
const json::Value* PickLanguage(const json::Value& in, std::string_view tag) {
  if (in.IsString()) return &in;
  if (!in.IsObject() || in.MemberCount() == 0) return nullptr;
  const json::Value* v = nullptr;
  if (!tag.empty()) {
    std::string_view primary = PrimarySubtag(tag);
    v = FindLanguage(in, tag, false);
    if (v == nullptr) v = FindLanguage(in, primary, false);
    if (v == nullptr) v = FindLanguage(in, primary, true);
  }
  if (v == nullptr) v = FindLanguage(in, "und", false);
  if (v == nullptr) v = &in.MemberBegin()->value;
  return v;
}

// A whole number of seconds stays an integer ("3723", not "3723.0").
void SetSeconds(double s, json::Value* out) {
  if (std::nearbyint(s) == s && std::fabs(s) < 9007199254740992.0) {
    out->SetInt64(static_cast<std::int64_t>(s));
  } else {
    out->SetDouble(s);
  }
}

bool Timestamp(TransformKind kind, const json::Value& in, json::Allocator& alloc,
               json::Value* out) {
  ParsedTime t;
  if (!in.IsString() || !ParseIso8601(json::View(in), &t)) return false;
  switch (kind) {
    case TransformKind::kTimestampIso:
      out->SetString(FormatIso8601Millis(t.micros), alloc);
      break;
    case TransformKind::kTimestampEpochMs:
      out->SetInt64(FloorDiv(t.micros, 1000));
      break;
    case TransformKind::kTimestampEpochS:
      out->SetInt64(FloorDiv(t.micros, 1000000));
      break;
    default:  // kTimestampDate
      out->SetString(FormatIso8601Millis(t.micros).substr(0, 10), alloc);
      break;
  }
  return true;
}

bool IriLastSegment(const json::Value& in, json::Allocator& alloc, json::Value* out) {
  if (!in.IsString()) return false;
  std::string_view s = json::View(in);
  while (!s.empty() && (s.back() == '/' || s.back() == '#')) s.remove_suffix(1);
  std::size_t cut = s.find_last_of("/#");
  if (cut != std::string_view::npos) s.remove_prefix(cut + 1);
  if (s.empty()) return false;
  out->SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
  return true;
}

void ChangeCase(const json::Value& in, bool upper, json::Allocator& alloc, json::Value* out) {
  if (!in.IsString()) {
    out->CopyFrom(in, alloc);
    return;
  }
  std::string s(json::View(in));
  for (char& c : s) c = upper ? Upper(c) : Lower(c);
  out->SetString(s, alloc);
}

}  // namespace

Status ParseTransform(std::string_view text, std::string_view where, Transform* out) {
  *out = Transform();
  if (text.substr(0, 9) == "language:") {
    std::string_view tag = text.substr(9);
    if (!ValidLanguageTag(tag)) return Invalid(where, "invalid language tag " + Quote(tag));
    out->kind = TransformKind::kLanguage;
    out->tag = std::string(tag);
    return Status::OK();
  }
  for (const NamedTransform& t : kTransforms) {
    if (t.name == text) {
      out->kind = t.kind;
      return Status::OK();
    }
  }
  return Invalid(where, "unknown transform " + Quote(text) +
                            " (known: language, language:<tag>, duration_seconds, timestamp:iso, "
                            "timestamp:epoch_ms, timestamp:epoch_s, timestamp:date, lower, upper, "
                            "string, iri_last_segment)");
}

void AppendText(const json::Value& v, std::string* out) {
  if (v.IsString()) {
    out->append(v.GetString(), v.GetStringLength());
  } else {
    json::AppendTo(v, out);
  }
}

bool ApplyTransform(const Transform& t, const json::Value& in, json::Allocator& alloc,
                    json::Value* out) {
  switch (t.kind) {
    case TransformKind::kNone:
      out->CopyFrom(in, alloc);
      return true;
    case TransformKind::kLanguage: {
      const json::Value* v = PickLanguage(in, t.tag);
      if (v == nullptr) return false;
      out->CopyFrom(*v, alloc);
      return true;
    }
    case TransformKind::kDurationSeconds: {
      double s;
      if (!in.IsString() || !ParseIso8601Duration(json::View(in), &s)) return false;
      SetSeconds(s, out);
      return true;
    }
    case TransformKind::kTimestampIso:
    case TransformKind::kTimestampEpochMs:
    case TransformKind::kTimestampEpochS:
    case TransformKind::kTimestampDate:
      return Timestamp(t.kind, in, alloc, out);
    case TransformKind::kLower:
    case TransformKind::kUpper:
      ChangeCase(in, t.kind == TransformKind::kUpper, alloc, out);
      return true;
    case TransformKind::kString: {
      std::string s;
      AppendText(in, &s);
      out->SetString(s, alloc);
      return true;
    }
    case TransformKind::kIriLastSegment:
      return IriLastSegment(in, alloc, out);
  }
  return false;
}

}  // namespace lrs::sync::mapping_internal
