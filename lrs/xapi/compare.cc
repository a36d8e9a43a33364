// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement comparison (Data 2.3.1 "Statement Comparison Requirements"): a
// walk over the statement's structure that ignores exactly the differences
// the immutability exceptions allow (2.3.1.b1-b7) and nothing else (2.3.1.b8,
// 2.3.1.s9.b2). Runs on every repeated statement id, so it allocates nothing
// unless group members come in different orders.

#include <cstdint>
#include <string_view>
#include <vector>

#include "lrs/common/time.h"
#include "lrs/xapi/ops_util.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::xapi {
namespace {

using internal::EqualsIgnoreCase;
using json::Value;
using json::View;

const Value* FindIn(const Value& obj, const Value& name) {
  auto it = obj.FindMember(name);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

// Calls same(name, a_member, b_member) once for every member name present in
// `a` or `b` (the missing side is nullptr); true iff every call is true.
// Non-objects are compared with json::Equal.
template <typename Same>
bool MembersMatch(const Value& a, const Value& b, const Same& same) {
  if (!a.IsObject() || !b.IsObject()) return json::Equal(a, b);
  for (const auto& m : a.GetObject()) {
    if (!same(View(m.name), &m.value, FindIn(b, m.name))) return false;
  }
  for (const auto& m : b.GetObject()) {
    if (FindIn(a, m.name) == nullptr && !same(View(m.name), nullptr, &m.value)) return false;
  }
  return true;
}

// Strings compared ignoring ASCII case (UUIDs, hex digests: 2.3.1.b7).
bool SameIgnoringCase(const Value& a, const Value& b) {
  if (a.IsString() && b.IsString()) return EqualsIgnoreCase(View(a), View(b));
  return json::Equal(a, b);
}

// "objectType" with its default applied when absent (Agent for actors,
// Activity for statement objects): an explicit default is not a difference.
bool SameObjectType(const Value* a, const Value* b, std::string_view default_type) {
  std::string_view ta = default_type, tb = default_type;
  if (a != nullptr) {
    if (!a->IsString()) return b != nullptr && json::Equal(*a, *b);
    ta = View(*a);
  }
  if (b != nullptr) {
    if (!b->IsString()) return false;
    tb = View(*b);
  }
  return ta == tb;
}

// mbox: the domain part is case insensitive (2.3.1.b7), the rest is not.
bool SameMbox(const Value& a, const Value& b) {
  if (!a.IsString() || !b.IsString()) return json::Equal(a, b);
  std::string_view sa = View(a), sb = View(b);
  std::size_t at_a = internal::MboxDomainAt(sa), at_b = internal::MboxDomainAt(sb);
  if (at_a == std::string_view::npos || at_b == std::string_view::npos) return sa == sb;
  return sa.substr(0, at_a) == sb.substr(0, at_b) &&
         EqualsIgnoreCase(sa.substr(at_a), sb.substr(at_b));
}

// Data 2.4.7 / 4.5: timestamps are instants (2.3.1.b4); the LRS may also have
// truncated or rounded the stored one to milliseconds (4.5.s1.b7).
bool SameInstant(const Value& incoming, const Value& stored) {
  if (!incoming.IsString() || !stored.IsString()) return json::Equal(incoming, stored);
  ParsedTime a, b;
  if (!ParseIso8601(View(incoming), &a) || !ParseIso8601(View(stored), &b)) {
    return View(incoming) == View(stored);
  }
  if (a.micros == b.micros) return true;
  if (b.micros % 1000 != 0) return false;
  std::int64_t rem = a.micros % 1000;
  if (rem < 0) rem += 1000;
  const std::int64_t truncated = a.micros - rem;
  return b.micros == truncated || (rem >= 500 && b.micros == truncated + 1000);
}

bool SameActor(const Value& a, const Value& b, std::string_view default_type);

// 2.3.1.b5: Group members are an unordered list (compared as multisets).
bool SameMembersUnordered(const Value& a, const Value& b) {
  if (!a.IsArray() || !b.IsArray()) return json::Equal(a, b);
  const rapidjson::SizeType n = a.Size();
  if (b.Size() != n) return false;
  rapidjson::SizeType same_prefix = 0;
  while (same_prefix < n && SameActor(a[same_prefix], b[same_prefix], "Agent")) ++same_prefix;
  if (same_prefix == n) return true;
  // SameActor is an equivalence relation, so greedy matching is exact.
  std::vector<bool> used(n - same_prefix, false);
  for (rapidjson::SizeType i = same_prefix; i < n; ++i) {
    bool found = false;
    for (rapidjson::SizeType j = same_prefix; j < n && !found; ++j) {
      if (!used[j - same_prefix] && SameActor(a[i], b[j], "Agent")) {
        used[j - same_prefix] = true;
        found = true;
      }
    }
    if (!found) return false;
  }
  return true;
}

// Agents and Groups (Data 2.4.2).
bool SameActor(const Value& a, const Value& b, std::string_view default_type) {
  return MembersMatch(a, b, [default_type](std::string_view name, const Value* x, const Value* y) {
    if (name == "objectType") return SameObjectType(x, y, default_type);
    if (x == nullptr || y == nullptr) return false;
    if (name == "mbox") return SameMbox(*x, *y);
    if (name == "mbox_sha1sum") return SameIgnoringCase(*x, *y);
    if (name == "member") return SameMembersUnordered(*x, *y);
    return json::Equal(*x, *y);  // name, openid, account
  });
}

// Verbs: "display" is not part of the statement (2.3.1.b3).
bool SameVerb(const Value& a, const Value& b) {
  return MembersMatch(a, b, [](std::string_view name, const Value* x, const Value* y) {
    if (name == "display") return true;
    return x != nullptr && y != nullptr && json::Equal(*x, *y);
  });
}

// Activities: the definition is not part of the statement (2.3.1.b2).
bool SameActivity(const Value& a, const Value& b) {
  return MembersMatch(a, b, [](std::string_view name, const Value* x, const Value* y) {
    if (name == "definition") return true;
    if (name == "objectType") return SameObjectType(x, y, "Activity");
    return x != nullptr && y != nullptr && json::Equal(*x, *y);
  });
}

bool SameStatementRef(const Value& a, const Value& b) {
  return MembersMatch(a, b, [](std::string_view name, const Value* x, const Value* y) {
    if (x == nullptr || y == nullptr) return false;
    if (name == "id") return SameIgnoringCase(*x, *y);
    return json::Equal(*x, *y);
  });
}

// A contextActivities entry: normalized to an array, tolerated as an object.
bool SameActivityList(const Value& a, const Value& b) {
  const bool a_list = a.IsArray(), b_list = b.IsArray();
  if (!a_list && !b_list) return SameActivity(a, b);
  const rapidjson::SizeType na = a_list ? a.Size() : 1, nb = b_list ? b.Size() : 1;
  if (na != nb) return false;
  for (rapidjson::SizeType i = 0; i < na; ++i) {
    if (!SameActivity(a_list ? a[i] : a, b_list ? b[i] : b)) return false;
  }
  return true;
}

// xAPI 2.0 contextAgents / contextGroups entries: the actor under `key`.
bool SameContextActorList(const Value& a, const Value& b, std::string_view key,
                          std::string_view default_type) {
  if (!a.IsArray() || !b.IsArray()) return json::Equal(a, b);
  if (a.Size() != b.Size()) return false;
  for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
    bool same =
        MembersMatch(a[i], b[i], [&](std::string_view name, const Value* x, const Value* y) {
          if (x == nullptr || y == nullptr) return false;
          if (name == key) return SameActor(*x, *y, default_type);
          return json::Equal(*x, *y);  // objectType, relevantTypes
        });
    if (!same) return false;
  }
  return true;
}

bool SameContext(const Value& a, const Value& b) {
  return MembersMatch(a, b, [](std::string_view name, const Value* x, const Value* y) {
    if (x == nullptr || y == nullptr) return false;
    if (name == "registration") return SameIgnoringCase(*x, *y);
    if (name == "instructor") return SameActor(*x, *y, "Agent");
    if (name == "team") return SameActor(*x, *y, "Group");
    if (name == "statement") return SameStatementRef(*x, *y);
    if (name == "contextActivities") {
      return MembersMatch(*x, *y, [](std::string_view, const Value* p, const Value* q) {
        return p != nullptr && q != nullptr && SameActivityList(*p, *q);
      });
    }
    if (name == "contextAgents") return SameContextActorList(*x, *y, "agent", "Agent");
    if (name == "contextGroups") return SameContextActorList(*x, *y, "group", "Group");
    return json::Equal(*x, *y);  // revision, platform, language, extensions
  });
}

// Attachment metadata is part of the statement; only the raw payloads are
// not (2.3.1.b6). sha2 is a hex digest, so its case does not count.
bool SameAttachments(const Value& a, const Value& b) {
  if (!a.IsArray() || !b.IsArray()) return json::Equal(a, b);
  if (a.Size() != b.Size()) return false;
  for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
    bool same = MembersMatch(a[i], b[i], [](std::string_view name, const Value* x, const Value* y) {
      if (x == nullptr || y == nullptr) return false;
      if (name == "sha2") return SameIgnoringCase(*x, *y);
      return json::Equal(*x, *y);
    });
    if (!same) return false;
  }
  return true;
}

bool SameStatementBody(const Value& a, const Value& b, bool top_level);

// A duration with its seconds cut to 0.01 s: "PT0.1237S" -> "PT0.12S",
// "PT1.10S" -> "PT1.1S" (trailing zeros are not precision either).
std::string DurationToHundredths(std::string_view d) {
  std::string out(d);
  std::size_t dot = out.find('.');
  if (dot == std::string::npos || out.empty() || out.back() != 'S') return out;
  std::size_t end = out.size() - 1;  // the 'S'
  std::size_t keep = std::min(end, dot + 3);
  while (keep > dot + 1 && out[keep - 1] == '0') --keep;
  if (keep == dot + 1) keep = dot;  // no fraction left
  out.erase(keep, end - keep);
  return out;
}

// Data 4.6 (Duration): precision beyond 0.01 s is not part of a comparison.
bool SameResult(const Value& a, const Value& b) {
  return MembersMatch(a, b, [](std::string_view name, const Value* x, const Value* y) {
    if (x == nullptr || y == nullptr) return false;
    if (name == "duration" && x->IsString() && y->IsString())
      return DurationToHundredths(json::View(*x)) == DurationToHundredths(json::View(*y));
    return json::Equal(*x, *y);
  });
}

bool SameObject(const Value& a, const Value& b) {
  if (!a.IsObject() || !b.IsObject()) return json::Equal(a, b);
  std::string_view ta = json::StringOr(a, "objectType", "Activity");
  if (ta != json::StringOr(b, "objectType", "Activity")) return false;
  if (ta == "Activity") return SameActivity(a, b);
  if (ta == "Agent" || ta == "Group") return SameActor(a, b, ta);
  if (ta == "SubStatement") return SameStatementBody(a, b, /*top_level=*/false);
  if (ta == "StatementRef") return SameStatementRef(a, b);
  return json::Equal(a, b);
}

// A Statement (top_level) or a SubStatement. `a` is the incoming one.
bool SameStatementBody(const Value& a, const Value& b, bool top_level) {
  return MembersMatch(a, b, [top_level](std::string_view name, const Value* x, const Value* y) {
    if (top_level &&
        (name == "id" || name == "authority" || name == "stored" || name == "version")) {
      return true;  // assigned or replaced by the LRS (2.3.1.b1)
    }
    if (name == "timestamp") {
      // Absent from a Statement as received: the LRS assigned it (2.3.1.b1).
      if (x == nullptr) return top_level || y == nullptr;
      return y != nullptr && SameInstant(*x, *y);
    }
    if (x == nullptr || y == nullptr) return false;
    if (name == "actor") return SameActor(*x, *y, "Agent");
    if (name == "verb") return SameVerb(*x, *y);
    if (name == "object") return SameObject(*x, *y);
    if (name == "context") return SameContext(*x, *y);
    if (name == "attachments") return SameAttachments(*x, *y);
    if (name == "result" && x->IsObject() && y->IsObject()) return SameResult(*x, *y);
    return json::Equal(*x, *y);  // objectType, ...
  });
}

}  // namespace

bool StatementsEquivalent(const Value& incoming, const Value& stored) {
  if (!incoming.IsObject() || !stored.IsObject()) return false;
  return SameStatementBody(incoming, stored, /*top_level=*/true);
}

}  // namespace lrs::xapi
