// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Mapping paths ("context.extensions[http://x/cohort]",
// "context.contextActivities.grouping[0].id") and templates
// ("{verb.display.en-US} {object.definition.name|language:en}").

#include <string>

#include "lrs/sync/mapping_internal.h"

namespace lrs::sync::mapping_internal {
namespace {

// Characters a dotted name may not hold: they need brackets, or separate
// steps, or delimit placeholders.
bool BareNameChar(char c) {
  if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  switch (c) {
    case '.': case '[': case ']': case ':': case '{': case '}': case '|': return false;
    default: return true;
  }
}

// An all-digit bracket key of at most 9 digits is an index.
std::int64_t IndexOf(std::string_view key) {
  if (key.empty() || key.size() > 9) return -1;
  std::int64_t n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

class PathParser {
 public:
  PathParser(std::string_view text, std::string_view where) : text_(text), where_(where) {}

  Status Run(Path* out) {
    out->clear();
    if (text_.empty()) return Invalid(where_, "path must not be empty");
    enum { kStart, kAfterDot, kAfterStep } state = kStart;
    std::size_t p = 0;
    while (p < text_.size()) {
      char c = text_[p];
      if (c == '.') {
        if (state != kAfterStep) return Fail(p, "empty name");
        state = kAfterDot;
        ++p;
      } else if (c == '[') {
        if (state == kAfterDot) return Fail(p, "'[' right after '.'");
        LRS_RETURN_IF_ERROR(Bracket(&p, out));
        state = kAfterStep;
      } else {
        if (state == kAfterStep) return Fail(p, "expected '.' or '['");
        LRS_RETURN_IF_ERROR(Name(&p, out));
        state = kAfterStep;
      }
    }
    if (state == kAfterDot) return Fail(p, "empty name");
    return Status::OK();
  }

 private:
  Status Fail(std::size_t at, std::string_view why) const {
    return Invalid(where_, "invalid path " + Quote(text_) + ": " + std::string(why) +
                               " at offset " + std::to_string(at));
  }

  Status Bracket(std::size_t* p, Path* out) const {
    std::size_t close = text_.find(']', *p + 1);
    if (close == std::string_view::npos) return Fail(*p, "unclosed '['");
    std::string_view key = text_.substr(*p + 1, close - *p - 1);
    if (key.empty()) return Fail(*p, "empty brackets");
    out->push_back(PathStep{std::string(key), IndexOf(key)});
    *p = close + 1;
    return Status::OK();
  }

  Status Name(std::size_t* p, Path* out) const {
    std::size_t end = *p;
    while (end < text_.size() && text_[end] != '.' && text_[end] != '[') {
      char c = text_[end];
      if (c == ':') return Fail(end, "':' in a name (write the key in brackets: [http://...])");
      if (!BareNameChar(c)) return Fail(end, "unexpected character " + Quote(text_.substr(end, 1)));
      ++end;
    }
    out->push_back(PathStep{std::string(text_.substr(*p, end - *p)), -1});
    *p = end;
    return Status::OK();
  }

  std::string_view text_;
  std::string_view where_;
};

// The end of the placeholder opened at text[open], skipping bracketed keys;
// npos when unclosed. *pipe: the first '|' outside brackets, or npos.
std::size_t PlaceholderEnd(std::string_view text, std::size_t open, std::size_t* pipe) {
  *pipe = std::string_view::npos;
  bool in_brackets = false;
  for (std::size_t i = open + 1; i < text.size(); ++i) {
    char c = text[i];
    if (in_brackets) {
      in_brackets = c != ']';
    } else if (c == '[') {
      in_brackets = true;
    } else if (c == '|' && *pipe == std::string_view::npos) {
      *pipe = i;
    } else if (c == '}') {
      return i;
    }
  }
  return std::string_view::npos;
}

Status ParsePlaceholder(std::string_view body, std::string_view where, std::size_t pipe,
                        Template::Part* out) {
  out->placeholder = true;
  std::string_view path = pipe == std::string_view::npos ? body : body.substr(0, pipe);
  LRS_RETURN_IF_ERROR(ParsePath(path, where, &out->path));
  if (pipe != std::string_view::npos) {
    LRS_RETURN_IF_ERROR(ParseTransform(body.substr(pipe + 1), where, &out->transform));
  }
  return Status::OK();
}

}  // namespace

Status ParsePath(std::string_view text, std::string_view where, Path* out) {
  return PathParser(text, where).Run(out);
}

const json::Value* Resolve(const json::Value& root, const Path& path) {
  if (path.empty()) return nullptr;  // never the whole statement
  const json::Value* cur = &root;
  for (const PathStep& step : path) {
    if (step.index >= 0 && cur->IsArray()) {
      if (step.index >= static_cast<std::int64_t>(cur->Size())) return nullptr;
      cur = &(*cur)[static_cast<rapidjson::SizeType>(step.index)];
      continue;
    }
    const json::Value* next = json::Member(*cur, step.name);
    // [0] of a single object: xAPI 1.0 lets a contextActivities list be one
    // object instead of an array of one.
    if (next == nullptr && step.index == 0 && cur->IsObject()) next = cur;
    if (next == nullptr) return nullptr;
    cur = next;
  }
  return cur->IsNull() ? nullptr : cur;
}

bool ReachesResponse(const Path& path) {
  if (path.size() == 1 && path[0].name == "object") return true;  // a SubStatement
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (path[i].name != "result") continue;
    if (i + 1 == path.size() || path[i + 1].name == "response") return true;
  }
  return false;
}

Status ParseTemplate(std::string_view text, std::string_view where, Template* out) {
  out->parts.clear();
  if (text.empty()) return Invalid(where, "must not be empty");
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    out->parts.emplace_back();
    out->parts.back().literal = std::move(literal);
    literal.clear();
  };
  for (std::size_t p = 0; p < text.size(); ++p) {
    char c = text[p];
    bool doubled = p + 1 < text.size() && text[p + 1] == c;
    if ((c == '{' || c == '}') && doubled) {
      literal += c;
      ++p;
    } else if (c == '}') {
      return Invalid(where, "unmatched '}' at offset " + std::to_string(p) +
                                " (write \"}}\" for a literal brace)");
    } else if (c == '{') {
      std::size_t pipe;
      std::size_t close = PlaceholderEnd(text, p, &pipe);
      if (close == std::string_view::npos) {
        return Invalid(where, "unclosed '{' at offset " + std::to_string(p));
      }
      flush();
      Template::Part part;
      std::string_view body = text.substr(p + 1, close - p - 1);
      if (pipe != std::string_view::npos) pipe -= p + 1;
      LRS_RETURN_IF_ERROR(ParsePlaceholder(body, where, pipe, &part));
      out->parts.push_back(std::move(part));
      p = close;
    } else {
      literal += c;
    }
  }
  flush();
  return Status::OK();
}

bool RenderTemplate(const Template& t, const json::Value& statement, json::Allocator& alloc,
                    std::string* out) {
  out->clear();
  for (const Template::Part& part : t.parts) {
    if (!part.placeholder) {
      *out += part.literal;
      continue;
    }
    const json::Value* v = Resolve(statement, part.path);
    if (v == nullptr) return false;
    if (part.transform.kind == TransformKind::kNone) {
      AppendText(*v, out);
      continue;
    }
    json::Value transformed;
    if (!ApplyTransform(part.transform, *v, alloc, &transformed)) return false;
    AppendText(transformed, out);
  }
  return true;
}

}  // namespace lrs::sync::mapping_internal
