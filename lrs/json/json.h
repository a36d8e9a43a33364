// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The JSON layer: the only module that decides how JSON text becomes a DOM
// (RapidJSON) and back. Parsing enforces size and nesting limits before the
// DOM is built, validates UTF-8, and never recurses on the input.

#ifndef LRS_JSON_JSON_H_
#define LRS_JSON_JSON_H_

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "lrs/status.h"

namespace lrs::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;
using Allocator = rapidjson::Document::AllocatorType;

struct Limits {
  std::size_t max_bytes = std::size_t{16} << 20;
  int max_depth = 64;
};

// Parses `text` into *doc. Errors: TooLarge (size or depth), InvalidArgument
// ("invalid JSON at offset N: <reason>", invalid UTF-8 included).
Status Parse(std::string_view text, Document* doc, const Limits& limits = Limits());

// Nesting depth of the JSON text (objects and arrays), without parsing it.
// Stops counting once `stop_at` is exceeded.
int ScanDepth(std::string_view text, int stop_at);

// Compact serialization.
std::string Write(const Value& v);
void AppendTo(const Value& v, std::string* out);
// Serializes `v` into a buffer owned by the calling thread: the view is
// valid until the thread's next WriteTemp, Write or AppendTo call.
std::string_view WriteTemp(const Value& v);

// Convenience accessors. `Get*` return nullptr / fallback when the member is
// absent or of another type.
const Value* Member(const Value& obj, std::string_view name);
std::string_view StringOr(const Value& obj, std::string_view name, std::string_view fallback = {});
inline std::string_view View(const Value& s) { return {s.GetString(), s.GetStringLength()}; }
inline Value StringValue(std::string_view s, Allocator& a) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

// Deep equality (objects compared as unordered maps, numbers by value).
bool Equal(const Value& a, const Value& b);

}  // namespace lrs::json

#endif  // LRS_JSON_JSON_H_
