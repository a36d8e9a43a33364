// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::Store: an xAPI Learning Record Store in a directory on local disk.
//
// Anything not declared under include/lrs/ is internal and may change
// without notice.
//
// A Store validates xAPI statements (1.0.3 or 2.0.0, chosen per call),
// persists them durably in LMDB with indexes for every xAPI query filter,
// and keeps the document resources (state, activity profile, agent profile),
// agents and activities.
//
// Thread safety: a Store is safe for concurrent use from any number of
// threads without external synchronization. Concurrent writers are grouped
// into shared commits, so many small writes cost one fsync per group.
// Open a given directory at most once per process.

#ifndef LRS_STORE_H_
#define LRS_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/options.h"
#include "lrs/status.h"
#include "lrs/xapi.h"

namespace lrs {

// Raw attachment data sent with statements (one part of a multipart/mixed
// request). Matched to statements' attachments by `sha2`.
struct AttachmentPayload {
  std::string sha2;          // lowercase hex SHA-256 (or SHA-384/512) of data
  std::string content_type;
  std::string data;
};

// How statements are written.
struct StatementWrite {
  XapiVersion version = XapiVersion::k2_0_0;
  // Authority (an Agent or Group as JSON) set on every statement, replacing
  // any authority the statement carries. Empty: a statement keeps its own
  // authority, if any (embedded use without credentials).
  std::string authority;
  // Payloads for attachments that have no fileUrl. Every such attachment of
  // every statement must have its payload here.
  std::vector<AttachmentPayload> attachments;
};

// Parameters of GET /statements (xAPI Communication 2.1.3). Unset fields do
// not filter.
struct StatementQuery {
  XapiVersion version = XapiVersion::k2_0_0;
  std::optional<std::string> agent;         // Agent or identified Group, JSON
  std::optional<std::string> verb;          // verb IRI
  std::optional<std::string> activity;      // activity IRI
  std::optional<std::string> registration;  // UUID
  bool related_activities = false;
  bool related_agents = false;
  std::optional<std::string> since;         // ISO 8601; stored > since
  std::optional<std::string> until;         // ISO 8601; stored <= until
  std::uint32_t limit = 0;                  // 0: Options::max_query_limit
  StatementFormat format = StatementFormat::kExact;
  bool attachments = false;
  bool ascending = false;
  // Language preference for format=canonical, most preferred first
  // (parsed Accept-Language), e.g. {"fr-CA", "fr", "en"}.
  std::vector<std::string> languages;
  // Only statements whose authority is this Agent or Group (JSON), as for a
  // credential limited to statements/read/mine. Unset: no filter.
  std::optional<std::string> authority;
};

// One page of query results.
struct StatementPage {
  std::vector<std::string> statements;  // JSON objects, in result order
  // Opaque continuation token for the next page; empty when this page is
  // the last. Pass it to Store::More().
  std::string more;
  // Payloads of the returned statements' attachments (attachments=true).
  std::vector<AttachmentPayload> attachments;
  // Every statement stored at or before this time is reflected in the
  // results (X-Experience-API-Consistent-Through), as epoch milliseconds.
  std::int64_t consistent_through_ms = 0;
};

// Single-statement fetch (statementId / voidedStatementId).
struct StatementGet {
  XapiVersion version = XapiVersion::k2_0_0;
  std::string id;
  bool voided = false;  // true: voidedStatementId (only a voided statement)
  StatementFormat format = StatementFormat::kExact;
  bool attachments = false;
  std::vector<std::string> languages;
  // As StatementQuery::authority: NotFound unless the statement's authority
  // is this Agent or Group (JSON). Unset: no filter.
  std::optional<std::string> authority;
};

// The three document resources of xAPI Communication 2.3, 2.6 and 2.7.
enum class DocumentKind { kState, kActivityProfile, kAgentProfile };

// Identifies a document, or (with an empty id) a set of documents.
struct DocumentKey {
  DocumentKind kind = DocumentKind::kState;
  std::string activity_id;   // state, activity profile
  std::string agent;         // Agent JSON: state, agent profile
  std::optional<std::string> registration;  // state only
  std::string id;            // stateId or profileId
};

struct Document {
  std::string content;
  std::string content_type;
  std::string etag;            // quoted, e.g. "\"3f78...\"" (SHA-1 of content)
  std::int64_t updated_ms = 0; // last modification, epoch milliseconds
};

// Concurrency preconditions (xAPI Communication 3.1). Unset: no check.
struct DocumentPrecondition {
  std::optional<std::string> if_match;       // an ETag, or "*"
  std::optional<std::string> if_none_match;  // an ETag, or "*"

  // What a PUT with neither header is allowed to do.
  enum class Require {
    // 3.1.s4.b13: replacing an existing profile document is PreconditionRequired;
    // state is exempt (3.1.s3).
    kDefault,
    // Replacing any existing document, state included, is PreconditionRequired
    // (what the xAPI 2.0.0 conformance suite expects of state).
    kToReplace,
    // As kToReplace, and creating a document is InvalidArgument (3.1.s3.b1 makes
    // the headers a client MUST for the profile resources).
    kAlways,
  };
  Require require = Require::kDefault;
};

// Which documents to list (GET without an id).
struct DocumentListQuery {
  DocumentKey key;                    // id ignored
  std::optional<std::string> since;   // ISO 8601: updated > since
};

// Counters for monitoring.
struct StoreStats {
  std::uint64_t statements = 0;       // stored, including voided
  std::uint64_t last_sequence = 0;    // stored order position of the newest
  std::uint64_t map_size = 0;         // bytes mapped
  std::uint64_t map_used = 0;         // bytes used in the map
  std::uint64_t commits = 0;          // since open
  std::uint64_t grouped_writes = 0;   // writes folded into those commits
};

// What EraseAgent removed.
struct ErasureReport {
  std::uint64_t statements = 0;    // statement records deleted
  std::uint64_t documents = 0;     // state and agent-profile documents deleted
  std::uint64_t sync_records = 0;  // sync retry, dead-letter and connector-state (remote id) entries deleted
  std::string audit_id;            // the id (a UUID) of the audit record left behind
};

// Which statements Store::PurgeStatements deletes (retention).
struct PurgeRequest {
  // Statements whose `stored` time is before this (epoch milliseconds;
  // exclusive: one stored exactly at before_ms stays) are deleted.
  // ParsePurgeBefore() reads it from an ISO 8601 date or timestamp.
  std::int64_t before_ms = 0;
  // true: only count what would go; nothing is written.
  bool dry_run = true;
  // Statements deleted per commit. Each commit is atomic and holds the
  // writers back while it runs; memory and transaction size grow with it.
  std::size_t batch_statements = 10000;
};

// What PurgeStatements deleted (or, in a dry run, would delete).
struct PurgeReport {
  bool dry_run = true;
  std::int64_t before_ms = 0;
  std::uint64_t statements = 0;    // statement records
  std::uint64_t bytes = 0;         // their size on disk (compressed records; no attachments)
  std::int64_t oldest_ms = 0;      // stored time of the oldest of them; 0 when none
  std::int64_t newest_ms = 0;      // stored time of the newest of them; 0 when none
  // Counted when applied only:
  std::uint64_t attachments = 0;   // attachment payloads no remaining statement uses
  std::uint64_t sync_records = 0;  // sync retry, dead-letter and remote-id entries of them
  std::uint64_t batches = 0;       // commits
  std::string audit_id;            // the id (a UUID) of the run's audit record
};

// Parses the bound of a purge: an ISO 8601 date ("2024-01-31", meaning
// 00:00:00Z that day) or a timestamp with a time zone
// ("2024-01-31T12:00:00Z", "2024-01-31T14:00:00+02:00") into epoch ms.
// InvalidArgument "before: ..." otherwise.
Status ParsePurgeBefore(std::string_view text, std::int64_t* before_ms);

class Store {
 public:
  // Opens (and with options.create_if_missing, creates) the store in `dir`.
  // Returns OK and sets *out iff the store is ready for use.
  static Status Open(const Options& options, const std::string& dir,
                     std::unique_ptr<Store>* out);

  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  // Waits for in-flight writes, then closes the store.
  virtual ~Store() = default;

  // ---- Statements (xAPI Communication 2.1) ----

  // Validates and stores one statement object or an array of statements.
  // The write is all-or-nothing and durable when OK is returned. `ids`
  // (optional) receives the id of each statement, in request order.
  // Errors: InvalidArgument (names the JSON path and the rule), Conflict (an
  // id exists with different content), NoSpace, IOError.
  virtual Status PutStatements(const StatementWrite& write, std::string_view json,
                               std::vector<std::string>* ids) = 0;

  // PUT /statements?statementId=ID: one statement object whose id is absent
  // or equal to `id`. OK when stored, or when an equal statement already was.
  virtual Status PutStatement(const StatementWrite& write, std::string_view id,
                              std::string_view json) = 0;

  // Fetches one statement. NotFound when absent, and also when voided while
  // get.voided is false, or not voided while get.voided is true.
  virtual Status GetStatement(const StatementGet& get, std::string* json,
                              std::vector<AttachmentPayload>* attachments) = 0;

  // Runs a statement query; voided statements are never returned.
  virtual Status QueryStatements(const StatementQuery& query, StatementPage* page) = 0;

  // Continues a query from a StatementPage::more token.
  virtual Status More(std::string_view token, StatementPage* page) = 0;

  // Voids statement `target_id` by storing a voiding statement from `actor`
  // (Agent JSON). `id` receives the voiding statement's id.
  virtual Status VoidStatement(const StatementWrite& write, std::string_view target_id,
                               std::string_view actor, std::string* id) = 0;

  // ---- Documents (xAPI Communication 2.3, 2.6, 2.7) ----

  // Stores (replaces) a document. `out` (optional) receives the new ETag.
  virtual Status PutDocument(const DocumentKey& key, std::string_view content,
                             std::string_view content_type,
                             const DocumentPrecondition& pre, Document* out) = 0;

  // POST: merges a JSON object into an existing JSON object document (top-
  // level properties replaced), or stores it when absent. InvalidArgument
  // when either side is not a JSON object.
  virtual Status PostDocument(const DocumentKey& key, std::string_view content,
                              std::string_view content_type,
                              const DocumentPrecondition& pre, Document* out) = 0;

  virtual Status GetDocument(const DocumentKey& key, Document* out) = 0;

  // Deletes one document (key.id set) or, for state only, every state
  // document of (activity, agent, registration) when key.id is empty.
  virtual Status DeleteDocument(const DocumentKey& key, const DocumentPrecondition& pre) = 0;

  // The ids of the documents under query.key, optionally updated since.
  // `newest_ms` (optional) receives the newest `updated_ms` among the listed
  // documents, for a multiple-document Last-Modified (Communication 2.2.s6.b2);
  // 0 when none is listed.
  virtual Status ListDocuments(const DocumentListQuery& query, std::vector<std::string>* ids,
                               std::int64_t* newest_ms) = 0;
  Status ListDocuments(const DocumentListQuery& query, std::vector<std::string>* ids) {
    return ListDocuments(query, ids, nullptr);
  }

  // ---- Agents and activities (xAPI Communication 2.4, 2.5) ----

  // The Person object (JSON) combining what is known of `agent` (Agent JSON).
  virtual Status GetPerson(std::string_view agent, std::string* person_json) = 0;

  // The canonical Activity object (JSON) for `activity_id`, as merged from
  // the statements that mention it. NotFound when never seen.
  virtual Status GetActivity(std::string_view activity_id, std::string* activity_json) = 0;

  // ---- Erasure and retention ----

  // (Also reachable as Store::ErasureReport.)
  using ErasureReport = lrs::ErasureReport;

  // Erases everything the store holds about `agent` (Agent or identified Group JSON with one
  // inverse functional identifier): every statement in which it appears as actor, object,
  // instructor, team, a group member or context agent/group (not those where it is only the
  // authority), and statements whose object is a StatementRef to an erased one are kept (they
  // no longer resolve); its state documents and agent profiles; its Person record in the agents
  // table; the sync module's retry and dead-letter entries for those statements and the
  // connector state keyed by the agent's e-mail (remote ids such as "contact:<email>").
  // Leaves one audit record (no personal data: the SHA-256 of the agent's identity key,
  // the counts, the time). All in one durable transaction: OK means erased, durable.
  // InvalidArgument when `agent` is not a valid Agent/Group with an identifier.
  virtual Status EraseAgent(std::string_view agent, ErasureReport* report) = 0;

  // Retention: deletes every statement stored before request.before_ms (see
  // PurgeRequest), voided or not, as EraseAgent deletes statements (records,
  // indexes, attachment payloads only they use, their sync retry, dead-letter
  // and remote-id entries). Kept statements whose StatementRef targets a
  // purged statement are kept (they no longer resolve); a kept statement
  // voided by a purged one stays voided. Documents, agents, activities and
  // sync cursors are left alone. Works in commits of
  // request.batch_statements, oldest first, each atomic: after a crash the
  // store is consistent and holds the newer part, and running the purge
  // again finishes it. Statements stored after the call began are never
  // purged. One audit record per run, written with the first commit and
  // updated by each later one (no personal data). A dry run only reads.
  // `report` (optional) receives the counts, also when a later commit fails.
  // InvalidArgument when batch_statements is 0.
  virtual Status PurgeStatements(const PurgeRequest& request, PurgeReport* report) = 0;

  // The audit records (JSON objects, oldest first) written by EraseAgent,
  // PurgeStatements and other destructive operations:
  // {"id","op":"erase_agent","at":ISO-8601,"agent_sha256":"...","statements":N,
  //  "documents":N,"sync_records":N} and
  // {"id","op":"purge","at":ISO-8601,"before":ISO-8601,"statements":N,"sync_records":N}.
  virtual Status ListAudit(std::vector<std::string>* records) = 0;

  // ---- Reporting (docs/reporting.md) ----
  // Answers report `name` ("statements", "activity", "activities",
  // "progress", "objectives") with `params` (the HTTP query parameters of
  // GET /reports/<name>, e.g. {"activity","https://..."}, {"since",
  // "2026-11-01"}) as JSON in *json, from aggregates kept at write time.
  // InvalidArgument names a bad parameter; NotFound for an unknown report;
  // NotSupported when Options::aggregates is off.
  virtual Status Report(std::string_view name,
                        const std::vector<std::pair<std::string, std::string>>& params,
                        std::string* json) = 0;

  // ---- Monitoring ----
  virtual Status GetStats(StoreStats* stats) = 0;
};

}  // namespace lrs

#endif  // LRS_STORE_H_
