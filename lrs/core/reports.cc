// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Store::Report (docs/reporting.md): answers from the aggregate cells of
// aggregates.h. Two sources of cells, read by the same report code:
//   - the `agg` and `agg_learners` tables (every counted statement);
//   - cells built in memory from the statements a `registration` (or, for
//     the statement counts, a `group`/`agent`) selects through the
//     statement indexes: a registration or a few learners name few
//     statements, and the tables have no registration dimension.
// A `group`/`agent` filter otherwise keeps the per-learner rows of its
// members; activity-level figures then come from those rows.
//
// Locking: term ids are resolved under mem().mu() (shared) with a read
// transaction; the cells are scanned in a read transaction without it
// (a report must not hold back the writers' publication); display names
// are looked up last, under the lock again.

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "lrs/common/coding.h"
#include "lrs/common/time.h"
#include "lrs/common/uuid.h"
#include "lrs/core/aggregates.h"
#include "lrs/core/store_impl.h"
#include "lrs/validate/validator.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::core {
namespace {

using agg::Tally;
using storage::Table;
using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using Params = std::vector<std::pair<std::string, std::string>>;

constexpr std::size_t kMaxLimit = 10000;
constexpr std::size_t kMaxMembers = 1000;
constexpr std::uint64_t kAll = std::numeric_limits<std::uint64_t>::max();

// ---- Parameters -------------------------------------------------------------

struct Request {
  std::string name;
  std::uint32_t d0 = 0, d1 = std::numeric_limits<std::uint32_t>::max();
  std::optional<std::string> activity, parent, registration, by;
  std::vector<std::string> members;  // "a<identity key>" of group/agent
  bool filtered_learners = false;    // group or agent given
  std::size_t limit = 100;
  double mastery = 0.8;
};

Status ParseDay(std::string_view name, const std::string& v, std::uint32_t* day) {
  std::string text = v;
  if (text.size() == 10) text += "T00:00:00Z";
  ParsedTime t;
  if (!ParseIso8601(text, &t))
    return Status::InvalidArgument(std::string(name) +
                                   ": must be a date YYYY-MM-DD or an ISO 8601 timestamp");
  *day = agg::DayOf(t.micros / 1000);
  return Status::OK();
}

Status AgentKey(std::string_view name, const json::Value& a, std::string* key) {
  if (!a.IsObject()) return Status::InvalidArgument(std::string(name) + ": must be an Agent object");
  std::string k;
  if (!xapi::AgentIdentityKey(a, &k))
    return Status::InvalidArgument(std::string(name) +
                                   ": must have an identifier (mbox, mbox_sha1sum, openid, account)");
  *key = "a" + k;
  return Status::OK();
}

Status ParseRequest(std::string_view report, const Params& params, Request* r) {
  static const std::unordered_map<std::string_view, std::vector<std::string_view>> kAllowed = {
      {"statements", {"by", "since", "until", "activity", "registration", "group", "agent", "limit"}},
      {"activity", {"activity", "since", "until", "registration", "group", "agent"}},
      {"activities", {"parent", "since", "until", "registration", "group", "agent", "limit"}},
      {"progress", {"activity", "since", "until", "registration", "group", "agent", "limit"}},
      {"objectives", {"parent", "since", "until", "registration", "group", "agent", "mastery", "limit"}},
  };
  auto it = kAllowed.find(report);
  if (it == kAllowed.end())
    return Status::NotFound("report: no report \"" + std::string(report.substr(0, 64)) +
                            "\" (statements, activity, activities, progress, objectives)");
  r->name = std::string(report);
  std::set<std::string> seen;
  for (const auto& [k, v] : params) {
    if (std::find(it->second.begin(), it->second.end(), k) == it->second.end())
      return Status::InvalidArgument(k.substr(0, 64) + ": not a parameter of the " +
                                     std::string(report) + " report");
    if (!seen.insert(k).second) return Status::InvalidArgument(k + ": given twice");
    if (k == "since") {
      LRS_RETURN_IF_ERROR(ParseDay(k, v, &r->d0));
    } else if (k == "until") {
      LRS_RETURN_IF_ERROR(ParseDay(k, v, &r->d1));
    } else if (k == "activity" || k == "parent") {
      if (!validate::IsAbsoluteIri(v)) return Status::InvalidArgument(k + ": must be an absolute IRI");
      (k == "activity" ? r->activity : r->parent) = v;
    } else if (k == "registration") {
      Uuid u;
      if (!Uuid::Parse(v, &u)) return Status::InvalidArgument("registration: must be a UUID");
      r->registration = u.ToString();
    } else if (k == "by") {
      if (v != "day" && v != "verb" && v != "activity")
        return Status::InvalidArgument("by: must be day, verb or activity");
      r->by = v;
    } else if (k == "limit") {
      char* end = nullptr;
      const unsigned long long n = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n == 0 || n > kMaxLimit)
        return Status::InvalidArgument("limit: must be a whole number from 1 to " +
                                       std::to_string(kMaxLimit));
      r->limit = n;
    } else if (k == "mastery") {
      char* end = nullptr;
      const double m = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(m >= -1.0 && m <= 1.0))
        return Status::InvalidArgument("mastery: must be a scaled score from -1 to 1");
      r->mastery = m;
    } else if (k == "agent" || k == "group") {
      if (seen.count("agent") && seen.count("group"))
        return Status::InvalidArgument("group: give group or agent, not both");
      json::Document d;
      LRS_RETURN_IF_ERROR(json::Parse(v, &d, json::Limits{1u << 20, 16}).WithPrefix(k + ": "));
      r->filtered_learners = true;
      if (k == "agent") {
        std::string key;
        LRS_RETURN_IF_ERROR(AgentKey("agent", d, &key));
        r->members.push_back(key);
      } else {
        const json::Value* m = d.IsObject() ? json::Member(d, "member") : nullptr;
        if (m == nullptr || !m->IsArray() || m->Empty())
          return Status::InvalidArgument("group: must be a Group object listing its members in \"member\"");
        if (m->Size() > kMaxMembers)
          return Status::InvalidArgument("group: at most " + std::to_string(kMaxMembers) + " members");
        for (rapidjson::SizeType i = 0; i < m->Size(); ++i) {
          std::string key;
          LRS_RETURN_IF_ERROR(AgentKey("group.member[" + std::to_string(i) + "]", (*m)[i], &key));
          r->members.push_back(key);
        }
      }
    }
  }
  if (r->d0 > r->d1) return Status::InvalidArgument("until: must not be before since");
  if ((r->name == "activity" || r->name == "progress") && !r->activity)
    return Status::InvalidArgument("activity: required");
  if (r->name == "statements") {
    if (!r->by) return Status::InvalidArgument("by: required (day, verb or activity)");
    if (*r->by == "activity" && r->activity)
      return Status::InvalidArgument("activity: not with by=activity (use /reports/activities?parent=)");
  }
  return Status::OK();
}

// ---- Cell sources -----------------------------------------------------------

// Entries with from <= key <= to of `agg` (learners false) or
// `agg_learners`; fn returns false to stop.
using ScanFn = std::function<bool(std::string_view key, std::string_view value)>;

class Source {
 public:
  virtual ~Source() = default;
  virtual Status Scan(bool learners, const std::string& from, const std::string& to,
                      const ScanFn& fn) = 0;
};

class TableSource final : public Source {
 public:
  explicit TableSource(const storage::ReadTxn& txn) : txn_(txn) {}
  Status Scan(bool learners, const std::string& from, const std::string& to,
              const ScanFn& fn) override {
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn_.txn(), txn_.dbi(learners ? Table::kAggLearners : Table::kAgg)));
    MDB_val k = storage::Val(from), v;
    Status s;
    for (s = c.Get(&k, &v, MDB_SET_RANGE); s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
      const std::string_view key = storage::View(k);
      if (key > std::string_view(to)) break;
      if (!fn(key, storage::View(v))) break;
    }
    return s.ok() || s.IsNotFound() ? Status::OK() : s;
  }

 private:
  const storage::ReadTxn& txn_;
};

class MemorySource final : public Source {
 public:
  explicit MemorySource(const agg::Deltas& d) : d_(d) {}
  Status Scan(bool learners, const std::string& from, const std::string& to,
              const ScanFn& fn) override {
    const char kind = from.empty() ? 0 : from[0];
    if (!learners && (kind == 'N' || kind == 'C' || kind == 'O')) {
      for (auto it = d_.marks.lower_bound(from); it != d_.marks.end() && it->first <= to; ++it)
        if (!fn(it->first, it->second)) break;
      return Status::OK();
    }
    const auto& m = learners ? d_.learners : d_.cells;
    std::string buf;
    for (auto it = m.lower_bound(from); it != m.end() && it->first <= to; ++it) {
      buf.clear();
      agg::EncodeTally(it->second, &buf);
      if (!fn(it->first, buf)) break;
    }
    return Status::OK();
  }

 private:
  const agg::Deltas& d_;
};

// The tables with the deltas not merged into them yet laid over them
// (StoreImpl::PendingAgg): what the tables will hold after the next flush.
// When a flush starts after `gen`, Scan fails and stale() is true: the
// report reads again.
class OverlaySource final : public Source {
 public:
  OverlaySource(const StoreImpl& store, std::uint64_t gen, Source& base)
      : store_(store), gen_(gen), base_(base) {}
  bool stale() const { return stale_; }

  Status Scan(bool learners, const std::string& from, const std::string& to,
              const ScanFn& fn) override {
    if (!store_.PendingAgg(gen_, learners, from, to, &pending_)) {
      stale_ = true;
      return Status::Busy("reports: the aggregates moved during the read");
    }
    if (pending_.empty()) return base_.Scan(learners, from, to, fn);
    std::size_t i = 0;
    bool go = true;
    Status bad;
    std::string buf;
    auto marker = [&](std::string_view k) {
      return !learners && (k[0] == 'N' || k[0] == 'C' || k[0] == 'O');
    };
    // An entry only the overlay has.
    auto alone = [&](const std::pair<std::string, std::string>& p) {
      if (marker(p.first)) return p.first[0] == 'N' && p.second.empty() ? true : fn(p.first, p.second);
      Tally t;
      if (!agg::DecodeTally(p.second, &t)) {
        bad = Status::Corruption("pending aggregate cell");
        return false;
      }
      return t.statements <= 0 ? true : fn(p.first, p.second);
    };
    LRS_RETURN_IF_ERROR(base_.Scan(learners, from, to, [&](std::string_view k, std::string_view v) {
      while (i < pending_.size() && std::string_view(pending_[i].first) < k)
        if (!(go = alone(pending_[i++]))) return false;
      if (i < pending_.size() && pending_[i].first == k) {
        const auto& p = pending_[i++];
        if (marker(k)) return go = k[0] == 'N' && p.second.empty() ? true : fn(k, v);
        Tally t, d;
        if (!agg::DecodeTally(v, &t) || !agg::DecodeTally(p.second, &d)) {
          bad = Status::Corruption("aggregate cell");
          return go = false;
        }
        t.Merge(d);
        if (t.statements <= 0) return true;
        buf.clear();
        agg::EncodeTally(t, &buf);
        return go = fn(k, buf);
      }
      return go = fn(k, v);
    }));
    while (go && i < pending_.size()) go = alone(pending_[i++]);
    return bad;
  }

 private:
  const StoreImpl& store_;
  const std::uint64_t gen_;
  Source& base_;
  bool stale_ = false;
  std::vector<std::pair<std::string, std::string>> pending_;
};

std::string Term8(char kind, std::uint64_t id) {
  std::string k(1, kind);
  PutFixed64BE(&k, id);
  return k;
}

// ---- The report computations -----------------------------------------------

struct Ctx {
  Source* src;
  const Request* req;
  // Members' term ids (group/agent); null: every learner.
  const std::unordered_set<std::uint64_t>* members = nullptr;
};

Status SumCells(Ctx& c, char kind, std::uint64_t term, Tally* out) {
  *out = Tally();
  Status bad;
  LRS_RETURN_IF_ERROR(c.src->Scan(false, agg::CellKey(kind, term, c.req->d0),
                                  agg::CellKey(kind, term, c.req->d1),
                                  [&](std::string_view, std::string_view v) {
                                    Tally t;
                                    if (!agg::DecodeTally(v, &t)) {
                                      bad = Status::Corruption("aggregate cell");
                                      return false;
                                    }
                                    out->Merge(t);
                                    return true;
                                  }));
  return bad;
}

// Statements per term over the request's days, from every cell of `kind`
// (keys kind + term + day): the whole-store rankings.
Status StatementsPerTerm(Ctx& c, char kind, std::unordered_map<std::uint64_t, std::int64_t>* per) {
  return c.src->Scan(false, std::string(1, kind), std::string(1, kind) + std::string(12, '\xff'),
                     [&](std::string_view k, std::string_view v) {
                       if (k.size() != 13) return true;
                       const std::uint32_t day = DecodeFixed32BE(k.data() + 9);
                       if (day < c.req->d0 || day > c.req->d1) return true;
                       Tally t;
                       if (agg::DecodeTally(v, &t)) (*per)[DecodeFixed64BE(k.data() + 1)] += t.statements;
                       return true;
                     });
}

bool AllTime(const Request& r) {
  return r.d0 == 0 && r.d1 == std::numeric_limits<std::uint32_t>::max();
}

// Per learner: the learner rows of `kind` (S/W) and `act` in range (the
// all-time rows s/w when the request has no dates).
Status Learners(Ctx& c, char kind, std::uint64_t act,
                std::unordered_map<std::uint64_t, Tally>* out) {
  out->clear();
  Status bad;
  const bool total = AllTime(*c.req);
  const char k = total ? static_cast<char>(kind - 'A' + 'a') : kind;
  const std::string from = total ? agg::LearnerTotalKey(k, act, 0) : agg::LearnerKey(k, act, c.req->d0, 0);
  const std::string to = total ? agg::LearnerTotalKey(k, act, kAll) : agg::LearnerKey(k, act, c.req->d1, kAll);
  LRS_RETURN_IF_ERROR(c.src->Scan(true, from, to, [&](std::string_view key, std::string_view v) {
    const std::uint64_t actor = DecodeFixed64BE(key.data() + key.size() - 8);
    if (c.members && !c.members->count(actor)) return true;
    Tally t;
    if (!agg::DecodeTally(v, &t)) {
      bad = Status::Corruption("aggregate learner cell");
      return false;
    }
    (*out)[actor].Merge(t);
    return true;
  }));
  return bad;
}

// One learner's all-time row of `kind` (s/w) and `act`; false when none.
Status LearnerTotal(Ctx& c, char kind, std::uint64_t act, std::uint64_t actor, Tally* t,
                    bool* found) {
  *found = false;
  const std::string key = agg::LearnerTotalKey(kind, act, actor);
  return c.src->Scan(true, key, key, [&](std::string_view, std::string_view v) {
    *found = agg::DecodeTally(v, t);
    return false;
  });
}

// Marker keys 'C' parent * (children of a course), or 'O' * (objectives).
Status Markers(Ctx& c, const std::string& prefix, std::vector<std::uint64_t>* out) {
  out->clear();
  std::string to = prefix + std::string(8, '\xff');
  return c.src->Scan(false, prefix, to, [&](std::string_view k, std::string_view) {
    if (k.size() == prefix.size() + 8) out->push_back(DecodeFixed64BE(k.data() + prefix.size()));
    return true;
  });
}

// Term string of an id ('N' marker), without its kind letter.
Status TermOf(Ctx& c, std::uint64_t id, std::string* out) {
  out->clear();
  const std::string key = Term8('N', id);
  return c.src->Scan(false, key, key, [&](std::string_view, std::string_view v) {
    if (!v.empty()) *out = std::string(v.substr(1));
    return false;
  });
}

constexpr double kNull = std::numeric_limits<double>::quiet_NaN();

double Rate(std::int64_t n, std::int64_t d) { return d > 0 ? static_cast<double>(n) / d : kNull; }

// A figure rounded to 6 decimals, or null (kNull).
void Number(JsonWriter& w, double x) {
  if (!std::isfinite(x)) {
    w.Null();
  } else {
    w.Double(std::round(x * 1e6) / 1e6);
  }
}

// Display names, looked up last (names[id] = {name, type}).
struct Display {
  std::string name, type;
};

struct ActivityFigures {
  std::uint64_t id = 0;
  std::string iri;
  Tally self, within;
  std::int64_t learners = 0, completed = 0, passed = 0, failed = 0;
  std::int64_t at_mastery = 0;  // objectives
};

Status ComputeActivity(Ctx& c, std::uint64_t id, ActivityFigures* f) {
  f->id = id;
  LRS_RETURN_IF_ERROR(TermOf(c, id, &f->iri));
  std::unordered_map<std::uint64_t, Tally> ls, lw;
  LRS_RETURN_IF_ERROR(Learners(c, 'S', id, &ls));
  LRS_RETURN_IF_ERROR(Learners(c, 'W', id, &lw));
  if (c.members) {  // activity figures of the members only
    f->self = Tally();
    f->within = Tally();
    for (const auto& [a, t] : ls) f->self.Merge(t);
    for (const auto& [a, t] : lw) f->within.Merge(t);
  } else {
    LRS_RETURN_IF_ERROR(SumCells(c, 'S', id, &f->self));
    LRS_RETURN_IF_ERROR(SumCells(c, 'W', id, &f->within));
  }
  std::unordered_set<std::uint64_t> all;
  for (const auto& [a, t] : ls) {
    all.insert(a);
    f->completed += t.completed > 0;
    f->passed += t.passed > 0;
    f->failed += t.failed > 0;
  }
  for (const auto& [a, t] : lw) all.insert(a);
  f->learners = static_cast<std::int64_t>(all.size());
  return Status::OK();
}

void WriteScores(JsonWriter& w, const Tally& t) {
  w.Key("scores");
  w.StartObject();
  w.Key("count");
  w.Int64(t.scored);
  w.Key("mean");
  Number(w, t.scored > 0 ? static_cast<double>(t.scaled_micro) / 1e6 / t.scored : kNull);
  w.Key("histogram");
  w.StartArray();
  for (int i = 0; i < agg::kBuckets; ++i) {
    w.StartObject();
    w.Key("from");
    w.Double(std::round((-1.0 + i * 0.1) * 10) / 10);
    w.Key("to");
    w.Double(std::round((-0.9 + i * 0.1) * 10) / 10);
    w.Key("count");
    w.Int64(t.hist[i]);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteActivity(JsonWriter& w, const ActivityFigures& f, const Display* d) {
  w.StartObject();
  w.Key("activity");
  w.String(f.iri.c_str(), static_cast<rapidjson::SizeType>(f.iri.size()));
  w.Key("name");
  if (d && !d->name.empty()) w.String(d->name.c_str()); else w.Null();
  w.Key("type");
  if (d && !d->type.empty()) w.String(d->type.c_str()); else w.Null();
  w.Key("statements");
  w.Int64(f.self.statements);
  w.Key("statements_in_subtree");
  w.Int64(f.self.statements + f.within.statements);
  w.Key("learners");
  w.Int64(f.learners);
  w.Key("completed");
  w.Int64(f.completed);
  w.Key("passed");
  w.Int64(f.passed);
  w.Key("failed");
  w.Int64(f.failed);
  w.Key("completion_rate");
  Number(w, Rate(f.completed, f.learners));
  w.Key("pass_rate");
  Number(w, Rate(f.passed, f.learners));
  WriteScores(w, f.self);
  w.Key("time_spent");
  w.StartObject();
  const std::int64_t total = f.self.duration_ms + f.within.duration_ms;
  w.Key("total_ms");
  w.Int64(total);
  w.Key("statements_with_duration");
  w.Int64(f.self.timed + f.within.timed);
  w.Key("mean_ms_per_learner");
  if (f.learners > 0) w.Int64(total / f.learners); else w.Null();
  w.EndObject();
  w.EndObject();
}

std::string DayString(std::uint32_t day) {
  return FormatIso8601Millis(static_cast<std::int64_t>(day) * agg::kDayMs * 1000).substr(0, 10);
}

// Agent JSON of an identity key ("mbox:mailto:x", "account:home|name"...).
void WriteAgent(JsonWriter& w, std::string_view key, const std::string& name) {
  w.StartObject();
  w.Key("objectType");
  w.String("Agent");
  if (!name.empty()) {
    w.Key("name");
    w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
  }
  auto str = [&](std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  const std::size_t colon = key.find(':');
  const std::string_view kind = key.substr(0, colon);
  const std::string_view rest = colon == std::string_view::npos ? "" : key.substr(colon + 1);
  if (kind == "account") {
    const std::size_t bar = rest.find('|');
    w.Key("account");
    w.StartObject();
    w.Key("homePage");
    str(rest.substr(0, bar));
    w.Key("name");
    str(bar == std::string_view::npos ? "" : rest.substr(bar + 1));
    w.EndObject();
  } else {
    w.Key(kind.data(), static_cast<rapidjson::SizeType>(kind.size()));
    str(rest);
  }
  w.EndObject();
}

std::string First(const json::Value* names) {
  if (names == nullptr) return {};
  if (names->IsArray() && !names->Empty() && (*names)[0].IsString()) return (*names)[0].GetString();
  if (names->IsObject()) {  // a language map: en-US, en, else the first
    for (const char* tag : {"en-US", "en", "en-GB"})
      if (const json::Value* v = json::Member(*names, tag); v && v->IsString()) return v->GetString();
    for (const auto& m : names->GetObject())
      if (m.value.IsString()) return m.value.GetString();
  }
  return {};
}

}  // namespace

Status StoreImpl::Report(std::string_view name, const Params& params, std::string* out) {
  if (!options_.aggregates)
    return Status::NotSupported("reports: this store keeps no aggregates (Options::aggregates)");
  Request req;
  LRS_RETURN_IF_ERROR(ParseRequest(name, params, &req));

  // The memory path: statements of a registration, or (for the statement
  // counts) of a few learners, through the statement indexes.
  const bool memory = req.registration.has_value() ||
                      (req.name == "statements" && req.filtered_learners);
  agg::Deltas mem_cells;
  std::unordered_map<std::string, std::uint64_t> local_ids;
  auto local = [&](const std::string& term) -> std::uint64_t {
    if (term.empty()) return 0;
    return local_ids.emplace(term, local_ids.size() + 1).first->second;
  };
  if (memory) {
    std::vector<StatementQuery> queries;
    StatementQuery base;
    base.limit = 1000;
    base.ascending = true;
    if (req.activity) {  // the subtree's statements (and a few more related)
      base.activity = *req.activity;
      base.related_activities = true;
    }
    if (req.registration) {
      base.registration = *req.registration;
      queries.push_back(base);
    } else {
      for (const auto& m : req.members) {
        StatementQuery q = base;
        // The member's identity back as Agent JSON for the agent filter.
        rapidjson::StringBuffer sb;
        JsonWriter w(sb);
        WriteAgent(w, std::string_view(m).substr(1), "");
        q.agent = sb.GetString();
        queries.push_back(std::move(q));
      }
    }
    const std::unordered_set<std::string> wanted(req.members.begin(), req.members.end());
    std::unordered_set<std::string> seen_ids;
    for (const StatementQuery& q : queries) {
      StatementPage page;
      LRS_RETURN_IF_ERROR(QueryStatements(q, &page));
      while (true) {
        for (const std::string& text : page.statements) {
          json::Document d;
          LRS_RETURN_IF_ERROR(json::Parse(text, &d, json::Limits{1u << 30, 1 << 10}));
          if (!seen_ids.insert(std::string(json::StringOr(d, "id"))).second) continue;
          agg::Contribution c;
          agg::Extract(d, &c);
          if (!c.counted) continue;
          if (req.filtered_learners && !wanted.count(c.actor)) continue;
          agg::ResolvedTerms rt;
          rt.actor = local(c.actor);
          rt.verb = local(c.verb);
          rt.object = local(c.object);
          for (const auto& t : c.context) rt.context.push_back(local(t));
          agg::Accumulate(c, rt, 0, +1, &mem_cells);
        }
        if (page.more.empty()) break;
        const std::string token = page.more;
        page = StatementPage();
        LRS_RETURN_IF_ERROR(More(token, &page));
      }
    }
  }

  // Phase 1: the ids of the request's terms.
  std::uint64_t activity_id = 0, parent_id = 0;
  std::unordered_set<std::uint64_t> members;
  {
    std::vector<std::pair<std::string, std::uint64_t*>> want;
    std::vector<std::uint64_t> member_ids(req.members.size(), 0);
    if (req.activity) want.emplace_back("i" + *req.activity, &activity_id);
    if (req.parent) want.emplace_back("i" + *req.parent, &parent_id);
    for (std::size_t i = 0; i < req.members.size(); ++i) want.emplace_back(req.members[i], &member_ids[i]);
    if (memory) {
      for (auto& [t, id] : want) {
        auto it = local_ids.find(t);
        *id = it == local_ids.end() ? 0 : it->second;
      }
    } else {
      std::shared_lock<std::shared_mutex> l(mem_.mu());
      storage::ReadTxn txn;
      LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
      for (auto& [t, id] : want) {
        Status s = LookupTerm(txn, t, id);
        if (s.IsNotFound()) *id = 0;
        else LRS_RETURN_IF_ERROR(s);
      }
    }
    for (std::uint64_t id : member_ids)
      if (id) members.insert(id);
  }

  // Phase 2: the figures, read again from the start when a flush moved the
  // pending aggregates into the tables meanwhile (OverlaySource::stale).
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  std::vector<ActivityFigures> acts;  // activity, activities, objectives
  struct LearnerRow {
    std::uint64_t actor;
    std::string key;
    Tally course, within;
    std::int64_t modules_completed = 0;
  };
  std::vector<LearnerRow> rows;
  std::int64_t modules = 0;
  std::vector<std::pair<std::string, std::int64_t>> counts;  // statements report
  for (int attempt = 0;; ++attempt) {
    acts.clear();
    rows.clear();
    modules = 0;
    counts.clear();
    const std::uint64_t gen = memory ? 0 : AggGeneration();
    storage::ReadTxn txn;
    LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
    TableSource table_src(txn);
    OverlaySource overlay(*this, gen, table_src);
    MemorySource mem_src(mem_cells);
    Ctx c;
    c.src = memory ? static_cast<Source*>(&mem_src) : &overlay;
    c.req = &req;
    if (req.filtered_learners && !memory) c.members = &members;
    Status figures = [&]() -> Status {
      if (req.name == "statements") {
        if (*req.by == "day") {
          std::map<std::uint32_t, std::int64_t> per_day;
          auto add = [&](char kind, std::uint64_t term) -> Status {
            return c.src->Scan(false, agg::CellKey(kind, term, req.d0), agg::CellKey(kind, term, req.d1),
                               [&](std::string_view k, std::string_view v) {
                                 Tally t;
                                 if (agg::DecodeTally(v, &t))
                                   per_day[DecodeFixed32BE(k.data() + k.size() - 4)] += t.statements;
                                 return true;
                               });
          };
          if (req.activity) {
            if (activity_id) {
              LRS_RETURN_IF_ERROR(add('S', activity_id));
              LRS_RETURN_IF_ERROR(add('W', activity_id));
            }
          } else {
            LRS_RETURN_IF_ERROR(add('D', 0));
          }
          for (const auto& [day, n] : per_day) counts.emplace_back(DayString(day), n);
        } else {
          if (req.activity && !memory)
            return Status::InvalidArgument(
                "activity: by=verb counts the whole store (filter by registration, group or agent, "
                "or use by=day with activity)");
          const char kind = *req.by == "verb" ? 'V' : 'S';
          std::unordered_map<std::uint64_t, std::int64_t> per;
          LRS_RETURN_IF_ERROR(StatementsPerTerm(c, kind, &per));
          // Largest first; ties in IRI order (ids differ between stores).
          std::vector<std::pair<std::int64_t, std::string>> sorted;
          for (const auto& [id, n] : per) {
            std::string term;
            LRS_RETURN_IF_ERROR(TermOf(c, id, &term));
            sorted.emplace_back(-n, std::move(term));
          }
          std::sort(sorted.begin(), sorted.end());
          if (sorted.size() > req.limit) sorted.resize(req.limit);
          for (auto& [n, term] : sorted) counts.emplace_back(std::move(term), -n);
        }
      } else if (req.name == "activity") {
        ActivityFigures f;
        f.iri = *req.activity;
        if (activity_id) LRS_RETURN_IF_ERROR(ComputeActivity(c, activity_id, &f));
        f.iri = *req.activity;
        acts.push_back(std::move(f));
      } else if (req.name == "activities") {
        std::vector<std::uint64_t> ids;
        if (req.parent) {
          if (parent_id) LRS_RETURN_IF_ERROR(Markers(c, Term8('C', parent_id), &ids));
        } else {
          std::unordered_map<std::uint64_t, std::int64_t> per;
          for (char kind : {'S', 'W'}) {
            LRS_RETURN_IF_ERROR(StatementsPerTerm(c, kind, &per));
          }
          std::vector<std::pair<std::int64_t, std::uint64_t>> sorted;
          for (const auto& [id, n] : per) sorted.emplace_back(-n, id);
          std::sort(sorted.begin(), sorted.end());
          if (sorted.size() > req.limit) sorted.resize(req.limit);
          for (const auto& [n, id] : sorted) ids.push_back(id);
        }
        for (std::uint64_t id : ids) {
          ActivityFigures f;
          LRS_RETURN_IF_ERROR(ComputeActivity(c, id, &f));
          if (f.self.statements + f.within.statements == 0) continue;  // none in range
          acts.push_back(std::move(f));
        }
        std::stable_sort(acts.begin(), acts.end(), [](const auto& a, const auto& b) {
          return a.self.statements + a.within.statements > b.self.statements + b.within.statements;
        });
        if (acts.size() > req.limit) acts.resize(req.limit);
      } else if (req.name == "progress") {
        if (activity_id) {
          std::unordered_map<std::uint64_t, Tally> ls, lw;
          LRS_RETURN_IF_ERROR(Learners(c, 'S', activity_id, &ls));
          LRS_RETURN_IF_ERROR(Learners(c, 'W', activity_id, &lw));
          std::unordered_map<std::uint64_t, LearnerRow> by_actor;
          for (const auto& [a, t] : ls) by_actor[a].course = t;
          for (const auto& [a, t] : lw) by_actor[a].within = t;
          std::vector<std::uint64_t> children;
          LRS_RETURN_IF_ERROR(Markers(c, Term8('C', activity_id), &children));
          modules = static_cast<std::int64_t>(children.size());
          // Most recently active first: the top `limit`, ordered by small
          // keys (a row with its two tallies is half a kilobyte to move).
          struct Order {
            std::int64_t last;
            std::uint64_t actor;
            LearnerRow* row;
          };
          std::vector<Order> order;
          order.reserve(by_actor.size());
          for (auto& [a, r] : by_actor) {
            r.actor = a;
            order.push_back({std::max(r.course.last_ms, r.within.last_ms), a, &r});
          }
          const std::size_t shown = std::min<std::size_t>(order.size(), req.limit);
          std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(shown),
                            order.end(), [](const Order& x, const Order& y) {
                              return x.last != y.last ? x.last > y.last : x.actor < y.actor;
                            });
          for (std::size_t i = 0; i < shown; ++i) rows.push_back(std::move(*order[i].row));
          // Modules completed, for the learners shown: a point lookup per
          // learner and module without dates, else each module's rows in range.
          for (std::uint64_t m : children) {
            if (AllTime(req)) {
              for (auto& r : rows) {
                Tally t;
                bool found;
                LRS_RETURN_IF_ERROR(LearnerTotal(c, 's', m, r.actor, &t, &found));
                if (found && (t.completed > 0 || t.passed > 0)) ++r.modules_completed;
              }
            } else {
              std::unordered_map<std::uint64_t, Tally> lm;
              LRS_RETURN_IF_ERROR(Learners(c, 'S', m, &lm));
              for (auto& r : rows) {
                auto it = lm.find(r.actor);
                if (it != lm.end() && (it->second.completed > 0 || it->second.passed > 0))
                  ++r.modules_completed;
              }
            }
          }
          for (auto& r : rows) LRS_RETURN_IF_ERROR(TermOf(c, r.actor, &r.key));
        }
      } else if (req.name == "objectives") {
        std::vector<std::uint64_t> ids;
        LRS_RETURN_IF_ERROR(Markers(c, std::string(1, 'O'), &ids));
        if (req.parent) {
          std::vector<std::uint64_t> children;
          if (parent_id) LRS_RETURN_IF_ERROR(Markers(c, Term8('C', parent_id), &children));
          std::unordered_set<std::uint64_t> in(children.begin(), children.end());
          std::erase_if(ids, [&](std::uint64_t id) { return !in.count(id); });
        }
        for (std::uint64_t id : ids) {
          ActivityFigures f;
          LRS_RETURN_IF_ERROR(ComputeActivity(c, id, &f));
          if (f.self.statements == 0) continue;
          // Mastery: best scaled score at least `mastery`, or passed.
          std::unordered_map<std::uint64_t, Tally> ls;
          LRS_RETURN_IF_ERROR(Learners(c, 'S', id, &ls));
          const std::int64_t bar = std::llround(req.mastery * 1e6);
          std::int64_t at = 0;
          for (const auto& [a, t] : ls) at += t.passed > 0 || (t.HasBest() && t.scored > 0 && t.best_micro >= bar);
          f.at_mastery = at;
          acts.push_back(std::move(f));
          if (acts.size() >= req.limit) break;
        }
      }
      return Status::OK();
    }();
    if (figures.ok()) break;
    if (!overlay.stale() || attempt >= 100) return figures;
  }
  // end of phase 2

  // Phase 3: display names from the activities and agents catalogs.
  std::unordered_map<std::string, Display> names;  // by term string
  {
    std::vector<std::string> terms;
    for (const auto& f : acts) terms.push_back("i" + f.iri);
    for (const auto& r : rows) terms.push_back("a" + r.key);
    if (req.name == "statements" && *req.by == "activity")
      for (const auto& [k, n] : counts) terms.push_back("i" + k);
    if (!terms.empty()) {
      std::shared_lock<std::shared_mutex> l(mem_.mu());
      storage::ReadTxn ntxn;
      LRS_RETURN_IF_ERROR(env_->BeginRead(&ntxn));
      for (const auto& t : terms) {
        std::string v;
        const bool activity = t[0] == 'i';
        Status s = CatalogGet(nullptr, ntxn.txn(), activity ? Table::kActivities : Table::kAgents,
                              TermKey(t), &v);
        if (s.IsNotFound()) continue;
        LRS_RETURN_IF_ERROR(s);
        json::Document d;
        if (!json::Parse(v, &d).ok() || !d.IsObject()) continue;
        Display disp;
        if (activity) {
          if (const json::Value* def = json::Member(d, "definition")) {
            disp.name = First(json::Member(*def, "name"));
            disp.type = std::string(json::StringOr(*def, "type"));
          }
        } else {
          disp.name = First(json::Member(d, "name"));
        }
        names[t] = std::move(disp);
      }
    }
  }
  auto display = [&](const std::string& term) -> const Display* {
    auto it = names.find(term);
    return it == names.end() ? nullptr : &it->second;
  };

  // The answer.
  if (req.name == "activity") {
    WriteActivity(w, acts[0], display("i" + acts[0].iri));
    *out = sb.GetString();
    return Status::OK();
  }
  w.StartObject();
  if (req.name == "statements") {
    w.Key("by");
    w.String(req.by->c_str());
    w.Key("rows");
    w.StartArray();
    for (const auto& [k, n] : counts) {
      w.StartObject();
      w.Key("key");
      w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      if (*req.by == "verb") {
        w.Key("display");
        const std::size_t slash = k.find_last_of("/#");
        w.String(slash == std::string::npos ? k.c_str() : k.c_str() + slash + 1);
      } else if (*req.by == "activity") {
        w.Key("name");
        const Display* d = display("i" + k);
        if (d && !d->name.empty()) w.String(d->name.c_str()); else w.Null();
      }
      w.Key("statements");
      w.Int64(n);
      w.EndObject();
    }
    w.EndArray();
  } else if (req.name == "activities") {
    w.Key("parent");
    if (req.parent) w.String(req.parent->c_str()); else w.Null();
    w.Key("activities");
    w.StartArray();
    for (const auto& f : acts) WriteActivity(w, f, display("i" + f.iri));
    w.EndArray();
  } else if (req.name == "progress") {
    w.Key("activity");
    w.String(req.activity->c_str());
    w.Key("modules");
    w.Int64(modules);
    w.Key("learners");
    w.StartArray();
    for (const auto& r : rows) {
      w.StartObject();
      w.Key("agent");
      const Display* d = display("a" + r.key);
      WriteAgent(w, r.key, d ? d->name : std::string());
      Tally all = r.course;
      all.Merge(r.within);
      w.Key("statements");
      w.Int64(all.statements);
      w.Key("first");
      w.String(FormatIso8601Millis(all.first_ms * 1000).c_str());
      w.Key("last");
      w.String(FormatIso8601Millis(all.last_ms * 1000).c_str());
      w.Key("completed");
      w.Bool(r.course.completed > 0);
      w.Key("passed");
      if (r.course.passed > 0) w.Bool(true);
      else if (r.course.failed > 0) w.Bool(false);
      else w.Null();
      w.Key("best_scaled");
      if (r.course.scored > 0 && r.course.HasBest()) w.Double(static_cast<double>(r.course.best_micro) / 1e6);
      else w.Null();
      w.Key("time_spent_ms");
      w.Int64(all.duration_ms);
      w.Key("modules_completed");
      w.Int64(r.modules_completed);
      w.EndObject();
    }
    w.EndArray();
  } else {  // objectives
    w.Key("mastery");
    w.Double(req.mastery);
    w.Key("objectives");
    w.StartArray();
    for (const auto& f : acts) {
      const Display* d = display("i" + f.iri);
      w.StartObject();
      w.Key("activity");
      w.String(f.iri.c_str());
      w.Key("name");
      if (d && !d->name.empty()) w.String(d->name.c_str()); else w.Null();
      w.Key("attempts");
      w.Int64(f.self.with_result);
      w.Key("learners");
      w.Int64(f.learners);
      w.Key("passed");
      w.Int64(f.passed);
      w.Key("pass_rate");
      Number(w, Rate(f.passed, f.learners));
      w.Key("mean_scaled");
      Number(w, f.self.scored > 0
                    ? static_cast<double>(f.self.scaled_micro) / 1e6 / f.self.scored
                    : kNull);
      w.Key("learners_at_mastery");
      w.Int64(f.at_mastery);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  *out = sb.GetString();
  return Status::OK();
}

}  // namespace lrs::core
