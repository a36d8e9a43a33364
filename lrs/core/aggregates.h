// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Reporting aggregates (docs/reporting.md), kept in the statements' own
// commit: each counted statement adds a Tally to a few cells, a voiding
// subtracts its target's, an erasure or purge subtracts what it deletes.
// Reports then read cells, never statements.
//
// Counted: every statement that is not a voiding statement and not voided.
// Its day is the UTC day of its timestamp (stored, when it came without
// one). Cells (table `agg`, keys big-endian; see lrs/storage/FORMAT.md):
//   'D' day                       every counted statement
//   'V' verb   day                by verb
//   'S' act    day                statements whose object is Activity `act`
//   'W' act    day                statements naming `act` in
//                                 contextActivities parent or grouping
// and per learner (table `agg_learners`):
//   'S' act day actor, 'W' act day actor   per day
//   's' act actor,     'w' act actor       all time (reports without dates)
// plus markers in `agg`: 'N' term -> the term's string (verbs, activities,
// actors: reports print them), 'C' parent child (child activities of a
// course), 'O' act (an activity of type objective).
//
// Thread safety: Contribution extraction is pure; the Accumulate/Apply
// functions run in the commit leader (one writer at a time).

#ifndef LRS_CORE_AGGREGATES_H_
#define LRS_CORE_AGGREGATES_H_

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/storage/env.h"

namespace lrs::core::agg {

inline constexpr std::string_view kObjectiveType = "http://adlnet.gov/expapi/activities/objective";
inline constexpr int kBuckets = 20;  // scaled score histogram: 0.1 wide, -1.0 to 1.0
inline constexpr std::int64_t kDayMs = 86400000;

// Counters of a set of statements. Sums and counts add (a negative delta
// subtracts); best/first/last are extremes, kept when a delta subtracts.
struct Tally {
  std::int64_t statements = 0;
  std::int64_t completed = 0;   // verb completed, or result.completion true
  std::int64_t passed = 0;      // verb passed, or result.success true
  std::int64_t failed = 0;      // verb failed, or result.success false
  std::int64_t with_result = 0;
  std::int64_t scored = 0;      // with result.score.scaled
  std::int64_t scaled_micro = 0;  // sum of scaled * 1e6
  std::int64_t timed = 0;       // with a result.duration
  std::int64_t duration_ms = 0;
  std::int64_t best_micro = std::numeric_limits<std::int64_t>::min();  // none yet
  std::int64_t first_ms = std::numeric_limits<std::int64_t>::max();
  std::int64_t last_ms = std::numeric_limits<std::int64_t>::min();
  std::array<std::int64_t, kBuckets> hist{};

  // Adds `d` (whose counts may be negative).
  void Merge(const Tally& d);
  bool HasBest() const { return best_micro != std::numeric_limits<std::int64_t>::min(); }
};

void EncodeTally(const Tally& t, std::string* out);
bool DecodeTally(std::string_view in, Tally* t);

// Histogram bucket of a scaled score in [-1, 1].
int Bucket(double scaled);

// What one statement adds, taken from its JSON (no transaction needed).
struct Contribution {
  bool counted = false;        // false: a voiding statement (adds nothing)
  std::int64_t timestamp_ms = std::numeric_limits<std::int64_t>::min();  // min: use stored
  std::string actor;           // "a<identity key>"; empty: anonymous group
  std::string verb;            // "i<IRI>"
  std::string object;          // "i<IRI>" when the object is an Activity
  bool objective = false;      // the object's definition.type is kObjectiveType
  std::vector<std::string> context;  // "i<IRI>" of parent/grouping, without object
  Tally tally;                 // statements = 1 and the result's counters
};

// Fills *c from a validated statement (stored form or as written).
void Extract(const json::Value& stmt, Contribution* c);

// Cell deltas of one commit (or one rebuild batch), merged before they are
// written so that each cell is read and written once.
struct Deltas {
  std::map<std::string, Tally> cells;     // agg keys
  std::map<std::string, Tally> learners;  // agg_learners keys
  std::map<std::string, std::string> marks;  // agg keys -> value (written if absent)
  std::set<std::string> unmarks;  // 'N' markers to delete (an erased agent's name)
  bool empty() const { return cells.empty() && learners.empty() && marks.empty() && unmarks.empty(); }
  std::size_t size() const { return cells.size() + learners.size() + marks.size() + unmarks.size(); }
  // Adds `d`, which comes after: tallies merge; its unmarks delete markers,
  // then its markers are added where absent.
  void Merge(const Deltas& d);
  void Clear() {
    cells.clear();
    learners.clear();
    marks.clear();
    unmarks.clear();
  }
};

// The durable form of Deltas (table agg_pending).
void EncodeDeltas(const Deltas& d, std::string* out);
bool DecodeDeltas(std::string_view in, Deltas* d);

// Term ids of a contribution's strings, resolved by the caller.
struct ResolvedTerms {
  std::uint64_t actor = 0, verb = 0, object = 0;  // 0: none
  std::vector<std::uint64_t> context;             // parallel to Contribution::context
};

// Adds `c` (sign +1) or takes it away (sign -1). `stored_ms` stands in
// for a missing timestamp. Markers are added for sign +1 only.
void Accumulate(const Contribution& c, const ResolvedTerms& t, std::int64_t stored_ms, int sign,
                Deltas* d);

// Writes `d`: cells merged into what is stored (deleted when their
// statement count reaches 0), unmarks deleted, markers put where absent.
Status Apply(storage::WriteTxn& txn, const Deltas& d);

// Key builders (also used by the readers).
std::string CellKey(char kind, std::uint64_t term, std::uint32_t day);
std::string LearnerKey(char kind, std::uint64_t act, std::uint32_t day, std::uint64_t actor);
std::string LearnerTotalKey(char kind, std::uint64_t act, std::uint64_t actor);
std::uint32_t DayOf(std::int64_t ms);

// meta key: "1" when the aggregates cover every statement.
inline constexpr std::string_view kMetaAggState = "agg_state";

}  // namespace lrs::core::agg

#endif  // LRS_CORE_AGGREGATES_H_
