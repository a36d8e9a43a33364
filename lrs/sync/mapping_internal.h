// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internals of Mapping (mapping.h), shared by the mapping*.cc files only:
// paths, templates, transforms, field specs, filters and actor identifiers.
// Not part of any interface; docs/sync-mapping.md describes the behaviour.

#ifndef LRS_SYNC_MAPPING_INTERNAL_H_
#define LRS_SYNC_MAPPING_INTERNAL_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "lrs/common/string_hash.h"
#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/sync/mapping.h"

namespace lrs::sync::mapping_internal {

using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// ---- Errors (every message starts with the JSON path of the problem) -------

// InvalidArgument "<where>: <msg>".
Status Invalid(std::string_view where, std::string_view msg);
// `s` as a JSON string literal, for messages.
std::string Quote(std::string_view s);
// The path of member `key` below `where`: "where.key", or "where[key]" when
// the key holds a character that a dotted path cannot.
std::string Child(std::string_view where, std::string_view key);
std::string Item(std::string_view where, std::size_t index);  // "where[i]"
// InvalidArgument "<where>.<key>: unknown key" for the first member of `obj`
// not in `known`.
Status CheckKeys(const json::Value& obj, std::string_view where,
                 std::initializer_list<std::string_view> known);
// A member that must be a string / bool / non-empty array of strings when
// present. *out untouched when absent.
Status GetString(const json::Value& obj, std::string_view key, std::string_view where,
                 std::optional<std::string>* out);
Status GetBool(const json::Value& obj, std::string_view key, std::string_view where,
               std::optional<bool>* out);
Status GetStringList(const json::Value& list, std::string_view where,
                     std::vector<std::string>* out);

// a / b rounded towards negative infinity (b > 0).
inline std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  return a / b - (a % b < 0 ? 1 : 0);
}

// ---- Paths (mapping_path.cc) -------------------------------------------------

// One step: a member name, or an array index (which on an object also
// finds the member spelled by its digits).
struct PathStep {
  std::string name;
  std::int64_t index = -1;  // >= 0: an array index
};
using Path = std::vector<PathStep>;

// Parses "a.b[http://x/y][0].c". InvalidArgument "<where>: ..." on bad syntax.
Status ParsePath(std::string_view text, std::string_view where, Path* out);
// The value at `path` in `root`; nullptr when absent or JSON null.
const json::Value* Resolve(const json::Value& root, const Path& path);
// True iff the value at `path` is, or may contain, a learner's free-text
// response (result.response, a whole result, a whole object).
bool ReachesResponse(const Path& path);

// ---- Transforms (mapping_transform.cc) ---------------------------------------

enum class TransformKind {
  kNone,
  kLanguage,         // "language" / "language:<tag>"
  kDurationSeconds,  // "duration_seconds"
  kTimestampIso,     // "timestamp:iso"
  kTimestampEpochMs, // "timestamp:epoch_ms"
  kTimestampEpochS,  // "timestamp:epoch_s"
  kTimestampDate,    // "timestamp:date"
  kLower,            // "lower"
  kUpper,            // "upper"
  kString,           // "string"
  kIriLastSegment,   // "iri_last_segment"
};

struct Transform {
  TransformKind kind = TransformKind::kNone;
  std::string tag;  // kLanguage: the wanted language tag, may be empty
};

Status ParseTransform(std::string_view text, std::string_view where, Transform* out);
// Applies `t` to `in`. False (and *out unspecified) when `in` is not a value
// `t` applies to, e.g. a malformed duration: the field is then absent.
bool ApplyTransform(const Transform& t, const json::Value& in, json::Allocator& alloc,
                    json::Value* out);
// Appends `v` as text: a string as is, anything else as compact JSON.
void AppendText(const json::Value& v, std::string* out);

// ---- Templates (mapping_path.cc) ---------------------------------------------

// Literal text with {path} or {path|transform} placeholders; "{{" and "}}"
// are literal braces.
struct Template {
  struct Part {
    std::string literal;  // when !placeholder
    bool placeholder = false;
    Path path;
    Transform transform;
  };
  std::vector<Part> parts;
};

Status ParseTemplate(std::string_view text, std::string_view where, Template* out);
// False when a placeholder has no value (the field is then absent).
bool RenderTemplate(const Template& t, const json::Value& statement, json::Allocator& alloc,
                    std::string* out);

// ---- Fields (mapping_field.cc) -----------------------------------------------

// One way to produce a value; a field tries its sources in order.
struct Source {
  enum class Kind { kPath, kTemplate, kValue };
  Kind kind = Kind::kPath;
  Path path;
  Template tmpl;
  std::shared_ptr<const json::Document> value;  // kValue: a scalar constant
  Transform transform;                          // applied to this source only
};

struct Field {
  std::string name;             // empty for the event
  std::vector<Source> sources;  // the first that yields a value wins
  Transform transform;          // applied to the winning value
  Category category = kEngagement;
  bool to_contact = false;
  bool free_text = false;       // marked, or reaches result.response
  bool send_free_text = false;  // a free-text field may leave
};

// Parses one field spec. `is_event`: the "event" spec (no name or "to",
// category defaults to engagement).
Status ParseField(const json::Value& spec, std::string_view where, bool is_event, Field* out);
// The fields used when a config has no "fields", and the default event.
std::vector<Field> DefaultFields();
Field DefaultEvent();
// The field's value for `statement`, or nullptr when absent. The result
// points into `statement`, into the config, or at *scratch (which then holds
// a value allocated in `alloc`).
const json::Value* Evaluate(const Field& f, const json::Value& statement, json::Allocator& alloc,
                            json::Value* scratch);

// ---- Filters and actors (mapping_filter.cc) ----------------------------------

// The canonical identifier of an actor (Agent or identified Group):
// "mailto:<address, lower case>", "sha1:<hex, lower case>", "openid:<uri>"
// or "account:<homePage>|<name>"; empty when it has none.
std::string ActorIfi(const json::Value& actor);
// Canonical form of an identifier written in a config; false when it has
// none of the four forms.
bool NormalizeIfi(std::string_view text, std::string* out);

struct Filter {
  std::optional<StringSet> verbs;
  std::optional<StringSet> activity_types;
  std::optional<std::vector<std::string>> activity_id_prefixes;
  std::optional<StringSet> actors;  // canonical identifiers
  std::optional<bool> success;
  std::optional<bool> completion;
  std::optional<double> min_scaled;
  std::optional<double> max_scaled;
  std::vector<Filter> all;  // "and"
  std::vector<Filter> any;  // "or"
  std::unique_ptr<Filter> negated;  // "not"

  bool Matches(const json::Value& statement) const;
};

Status ParseFilter(const json::Value& v, std::string_view where, Filter* out);

}  // namespace lrs::sync::mapping_internal

#endif  // LRS_SYNC_MAPPING_INTERNAL_H_
