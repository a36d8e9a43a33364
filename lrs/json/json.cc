// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/json/json.h"

#include <rapidjson/error/en.h>

#include <string>

namespace lrs::json {

int ScanDepth(std::string_view text, int stop_at) {
  int depth = 0, max_depth = 0;
  bool in_string = false, escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '{':
      case '[':
        if (++depth > max_depth) {
          max_depth = depth;
          if (max_depth > stop_at) return max_depth;
        }
        break;
      case '}':
      case ']': --depth; break;
      default: break;
    }
  }
  return max_depth;
}

Status Parse(std::string_view text, Document* doc, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return Status::TooLarge("JSON body of " + std::to_string(text.size()) +
                            " bytes exceeds the limit of " + std::to_string(limits.max_bytes));
  }
  if (ScanDepth(text, limits.max_depth) > limits.max_depth) {
    return Status::InvalidArgument("JSON nesting deeper than " +
                                   std::to_string(limits.max_depth) + " levels");
  }
  // Without kParseStopWhenDoneFlag RapidJSON rejects anything but white
  // space after the value ("The document root must not be followed by
  // other values").
  constexpr unsigned kFlags = rapidjson::kParseValidateEncodingFlag |
                              rapidjson::kParseIterativeFlag;
  doc->Parse<kFlags>(text.data(), text.size());
  if (doc->HasParseError()) {
    return Status::InvalidArgument("invalid JSON at offset " + std::to_string(doc->GetErrorOffset()) +
                                   ": " + rapidjson::GetParseError_En(doc->GetParseError()));
  }
  return Status::OK();
}

namespace {
// One serialization buffer per thread, reused so that its growth is paid
// once rather than per call (statement ingest writes several documents per
// statement). Not reentrant: Accept never calls back into Write.
rapidjson::StringBuffer& ThreadBuffer() {
  thread_local rapidjson::StringBuffer buf;
  if (buf.GetSize() > (std::size_t{1} << 20)) buf = rapidjson::StringBuffer();  // release
  buf.Clear();
  return buf;
}
}  // namespace

std::string_view WriteTemp(const Value& v) {
  rapidjson::StringBuffer& buf = ThreadBuffer();
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string_view(buf.GetString(), buf.GetSize());
}

void AppendTo(const Value& v, std::string* out) {
  std::string_view text = WriteTemp(v);
  out->append(text.data(), text.size());
}

std::string Write(const Value& v) {
  std::string s;
  AppendTo(v, &s);
  return s;
}

const Value* Member(const Value& obj, std::string_view name) {
  if (!obj.IsObject()) return nullptr;
  auto it = obj.FindMember(Value(rapidjson::StringRef(name.data(), name.size())));
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string_view StringOr(const Value& obj, std::string_view name, std::string_view fallback) {
  const Value* v = Member(obj, name);
  return v && v->IsString() ? View(*v) : fallback;
}

bool Equal(const Value& a, const Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    return a.GetDouble() == b.GetDouble();
  }
  if (a.GetType() != b.GetType()) return false;
  switch (a.GetType()) {
    case rapidjson::kObjectType: {
      if (a.MemberCount() != b.MemberCount()) return false;
      for (auto& m : a.GetObject()) {
        auto it = b.FindMember(m.name);
        if (it == b.MemberEnd() || !Equal(m.value, it->value)) return false;
      }
      return true;
    }
    case rapidjson::kArrayType: {
      if (a.Size() != b.Size()) return false;
      for (rapidjson::SizeType i = 0; i < a.Size(); ++i)
        if (!Equal(a[i], b[i])) return false;
      return true;
    }
    case rapidjson::kStringType:
      return View(a) == View(b);
    default:
      return a == b;
  }
}

}  // namespace lrs::json
