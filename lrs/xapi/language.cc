// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Language negotiation for format=canonical (Communication 2.1.3.s4): the
// Accept-Language header (RFC 7231 5.3.5, which replaced RFC 2616 14.4) and
// the choice of one entry per language map.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/xapi/ops_util.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::xapi {
namespace {

using internal::EqualsIgnoreCase;
using internal::StartsWithIgnoreCase;
using json::Value;
using json::View;

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// language-range = (1*8ALPHA *("-" 1*8alphanum)) / "*"   (RFC 4647 2.1)
bool IsLanguageRange(std::string_view r) {
  if (r == "*") return true;
  std::size_t subtag_len = 0;
  bool first = true;
  for (char c : r) {
    if (c == '-') {
      if (subtag_len == 0) return false;
      subtag_len = 0;
      first = false;
      continue;
    }
    if (!(IsAlpha(c) || (!first && IsDigit(c)))) return false;
    if (++subtag_len > 8) return false;
  }
  return subtag_len > 0;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths.
bool ParseQValue(std::string_view v, int* thousandths) {
  if (v.empty() || (v[0] != '0' && v[0] != '1')) return false;
  int q = (v[0] - '0') * 1000;
  if (v.size() > 1) {
    if (v[1] != '.' || v.size() > 5) return false;
    int scale = 100;
    for (char c : v.substr(2)) {
      if (!IsDigit(c)) return false;
      q += (c - '0') * scale;
      scale /= 10;
    }
  }
  if (q > 1000) return false;
  *thousandths = q;
  return true;
}

// Parses one comma-separated element; false when it is empty or malformed.
bool ParseElement(std::string_view item, std::string_view* tag, int* q) {
  std::size_t semi = item.find(';');
  *tag = Trim(item.substr(0, semi));
  if (!IsLanguageRange(*tag)) return false;
  *q = 1000;
  bool seen_q = false;
  while (semi != std::string_view::npos) {
    std::size_t next = item.find(';', semi + 1);
    std::string_view param = Trim(item.substr(
        semi + 1, next == std::string_view::npos ? std::string_view::npos : next - semi - 1));
    semi = next;
    std::size_t eq = param.find('=');
    if (eq == std::string_view::npos) {
      if (param.empty()) continue;  // "en;" tolerated
      return false;
    }
    std::string_view name = Trim(param.substr(0, eq));
    if (!EqualsIgnoreCase(name, "q")) continue;  // unknown parameters are ignored
    if (seen_q || !ParseQValue(Trim(param.substr(eq + 1)), q)) return false;
    seen_q = true;
  }
  return true;
}

const Value::Member* FallbackMember(const Value& map) {
  for (const auto& m : map.GetObject()) {
    if (EqualsIgnoreCase(View(m.name), "und")) return &m;
  }
  return &*map.MemberBegin();
}

const Value::Member* FindExact(const Value& map, std::string_view tag) {
  for (const auto& m : map.GetObject()) {
    if (EqualsIgnoreCase(View(m.name), tag)) return &m;
  }
  return nullptr;
}

// A key that the range matches under RFC 4647 basic filtering ("en" matches
// "en-US"), excluding the exact match.
const Value::Member* FindExtension(const Value& map, std::string_view range) {
  for (const auto& m : map.GetObject()) {
    std::string_view key = View(m.name);
    if (key.size() > range.size() && key[range.size()] == '-' && StartsWithIgnoreCase(key, range)) {
      return &m;
    }
  }
  return nullptr;
}

}  // namespace

namespace internal {

const Value::Member* PickLanguageMember(const Value& map,
                                        const std::vector<std::string>& languages) {
  if (!map.IsObject() || map.MemberCount() == 0) return nullptr;
  // "*" (any language) is what the fallback gives, so it needs no pass.
  for (const std::string& pref : languages) {
    if (pref == "*") continue;
    if (const Value::Member* m = FindExact(map, pref)) return m;
    if (const Value::Member* m = FindExtension(map, pref)) return m;
    // RFC 4647 3.4 lookup: drop subtags from the end, and a singleton left
    // at the end with them ("zh-Hant-x-a" -> "zh-Hant").
    std::string_view range = pref;
    for (std::size_t dash; (dash = range.rfind('-')) != std::string_view::npos;) {
      range = range.substr(0, dash);
      if (range.size() >= 2 && range[range.size() - 2] == '-') range.remove_suffix(2);
      if (const Value::Member* m = FindExact(map, range)) return m;
    }
  }
  // Before giving up on the preferences: another variant of a preferred
  // language ("de-CH" accepts "de-DE" rather than an arbitrary language).
  for (const std::string& pref : languages) {
    std::string_view primary = std::string_view(pref).substr(0, pref.find('-'));
    if (primary.size() < 2) continue;  // "*", "x-...", "i-..."
    if (const Value::Member* m = FindExtension(map, primary)) return m;
  }
  return FallbackMember(map);
}

}  // namespace internal

std::string_view PickLanguage(const Value& map, const std::vector<std::string>& languages) {
  const Value::Member* m = internal::PickLanguageMember(map, languages);
  return m == nullptr ? std::string_view() : View(m->name);
}

std::vector<std::string> ParseAcceptLanguage(std::string_view header) {
  struct Entry {
    std::string_view tag;
    int q;
  };
  std::vector<Entry> entries;
  std::size_t pos = 0;
  while (pos <= header.size()) {
    std::size_t comma = header.find(',', pos);
    std::size_t end = comma == std::string_view::npos ? header.size() : comma;
    std::string_view item = Trim(header.substr(pos, end - pos));
    pos = end + 1;
    Entry e{{}, 0};
    if (item.empty() || !ParseElement(item, &e.tag, &e.q) || e.q == 0) continue;
    entries.push_back(e);
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.q > b.q; });
  std::vector<std::string> tags;
  tags.reserve(entries.size());
  for (const Entry& e : entries) tags.emplace_back(e.tag);
  return tags;
}

}  // namespace lrs::xapi
