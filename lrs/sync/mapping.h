// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Mapping: which statements a destination receives (a filter) and what it
// receives of them (fields, each with a data category).
//
// Customer education and marketing share data but not goals. Every mapped
// field carries a category: education (scores, objectives, attempts,
// responses, durations) or engagement (enrolments, launches, completions,
// activity names). A destination lists the categories it may receive;
// fields of other categories are dropped before anything is sent, and a
// free-text learner response never leaves unless its field says so.
//
// Configuration is JSON (the daemon converts its TOML); see docs/sync-mapping.md:
//   "filter": {"verb": [...], "activity_type": [...], "activity_id_prefix": [...],
//              "actor": [...], "result": {"success": true, ...},
//              "and": [..], "or": [..], "not": {..}}
//   "identity": {"email": "mbox", "external_id": "account", "lookup": {...}}
//   "event": {"path": "verb.display", "transform": "language:en"} (a field spec)
//   "fields": [{"name": "score", "path": "result.score.scaled",
//               "category": "education", "to": "properties"|"contact",
//               "transform": "...", "template": "...", "coalesce": [...],
//               "free_text": false}]
// Paths are dot-separated with bracketed keys for IRIs:
//   context.extensions[http://example.com/ext/cohort]
//
// Thread safety: a Mapping is immutable after Parse; use from any thread.

#ifndef LRS_SYNC_MAPPING_H_
#define LRS_SYNC_MAPPING_H_

#include <cstdint>
#include <memory>
#include <string>

#include "lrs/json/json.h"
#include "lrs/status.h"

namespace lrs::sync {

// Data categories, as a bit set.
enum Category : unsigned { kEngagement = 1u, kEducation = 2u };
using CategorySet = unsigned;

// Parses ["education", "engagement"] (or one string). InvalidArgument names
// `what` and the bad value.
Status ParseCategories(const json::Value& v, std::string_view what, CategorySet* out);

// A statement as a destination receives it.
struct MappedRecord {
  std::string email;        // resolved identity: e-mail address (no "mailto:")
  std::string external_id;  // resolved identity: account name or lookup result
  std::string event;        // event name (engagement)
  std::int64_t timestamp_ms = 0;  // the statement's timestamp
  // Allowed fields, as JSON objects (name -> string, number, bool or null).
  std::string properties = "{}";  // about the event
  std::string contact = "{}";     // attributes of the learner to upsert
};

class Mapping {
 public:
  // Parses a destination's mapping config (the object holding "filter",
  // "identity", "event" and "fields"; all optional: without "fields" the
  // default field set of docs/sync.md applies). `allowed`: the categories
  // the destination may receive. InvalidArgument names the JSON path of the
  // problem ("fields[2].category: must be education or engagement").
  static Status Parse(const json::Value& config, CategorySet allowed,
                      std::unique_ptr<Mapping>* out);
  ~Mapping();

  // True iff the statement (a stored statement, exact format) passes the
  // filter.
  bool Matches(const json::Value& statement) const;

  // Maps a statement that Matches. InvalidArgument when a required value
  // cannot be produced (e.g. no e-mail for a destination that needs one is
  // decided by the connector, not here; a bad template is caught at Parse).
  Status Map(const json::Value& statement, MappedRecord* out) const;

  // A short stable hash of the config: part of idempotency keys, so a
  // changed mapping re-delivers as new records.
  const std::string& version() const;

 private:
  struct Rep;
  explicit Mapping(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace lrs::sync

#endif  // LRS_SYNC_MAPPING_H_
