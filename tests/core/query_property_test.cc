// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Property test: random valid statements are stored, then random filter
// combinations are queried (through every page) and must equal a brute-force
// evaluation of Communication 2.1.3 over the same statements, written here
// independently of the engine's index code.

#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <set>

#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::TestStore;

class StepClock : public Clock {
 public:
  std::int64_t NowMicros() override { return now_us; }
  std::int64_t now_us = 1600000000000000;
};

struct Model {
  struct Stmt {
    std::string id;
    json::Document doc;
    std::int64_t stored_ms;
    std::uint64_t seq;
  };
  std::vector<std::unique_ptr<Stmt>> stmts;  // in stored order
  std::map<std::string, Stmt*> by_id;
};

const char* kVerbs[] = {"http://ex.com/v/a", "http://ex.com/v/b", "http://ex.com/v/c",
                        "http://adlnet.gov/expapi/verbs/voided"};
const char* kActs[] = {"http://ex.com/act/1", "http://ex.com/act/2", "http://ex.com/act/3",
                       "http://ex.com/act/4", "http://ex.com/act/5"};
const char* kRegs[] = {"11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"};

std::string Mbox(int i) { return "mailto:user" + std::to_string(i) + "@ex.com"; }
std::string AgentJson(int i) { return "{\"mbox\":\"" + Mbox(i) + "\"}"; }

std::string RandomStatement(std::mt19937& rng, const std::vector<std::string>& ids, std::string* id) {
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-8%03x-%012x", static_cast<unsigned>(rng()),
                static_cast<unsigned>(rng() & 0xffff), static_cast<unsigned>(rng() & 0xfff),
                static_cast<unsigned>(rng() & 0xfff), static_cast<unsigned>(rng()));
  *id = buf;
  std::string actor;
  if (pick(5) == 0) {
    actor = "{\"objectType\":\"Group\",\"member\":[" + AgentJson(pick(8)) + "," + AgentJson(pick(8)) + "]}";
  } else {
    actor = AgentJson(pick(8));
  }
  std::string verb = kVerbs[pick(3)];
  std::string object;
  int kind = pick(10);
  if (kind < 6) {
    object = "{\"id\":\"" + std::string(kActs[pick(5)]) + "\"}";
  } else if (kind < 7) {
    object = "{\"objectType\":\"Agent\",\"mbox\":\"" + Mbox(pick(8)) + "\"}";
  } else if (kind < 8) {
    object = "{\"objectType\":\"SubStatement\",\"actor\":" + AgentJson(pick(8)) +
             ",\"verb\":{\"id\":\"" + kVerbs[pick(3)] + "\"},\"object\":{\"id\":\"" + kActs[pick(5)] + "\"}}";
  } else {
    // A StatementRef (sometimes voiding), to an existing or a future id.
    std::string target = ids.empty() || pick(4) == 0 ? std::string(buf).replace(0, 4, "ffff") : ids[rng() % ids.size()];
    object = "{\"objectType\":\"StatementRef\",\"id\":\"" + target + "\"}";
    if (pick(3) == 0) verb = kVerbs[3];
  }
  std::string s = "{\"id\":\"" + *id + "\",\"actor\":" + actor + ",\"verb\":{\"id\":\"" + verb +
                  "\"},\"object\":" + object;
  if (pick(2)) {
    s += ",\"context\":{";
    bool first = true;
    auto add = [&](const std::string& x) { s += (first ? "" : ",") + x; first = false; };
    if (pick(2)) add("\"registration\":\"" + std::string(kRegs[pick(2)]) + "\"");
    if (pick(2)) add("\"instructor\":" + AgentJson(pick(8)));
    if (pick(2)) add("\"contextActivities\":{\"parent\":[{\"id\":\"" + std::string(kActs[pick(5)]) + "\"}]}");
    s += "}";
  }
  return s + "}";
}

bool SameAgent(const json::Value* a, const std::string& mbox) {
  if (!a || !a->IsObject()) return false;
  if (json::StringOr(*a, "mbox") == mbox) return true;
  if (const json::Value* m = json::Member(*a, "member"); m && m->IsArray())
    for (const auto& x : m->GetArray())
      if (json::StringOr(x, "mbox") == mbox) return true;
  return false;
}

// Direct match of one condition, without following StatementRefs.
struct Cond {
  char kind;  // v, g, G, a, A, r
  std::string value;
};

bool DirectMatch(const json::Value& s, const Cond& c) {
  const json::Value* obj = json::Member(s, "object");
  const json::Value* ctx = json::Member(s, "context");
  std::string_view otype = obj ? json::StringOr(*obj, "objectType") : "";
  auto ctx_acts = [&](const json::Value* cx) {
    if (!cx) return false;
    const json::Value* ca = json::Member(*cx, "contextActivities");
    if (!ca) return false;
    for (const auto& m : ca->GetObject())
      for (const auto& a : m.value.GetArray())
        if (json::StringOr(a, "id") == c.value) return true;
    return false;
  };
  switch (c.kind) {
    case 'v': return json::StringOr(s["verb"], "id") == c.value;
    case 'r': return ctx && json::StringOr(*ctx, "registration") == c.value;
    case 'a': return (otype.empty() || otype == "Activity") && json::StringOr(*obj, "id") == c.value;
    case 'A':
      if ((otype.empty() || otype == "Activity") && json::StringOr(*obj, "id") == c.value) return true;
      if (ctx_acts(ctx)) return true;
      if (otype == "SubStatement") {
        const json::Value* so = json::Member(*obj, "object");
        if (json::StringOr(*so, "id") == c.value) return true;
        if (ctx_acts(json::Member(*obj, "context"))) return true;
      }
      return false;
    case 'g':
      return SameAgent(json::Member(s, "actor"), c.value) ||
             ((otype == "Agent" || otype == "Group") && SameAgent(obj, c.value));
    case 'G':
      if (SameAgent(json::Member(s, "actor"), c.value)) return true;
      if ((otype == "Agent" || otype == "Group") && SameAgent(obj, c.value)) return true;
      if (SameAgent(json::Member(s, "authority"), c.value)) return true;
      if (ctx && SameAgent(json::Member(*ctx, "instructor"), c.value)) return true;
      if (otype == "SubStatement") {
        if (SameAgent(json::Member(*obj, "actor"), c.value)) return true;
        const json::Value* so = json::Member(*obj, "object");
        std::string_view st = json::StringOr(*so, "objectType");
        if ((st == "Agent" || st == "Group") && SameAgent(so, c.value)) return true;
      }
      return false;
  }
  return false;
}

// Communication 2.1.3.s3: a statement matches if it or (recursively) the
// statement it targets matches.
bool Match(const Model& m, const Model::Stmt& s, const Cond& c, int depth = 0) {
  if (DirectMatch(s.doc, c)) return true;
  const json::Value* obj = json::Member(s.doc, "object");
  if (depth < 16 && obj && json::StringOr(*obj, "objectType") == "StatementRef") {
    auto it = m.by_id.find(std::string(json::StringOr(*obj, "id")));
    if (it != m.by_id.end()) return Match(m, *it->second, c, depth + 1);
  }
  return false;
}

bool IsVoided(const Model& m, const Model::Stmt& s) {
  if (json::StringOr(s.doc["verb"], "id") == kVerbs[3]) return false;  // voiding statements never are
  for (const auto& x : m.stmts) {
    if (json::StringOr(x->doc["verb"], "id") != kVerbs[3]) continue;
    if (json::StringOr(x->doc["object"], "id") == s.id) return true;
  }
  return false;
}

TEST_CASE("Property: indexed queries equal a brute-force filter over the same statements",
          "[query][property]") {
  // Buffer sizes: never flushed during the test (queries read the
  // in-memory index buffer), and flushed every 37 statements (queries mix
  // LMDB postings and buffered ones). The store is reopened midway, which
  // rebuilds the buffer from the pending table.
  const std::size_t buffer = GENERATE(std::size_t{65536}, std::size_t{37});
  std::mt19937 rng(20261122);
  StepClock clock;
  Options o;
  o.clock = &clock;
  o.index_buffer_statements = buffer;
  TestStore ts(o);
  bool reopened = false;
  Model model;
  std::vector<std::string> ids;
  // 600 statements in batches of random size, each batch a commit 1 s later.
  while (model.stmts.size() < 600) {
    if (!reopened && model.stmts.size() > 300) {
      ts.Reopen(o);
      reopened = true;
    }
    int n = 1 + static_cast<int>(rng() % 20);
    std::string batch = "[";
    std::vector<std::string> batch_ids;
    for (int i = 0; i < n; ++i) {
      std::string id;
      if (i) batch += ",";
      batch += RandomStatement(rng, ids, &id);
      batch_ids.push_back(id);
    }
    batch += "]";
    clock.now_us += 1000000;
    std::vector<std::string> got;
    Status s = ts->PutStatements({}, batch, &got);
    INFO(s.ToString());
    REQUIRE(s.ok());
    json::Document arr;
    REQUIRE(json::Parse(batch, &arr).ok());
    for (rapidjson::SizeType i = 0; i < arr.Size(); ++i) {
      auto st = std::make_unique<Model::Stmt>();
      st->id = batch_ids[i];
      st->doc.CopyFrom(arr[i], st->doc.GetAllocator());
      st->stored_ms = clock.now_us / 1000;
      st->seq = model.stmts.size() + 1;
      model.by_id[st->id] = st.get();
      model.stmts.push_back(std::move(st));
      ids.push_back(batch_ids[i]);
    }
  }

  const std::int64_t t0 = model.stmts.front()->stored_ms, t1 = model.stmts.back()->stored_ms;
  std::size_t total_matched = 0, nonempty = 0, multi_page = 0;
  for (int trial = 0; trial < 300; ++trial) {
    StatementQuery q;
    std::vector<Cond> conds;
    if (rng() % 2) {
      int a = static_cast<int>(rng() % 8);
      q.agent = AgentJson(a);
      q.related_agents = rng() % 2;
      conds.push_back({q.related_agents ? 'G' : 'g', Mbox(a)});
    }
    if (rng() % 2) {
      q.verb = kVerbs[rng() % 4];
      conds.push_back({'v', *q.verb});
    }
    if (rng() % 2) {
      q.activity = kActs[rng() % 5];
      q.related_activities = rng() % 2;
      conds.push_back({q.related_activities ? 'A' : 'a', *q.activity});
    }
    if (rng() % 4 == 0) {
      q.registration = kRegs[rng() % 2];
      conds.push_back({'r', *q.registration});
    }
    std::optional<std::int64_t> since, until;
    char buf[64];
    if (rng() % 3 == 0) {
      since = t0 + static_cast<std::int64_t>(rng() % (t1 - t0 + 1));
      std::time_t secs = *since / 1000;
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", std::gmtime(&secs));
      q.since = buf;
      since = secs * 1000;
    }
    if (rng() % 3 == 0) {
      until = t0 + static_cast<std::int64_t>(rng() % (t1 - t0 + 1));
      std::time_t secs = *until / 1000;
      std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+00:00", std::gmtime(&secs));
      q.until = buf;
      until = secs * 1000;
    }
    q.ascending = rng() % 2;
    q.limit = 1 + static_cast<std::uint32_t>(rng() % 50);

    std::vector<std::string> expected;
    for (const auto& s : model.stmts) {
      if (since && s->stored_ms <= *since) continue;
      if (until && s->stored_ms > *until) continue;
      if (IsVoided(model, *s)) continue;
      bool ok = true;
      for (const auto& c : conds) ok = ok && Match(model, *s, c);
      if (ok) expected.push_back(s->id);
    }
    if (!q.ascending) std::reverse(expected.begin(), expected.end());

    std::vector<std::string> got;
    StatementPage page;
    REQUIRE(ts->QueryStatements(q, &page).ok());
    for (;;) {
      REQUIRE(page.statements.size() <= q.limit);
      for (auto& s : page.statements) {
        json::Document d;
        REQUIRE(json::Parse(s, &d).ok());
        got.push_back(d["id"].GetString());
      }
      if (page.more.empty()) break;
      std::string token = page.more;
      REQUIRE(ts->More(token, &page).ok());
    }
    INFO("trial " << trial << " verb=" << q.verb.value_or("-") << " agent=" << q.agent.value_or("-")
                  << " act=" << q.activity.value_or("-") << " since=" << q.since.value_or("-")
                  << " until=" << q.until.value_or("-"));
    REQUIRE(got == expected);
    total_matched += expected.size();
    nonempty += !expected.empty();
    multi_page += expected.size() > q.limit;
  }
  // The comparison is only meaningful if queries actually match and page.
  CHECK(nonempty > 150);
  CHECK(multi_page > 50);
  CHECK(total_matched > 5000);
  WARN("property: " << nonempty << " non-empty results, " << multi_page << " multi-page, "
                    << total_matched << " statements matched in total");
}

}  // namespace
}  // namespace lrs
