// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/core/aggregates.h"

#include <algorithm>
#include <cmath>

#include "lrs/common/coding.h"
#include "lrs/common/time.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::core::agg {
namespace {

using storage::Table;

constexpr std::string_view kCompleted = "http://adlnet.gov/expapi/verbs/completed";
constexpr std::string_view kPassed = "http://adlnet.gov/expapi/verbs/passed";
constexpr std::string_view kFailed = "http://adlnet.gov/expapi/verbs/failed";
constexpr std::string_view kVoided = "http://adlnet.gov/expapi/verbs/voided";

constexpr std::int64_t kNone = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

std::uint64_t ZigZag(std::int64_t v) {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
std::int64_t UnZigZag(std::uint64_t v) {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// "i<IRI>" of each activity in a contextActivities entry (object or array).
void AddActivities(const json::Value* v, std::vector<std::string>* out) {
  if (v == nullptr) return;
  auto one = [&](const json::Value& a) {
    const std::string_view id = json::StringOr(a, "id");
    if (!id.empty()) out->push_back("i" + std::string(id));
  };
  if (v->IsArray()) {
    for (const auto& a : v->GetArray()) one(a);
  } else if (v->IsObject()) {
    one(*v);
  }
}

}  // namespace

void Tally::Merge(const Tally& d) {
  statements += d.statements;
  completed += d.completed;
  passed += d.passed;
  failed += d.failed;
  with_result += d.with_result;
  scored += d.scored;
  scaled_micro += d.scaled_micro;
  timed += d.timed;
  duration_ms += d.duration_ms;
  for (int i = 0; i < kBuckets; ++i) hist[i] += d.hist[i];
  if (d.statements > 0) {  // extremes only grow; a subtraction keeps them
    best_micro = std::max(best_micro, d.best_micro);
    first_ms = std::min(first_ms, d.first_ms);
    last_ms = std::max(last_ms, d.last_ms);
  }
}

void EncodeTally(const Tally& t, std::string* out) {
  out->push_back('\x01');  // layout version
  for (std::int64_t v : {t.statements, t.completed, t.passed, t.failed, t.with_result, t.scored,
                         t.scaled_micro, t.timed, t.duration_ms, t.best_micro, t.first_ms,
                         t.last_ms})
    PutVarint64(out, ZigZag(v));
  int nonzero = 0;
  for (auto h : t.hist) nonzero += h != 0;
  PutVarint64(out, static_cast<std::uint64_t>(nonzero));
  for (int i = 0; i < kBuckets; ++i) {
    if (t.hist[i] == 0) continue;
    PutVarint64(out, static_cast<std::uint64_t>(i));
    PutVarint64(out, ZigZag(t.hist[i]));
  }
}

bool DecodeTally(std::string_view in, Tally* t) {
  *t = Tally();
  if (in.empty() || in[0] != '\x01') return false;
  in.remove_prefix(1);
  std::int64_t* fields[] = {&t->statements, &t->completed,    &t->passed, &t->failed,
                            &t->with_result, &t->scored,      &t->scaled_micro, &t->timed,
                            &t->duration_ms, &t->best_micro,  &t->first_ms, &t->last_ms};
  std::uint64_t v;
  for (std::int64_t* f : fields) {
    if (!GetVarint64(&in, &v)) return false;
    *f = UnZigZag(v);
  }
  std::uint64_t n;
  if (!GetVarint64(&in, &n) || n > kBuckets) return false;
  for (std::uint64_t k = 0; k < n; ++k) {
    std::uint64_t i;
    if (!GetVarint64(&in, &i) || i >= kBuckets || !GetVarint64(&in, &v)) return false;
    t->hist[i] = UnZigZag(v);
  }
  return in.empty();
}

int Bucket(double scaled) {
  int b = static_cast<int>(std::floor((scaled + 1.0) * 10.0));
  return std::clamp(b, 0, kBuckets - 1);
}

std::uint32_t DayOf(std::int64_t ms) {
  if (ms <= 0) return 0;
  return static_cast<std::uint32_t>(std::min<std::int64_t>(ms / kDayMs, 0xffffffff));
}

void Extract(const json::Value& st, Contribution* c) {
  *c = Contribution();
  const json::Value* verb = json::Member(st, "verb");
  const std::string_view verb_id = verb ? json::StringOr(*verb, "id") : std::string_view();
  if (verb_id == kVoided) return;  // voiding statements are bookkeeping
  c->counted = true;
  c->verb = "i" + std::string(verb_id);
  if (const json::Value* ts = json::Member(st, "timestamp"); ts && ts->IsString()) {
    ParsedTime pt;
    if (ParseIso8601(json::View(*ts), &pt)) c->timestamp_ms = pt.micros / 1000;
  }
  if (const json::Value* actor = json::Member(st, "actor")) {
    std::string key;
    if (xapi::AgentIdentityKey(*actor, &key)) c->actor = "a" + key;
  }
  if (const json::Value* obj = json::Member(st, "object")) {
    const std::string_view type = json::StringOr(*obj, "objectType", "Activity");
    const std::string_view id = json::StringOr(*obj, "id");
    if (type == "Activity" && !id.empty()) {
      c->object = "i" + std::string(id);
      if (const json::Value* def = json::Member(*obj, "definition"))
        c->objective = json::StringOr(*def, "type") == kObjectiveType;
    }
  }
  if (const json::Value* ctx = json::Member(st, "context")) {
    if (const json::Value* ca = json::Member(*ctx, "contextActivities")) {
      AddActivities(json::Member(*ca, "parent"), &c->context);
      AddActivities(json::Member(*ca, "grouping"), &c->context);
      std::sort(c->context.begin(), c->context.end());
      c->context.erase(std::unique(c->context.begin(), c->context.end()), c->context.end());
      std::erase(c->context, c->object);
    }
  }
  Tally& t = c->tally;
  t.statements = 1;
  t.completed = verb_id == kCompleted;
  t.passed = verb_id == kPassed;
  t.failed = verb_id == kFailed;
  if (const json::Value* r = json::Member(st, "result"); r && r->IsObject()) {
    t.with_result = 1;
    if (const json::Value* v = json::Member(*r, "completion"); v && v->IsBool() && v->GetBool())
      t.completed = 1;
    if (const json::Value* v = json::Member(*r, "success"); v && v->IsBool()) {
      if (v->GetBool()) t.passed = 1;
      else t.failed = 1;
    }
    if (const json::Value* sc = json::Member(*r, "score"); sc && sc->IsObject()) {
      if (const json::Value* v = json::Member(*sc, "scaled"); v && v->IsNumber()) {
        const double s = std::clamp(v->GetDouble(), -1.0, 1.0);
        t.scored = 1;
        t.scaled_micro = std::llround(s * 1e6);
        t.best_micro = t.scaled_micro;
        t.hist[Bucket(s)] = 1;
      }
    }
    if (const json::Value* d = json::Member(*r, "duration"); d && d->IsString()) {
      double seconds;
      if (ParseIso8601Duration(json::View(*d), &seconds) && seconds >= 0 && seconds < 1e12) {
        t.timed = 1;
        t.duration_ms = std::llround(seconds * 1000);
      }
    }
  }
}

std::string CellKey(char kind, std::uint64_t term, std::uint32_t day) {
  std::string k(1, kind);
  if (kind != 'D') PutFixed64BE(&k, term);
  PutFixed32BE(&k, day);
  return k;
}

std::string LearnerTotalKey(char kind, std::uint64_t act, std::uint64_t actor) {
  std::string k(1, kind);
  PutFixed64BE(&k, act);
  PutFixed64BE(&k, actor);
  return k;
}

std::string LearnerKey(char kind, std::uint64_t act, std::uint32_t day, std::uint64_t actor) {
  std::string k(1, kind);
  PutFixed64BE(&k, act);
  PutFixed32BE(&k, day);
  PutFixed64BE(&k, actor);
  return k;
}

void Accumulate(const Contribution& c, const ResolvedTerms& t, std::int64_t stored_ms, int sign,
                Deltas* d) {
  if (!c.counted) return;
  const std::int64_t when = c.timestamp_ms == kNone ? stored_ms : c.timestamp_ms;
  const std::uint32_t day = DayOf(when);
  Tally delta = c.tally;
  if (sign < 0) {
    Tally neg;
    neg.statements = -delta.statements;
    neg.completed = -delta.completed;
    neg.passed = -delta.passed;
    neg.failed = -delta.failed;
    neg.with_result = -delta.with_result;
    neg.scored = -delta.scored;
    neg.scaled_micro = -delta.scaled_micro;
    neg.timed = -delta.timed;
    neg.duration_ms = -delta.duration_ms;
    for (int i = 0; i < kBuckets; ++i) neg.hist[i] = -delta.hist[i];
    delta = neg;
  } else {
    delta.first_ms = when;
    delta.last_ms = when;
  }
  d->cells[CellKey('D', 0, day)].Merge(delta);
  if (t.verb) d->cells[CellKey('V', t.verb, day)].Merge(delta);
  auto name = [&](std::uint64_t id, const std::string& term) {
    if (sign > 0 && id) d->marks.emplace(CellKey('N', id, 0).substr(0, 9), term);
  };
  name(t.verb, c.verb);
  name(t.actor, c.actor);
  if (t.object) {
    d->cells[CellKey('S', t.object, day)].Merge(delta);
    if (t.actor) {
      d->learners[LearnerKey('S', t.object, day, t.actor)].Merge(delta);
      d->learners[LearnerTotalKey('s', t.object, t.actor)].Merge(delta);
    }
    name(t.object, c.object);
    if (sign > 0 && c.objective) d->marks.emplace(CellKey('O', t.object, 0).substr(0, 9), "");
  }
  for (std::size_t i = 0; i < t.context.size() && i < c.context.size(); ++i) {
    const std::uint64_t a = t.context[i];
    if (a == 0) continue;
    d->cells[CellKey('W', a, day)].Merge(delta);
    if (t.actor) {
      d->learners[LearnerKey('W', a, day, t.actor)].Merge(delta);
      d->learners[LearnerTotalKey('w', a, t.actor)].Merge(delta);
    }
    name(a, c.context[i]);
    if (sign > 0 && t.object) {
      std::string k(1, 'C');
      PutFixed64BE(&k, a);
      PutFixed64BE(&k, t.object);
      d->marks.emplace(std::move(k), "");
    }
  }
}

void Deltas::Merge(const Deltas& d) {
  for (const auto& [k, t] : d.cells) cells[k].Merge(t);
  for (const auto& [k, t] : d.learners) learners[k].Merge(t);
  for (const auto& k : d.unmarks) {
    marks.erase(k);
    unmarks.insert(k);
  }
  for (const auto& [k, v] : d.marks) {
    marks.emplace(k, v);
    unmarks.erase(k);
  }
}

void EncodeDeltas(const Deltas& d, std::string* out) {
  std::string buf;
  for (const auto* m : {&d.cells, &d.learners}) {
    PutVarint64(out, m->size());
    for (const auto& [k, t] : *m) {
      PutLengthPrefixed(out, k);
      buf.clear();
      EncodeTally(t, &buf);
      PutLengthPrefixed(out, buf);
    }
  }
  PutVarint64(out, d.marks.size());
  for (const auto& [k, v] : d.marks) {
    PutLengthPrefixed(out, k);
    PutLengthPrefixed(out, v);
  }
  PutVarint64(out, d.unmarks.size());
  for (const auto& k : d.unmarks) PutLengthPrefixed(out, k);
}

bool DecodeDeltas(std::string_view in, Deltas* d) {
  for (auto* m : {&d->cells, &d->learners}) {
    std::uint64_t n;
    if (!GetVarint64(&in, &n)) return false;
    for (std::uint64_t i = 0; i < n; ++i) {
      std::string_view k, v;
      Tally t;
      if (!GetLengthPrefixed(&in, &k) || !GetLengthPrefixed(&in, &v) || !DecodeTally(v, &t))
        return false;
      (*m)[std::string(k)].Merge(t);
    }
  }
  // One record's deltas, merged in (a record's unmarks and marks never
  // name the same key).
  Deltas r;
  std::uint64_t n;
  if (!GetVarint64(&in, &n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view k, v;
    if (!GetLengthPrefixed(&in, &k) || !GetLengthPrefixed(&in, &v)) return false;
    r.marks.emplace(std::string(k), std::string(v));
  }
  if (!GetVarint64(&in, &n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!GetLengthPrefixed(&in, &k)) return false;
    r.unmarks.emplace(k);
  }
  d->Merge(r);
  return in.empty();
}

namespace {

Status MergeInto(storage::WriteTxn& txn, Table table, const std::map<std::string, Tally>& m) {
  std::string buf;
  for (const auto& [key, delta] : m) {
    Tally t;
    std::string_view v;
    Status s = txn.Get(table, key, &v);
    if (s.ok()) {
      if (!DecodeTally(v, &t)) return Status::Corruption("aggregate cell");
    } else if (!s.IsNotFound()) {
      return s;
    }
    t.Merge(delta);
    if (t.statements <= 0) {
      if (s.ok()) LRS_RETURN_IF_ERROR(txn.Del(table, key));
      continue;
    }
    buf.clear();
    EncodeTally(t, &buf);
    LRS_RETURN_IF_ERROR(txn.Put(table, key, buf));
  }
  return Status::OK();
}

}  // namespace

Status Apply(storage::WriteTxn& txn, const Deltas& d) {
  LRS_RETURN_IF_ERROR(MergeInto(txn, Table::kAgg, d.cells));
  LRS_RETURN_IF_ERROR(MergeInto(txn, Table::kAggLearners, d.learners));
  for (const auto& key : d.unmarks) {
    Status s = txn.Del(Table::kAgg, key);
    if (!s.ok() && !s.IsNotFound()) return s;
  }
  for (const auto& [key, value] : d.marks) {
    Status s = txn.Put(Table::kAgg, key, value, MDB_NOOVERWRITE);
    if (!s.ok() && !s.IsConflict()) return s;
  }
  return Status::OK();
}

}  // namespace lrs::core::agg
