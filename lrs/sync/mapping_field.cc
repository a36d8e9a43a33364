// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Mapping field specs: parsing, evaluation, and the default field set.

#include <string>
#include <utility>

#include "lrs/sync/mapping_internal.h"

namespace lrs::sync::mapping_internal {
namespace {

constexpr std::string_view kSourceKeys[] = {"path", "template", "coalesce", "value"};

bool ValidName(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

Status ParseName(const json::Value& spec, std::string_view where, std::string* out) {
  std::optional<std::string> name;
  LRS_RETURN_IF_ERROR(GetString(spec, "name", where, &name));
  std::string at = Child(where, "name");
  if (!name) return Invalid(at, "required");
  if (!ValidName(*name)) return Invalid(at, "must match [A-Za-z0-9_]+, not " + Quote(*name));
  *out = std::move(*name);
  return Status::OK();
}

Status ParsePathSource(const json::Value& v, std::string_view where, Source* out) {
  if (!v.IsString()) return Invalid(where, "must be a string");
  out->kind = Source::Kind::kPath;
  return ParsePath(json::View(v), where, &out->path);
}

Status ParseCoalesce(const json::Value& v, std::string_view where, std::vector<Source>* out) {
  if (!v.IsArray() || v.Empty()) return Invalid(where, "must be a non-empty array of paths");
  for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
    Source s;
    LRS_RETURN_IF_ERROR(ParsePathSource(v[i], Item(where, i), &s));
    out->push_back(std::move(s));
  }
  return Status::OK();
}

Status ParseConstant(const json::Value& v, std::string_view where, Source* out) {
  if (v.IsObject() || v.IsArray()) {
    return Invalid(where, "must be a string, number, boolean or null");
  }
  auto doc = std::make_shared<json::Document>();
  doc->CopyFrom(v, doc->GetAllocator());
  out->kind = Source::Kind::kValue;
  out->value = std::move(doc);
  return Status::OK();
}

// Exactly one of "path", "template", "coalesce", "value".
Status ParseSources(const json::Value& spec, std::string_view where, std::vector<Source>* out) {
  std::string_view given;
  for (std::string_view key : kSourceKeys) {
    if (json::Member(spec, key) == nullptr) continue;
    if (!given.empty()) {
      return Invalid(where, "\"" + std::string(given) + "\" and \"" + std::string(key) +
                                "\" exclude each other: give one of path, template, "
                                "coalesce or value");
    }
    given = key;
  }
  if (given.empty()) return Invalid(where, "needs one of path, template, coalesce or value");
  const json::Value& v = *json::Member(spec, given);
  std::string at = Child(where, given);
  if (given == "coalesce") return ParseCoalesce(v, at, out);
  Source s;
  if (given == "path") {
    LRS_RETURN_IF_ERROR(ParsePathSource(v, at, &s));
  } else if (given == "template") {
    if (!v.IsString()) return Invalid(at, "must be a string");
    s.kind = Source::Kind::kTemplate;
    LRS_RETURN_IF_ERROR(ParseTemplate(json::View(v), at, &s.tmpl));
  } else {
    LRS_RETURN_IF_ERROR(ParseConstant(v, at, &s));
  }
  out->push_back(std::move(s));
  return Status::OK();
}

Status ParseCategory(const json::Value& spec, std::string_view where, bool is_event,
                     Category* out) {
  std::string at = Child(where, "category");
  const json::Value* v = json::Member(spec, "category");
  if (v == nullptr) {
    if (is_event) return Status::OK();  // the event is engagement unless told
    return Invalid(at, "required: \"education\" or \"engagement\"");
  }
  if (v->IsString() && json::View(*v) == "education") {
    *out = kEducation;
  } else if (v->IsString() && json::View(*v) == "engagement") {
    *out = kEngagement;
  } else {
    return Invalid(at, "must be \"education\" or \"engagement\", not " + json::Write(*v));
  }
  return Status::OK();
}

Status ParseTarget(const json::Value& spec, std::string_view where, bool* to_contact) {
  std::optional<std::string> to;
  LRS_RETURN_IF_ERROR(GetString(spec, "to", where, &to));
  if (!to || *to == "properties") return Status::OK();
  if (*to != "contact") {
    return Invalid(Child(where, "to"), "must be \"properties\" or \"contact\", not " + Quote(*to));
  }
  *to_contact = true;
  return Status::OK();
}

bool SourceReachesResponse(const Source& s) {
  if (s.kind == Source::Kind::kPath) return ReachesResponse(s.path);
  if (s.kind != Source::Kind::kTemplate) return false;
  for (const Template::Part& part : s.tmpl.parts) {
    if (part.placeholder && ReachesResponse(part.path)) return true;
  }
  return false;
}

Path FixedPath(std::string_view text) {
  Path path;
  // The default paths below are constants and parse; the tests check them.
  if (!ParsePath(text, "default", &path).ok()) path.clear();
  return path;
}

Source PathSource(std::string_view path, Transform transform = {}) {
  Source s;
  s.path = FixedPath(path);
  s.transform = std::move(transform);
  return s;
}

Field PathField(std::string_view name, std::string_view path, Category category,
                TransformKind kind = TransformKind::kNone, std::string_view tag = {}) {
  Field f;
  f.name = std::string(name);
  f.sources.push_back(PathSource(path));
  f.transform = Transform{kind, std::string(tag)};
  f.category = category;
  f.free_text = ReachesResponse(f.sources[0].path);
  return f;
}

// `t` applied to *v (which may be *scratch), into *scratch; nullptr when
// there is no value or the transform does not apply.
const json::Value* Transformed(const Transform& t, const json::Value* v, json::Allocator& alloc,
                               json::Value* scratch) {
  if (v == nullptr || t.kind == TransformKind::kNone) return v;
  json::Value owned;
  if (v == scratch) {
    owned.Swap(*scratch);
    v = &owned;
  }
  return ApplyTransform(t, *v, alloc, scratch) ? scratch : nullptr;
}

// The value of one source, or nullptr.
const json::Value* EvaluateSource(const Source& s, const json::Value& statement,
                                  json::Allocator& alloc, json::Value* scratch) {
  const json::Value* v = nullptr;
  switch (s.kind) {
    case Source::Kind::kPath:
      v = Resolve(statement, s.path);
      break;
    case Source::Kind::kValue:
      v = s.value.get();
      break;
    case Source::Kind::kTemplate: {
      std::string text;
      if (!RenderTemplate(s.tmpl, statement, alloc, &text)) return nullptr;
      scratch->SetString(text, alloc);
      v = scratch;
      break;
    }
  }
  return Transformed(s.transform, v, alloc, scratch);
}

}  // namespace

Status ParseField(const json::Value& spec, std::string_view where, bool is_event, Field* out) {
  *out = Field();
  if (!spec.IsObject()) return Invalid(where, "must be an object");
  if (is_event) {
    LRS_RETURN_IF_ERROR(CheckKeys(spec, where,
                                  {"path", "template", "coalesce", "value", "transform",
                                   "category", "free_text", "send_free_text"}));
  } else {
    LRS_RETURN_IF_ERROR(CheckKeys(spec, where,
                                  {"name", "path", "template", "coalesce", "value", "transform",
                                   "category", "to", "free_text", "send_free_text"}));
    LRS_RETURN_IF_ERROR(ParseName(spec, where, &out->name));
  }
  LRS_RETURN_IF_ERROR(ParseSources(spec, where, &out->sources));
  std::optional<std::string> transform;
  LRS_RETURN_IF_ERROR(GetString(spec, "transform", where, &transform));
  if (transform) {
    LRS_RETURN_IF_ERROR(ParseTransform(*transform, Child(where, "transform"), &out->transform));
  }
  LRS_RETURN_IF_ERROR(ParseCategory(spec, where, is_event, &out->category));
  if (!is_event) LRS_RETURN_IF_ERROR(ParseTarget(spec, where, &out->to_contact));
  std::optional<bool> free_text, send_free_text;
  LRS_RETURN_IF_ERROR(GetBool(spec, "free_text", where, &free_text));
  LRS_RETURN_IF_ERROR(GetBool(spec, "send_free_text", where, &send_free_text));
  out->free_text = free_text.value_or(false);
  for (const Source& s : out->sources) out->free_text = out->free_text || SourceReachesResponse(s);
  out->send_free_text = send_free_text.value_or(false);
  return Status::OK();
}

// The default field set (docs/sync-mapping.md, "Default fields"). All go
// to "properties"; absent values are omitted.
//   verb_id           verb.id                                    engagement
//   activity_id       object.id                                  engagement
//   activity_name     object.definition.name | language:en       engagement
//   activity_type     object.definition.type                     engagement
//   course_id         context.contextActivities.grouping[0].id,
//                     else context.contextActivities.parent[0].id engagement
//   registration      context.registration                       engagement
//   completion        result.completion                          engagement
//   success           result.success                             education
//   score_scaled      result.score.scaled                        education
//   score_raw         result.score.raw                           education
//   duration_seconds  result.duration | duration_seconds         education
//   response          result.response (free text: not sent)      education
std::vector<Field> DefaultFields() {
  std::vector<Field> f;
  f.push_back(PathField("verb_id", "verb.id", kEngagement));
  f.push_back(PathField("activity_id", "object.id", kEngagement));
  f.push_back(PathField("activity_name", "object.definition.name", kEngagement,
                        TransformKind::kLanguage, "en"));
  f.push_back(PathField("activity_type", "object.definition.type", kEngagement));
  f.push_back(PathField("course_id", "context.contextActivities.grouping[0].id", kEngagement));
  f.back().sources.push_back(PathSource("context.contextActivities.parent[0].id"));
  f.push_back(PathField("registration", "context.registration", kEngagement));
  f.push_back(PathField("completion", "result.completion", kEngagement));
  f.push_back(PathField("success", "result.success", kEducation));
  f.push_back(PathField("score_scaled", "result.score.scaled", kEducation));
  f.push_back(PathField("score_raw", "result.score.raw", kEducation));
  f.push_back(PathField("duration_seconds", "result.duration", kEducation,
                        TransformKind::kDurationSeconds));
  f.push_back(PathField("response", "result.response", kEducation));
  f.back().free_text = true;
  return f;
}

// The default event: the verb's display in English (else any language),
// else the last segment of the verb's IRI ("completed"). Engagement.
Field DefaultEvent() {
  Field f;
  f.sources.push_back(PathSource("verb.display", Transform{TransformKind::kLanguage, "en"}));
  f.sources.push_back(PathSource("verb.id", Transform{TransformKind::kIriLastSegment, {}}));
  f.category = kEngagement;
  return f;
}

const json::Value* Evaluate(const Field& f, const json::Value& statement, json::Allocator& alloc,
                            json::Value* scratch) {
  const json::Value* v = nullptr;
  for (const Source& s : f.sources) {
    v = EvaluateSource(s, statement, alloc, scratch);
    if (v != nullptr) break;
  }
  return Transformed(f.transform, v, alloc, scratch);
}

}  // namespace lrs::sync::mapping_internal
