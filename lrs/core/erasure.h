// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Deleting statements, shared by EraseAgent (erasure.cc) and PurgeStatements
// (purge.cc): DeleteStatements() is the one routine that removes a set of
// statements and everything that exists only because of them
// (erasure_statements.cc). Beside it, the table-level steps that need no
// statement analysis (erasure_tables.cc): the index buffer's pending log,
// documents, the sync tables and the audit table. Everything here runs in
// the deleting commit's write transaction unless it says otherwise.

#ifndef LRS_CORE_ERASURE_H_
#define LRS_CORE_ERASURE_H_

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/core/terms.h"
#include "lrs/core/write_group.h"
#include "lrs/status.h"
#include "lrs/storage/env.h"
#include "lrs/store.h"

namespace lrs::core {

class StoreImpl;

namespace erasure {

// Read access through either kind of transaction.
struct AnyTxn {
  const storage::ReadTxn* r = nullptr;
  const storage::WriteTxn* w = nullptr;
  MDB_txn* txn() const { return r ? r->txn() : w->txn(); }
  MDB_dbi dbi(storage::Table t) const { return r ? r->dbi(t) : w->dbi(t); }
  Status Get(storage::Table t, std::string_view key, std::string_view* v) const {
    return r ? r->Get(t, key, v) : w->Get(t, key, v);
  }
};

// What deletion needs to know of one stored statement.
struct StmtInfo {
  std::string id;                 // 16 bytes
  bool voiding = false;
  std::string ref_target;         // 16 bytes when the object is a StatementRef
  std::vector<Term> terms;        // own index terms, authority included
  bool names_agent = false;       // see LoadStatement's agent_term
  std::vector<std::string> sha2;  // attachments (lowercase)
};

// Reads statement `seq`. With a non-empty `agent_term` (an AgentTerm),
// sets info->names_agent iff that agent is in the statement other than as
// its authority. NotFound when there is no such statement.
Status LoadStatement(StoreImpl* store, const AnyTxn& t, std::uint64_t seq,
                     std::string_view agent_term, StmtInfo* info);

// Calls fn(seq, sha2s) for each statement with from <= seq <= to that has
// attachments, with their lowercase sha2 values, in stored order, until fn
// returns false.
Status ForEachAttachmentUse(
    StoreImpl* store, const AnyTxn& t, std::uint64_t from, std::uint64_t to,
    const std::function<bool(std::uint64_t, const std::vector<std::string>&)>& fn);

// Decides which attachment payloads of deleted statements no statement
// uses any more. Which statements use a payload is not indexed: each caller
// searches before its commit, in its own thread, and searches in the commit
// only what that search could not see (see erasure.cc, purge.cc).
class AttachmentUse {
 public:
  virtual ~AttachmentUse() = default;
  // Appends to *unused each of `hashes` (stored payloads) that no statement
  // outside `gone` uses. Runs in the deleting transaction, before anything
  // is deleted.
  virtual Status Unused(const AnyTxn& t, const std::set<std::string>& hashes,
                        const std::set<std::uint64_t>& gone, std::vector<std::string>* unused) = 0;
};

// Work EraseAgent adds to DeleteStatements' passes over shared tables (so
// that they are not read twice). Purge uses none of it.
struct DeletionExtras {
  std::string_view catalog_key;  // a buffered catalog value (CatalogKey) dropped from `pending`
  std::string_view email;        // lowercase; sync_state keys ending ":" + email go too
};

// What DeleteStatements removed, and what PublishDeletion removes from the
// index buffer once the commit is durable.
struct DeletedStatements {
  std::uint64_t statements = 0;    // records deleted
  std::uint64_t attachments = 0;   // payloads deleted
  std::uint64_t sync_records = 0;  // sync_retry, sync_dlq, sync_state entries deleted
  std::set<std::uint64_t> seqs;    // the statements deleted
  std::vector<Posting> dropped;    // index postings removed (theirs and inherited ones)
  std::vector<std::pair<std::string, std::uint64_t>> ids;  // (id bytes, seq) deleted
};

// ---------------------------------------------------------------------------
// DeleteStatements: THE routine that deletes statements. EraseAgent and
// PurgeStatements both call it, and anything that keeps data derived from
// statements (e.g. aggregates) hooks in here, so that every way a statement
// can disappear updates it in the same transaction.
//
// Deletes the statements `seqs` (those already absent are skipped) and
// everything that exists only because of them, in `txn`:
//  - each one's `statements` record, `statement_ids` and `voided` entries,
//    its duplicates in `refs` and `voids`;
//  - every index posting it has (own terms and those inherited through its
//    StatementRef chain) in `index` and in the `pending` log (rewritten);
//  - the postings kept statements inherited through a deleted one (a kept
//    statement referring to a deleted one is kept; it no longer resolves);
//  - attachment payloads no remaining statement uses (asked of `use`);
//  - `sync_retry` and `sync_dlq` entries of the deleted statements, and
//    `sync_state` remote ids "...:<deleted statement id>";
//  - meta `seq_high_water`, so that sequences are never reused.
// Kept as they are: `voided` entries of kept statements voided by a
// deleted one (they stay voided); `refs` / `voids` entries keyed by a
// deleted id (they describe kept statements); `stored_time`, `terms`,
// authorities, dictionaries (see FORMAT.md, "Erasure and purge").
// REQUIRES: the write leader, in a commit group of its own
// (WriteOp::exclusive): MemIndex keeps stale entries until PublishDeletion.
// On error the transaction must be aborted (the op fails).
Status DeleteStatements(StoreImpl* store, GroupContext& ctx, storage::WriteTxn& txn,
                        const std::set<std::uint64_t>& seqs, AttachmentUse* use,
                        const DeletionExtras& extras, DeletedStatements* out);

// After the commit: removes `d`'s postings and ids (and extras.catalog_key)
// from the index buffer. Until then a query may meet a buffered posting of
// a deleted statement: readers skip postings whose record is gone.
void PublishDeletion(StoreImpl* store, const DeletedStatements& d, std::string_view catalog_key);
// ---------------------------------------------------------------------------

// Rewrites the `pending` entries (MemIndex::EncodePending layout) without
// the postings of statements in `gone`, the postings in `dropped`, and the
// buffered catalog value `catalog_key` (a CatalogKey; empty: none).
Status RewritePending(storage::WriteTxn& txn, const std::set<std::uint64_t>& gone,
                      const std::vector<Posting>& dropped, std::string_view catalog_key);

// Deletes the state documents (any activity, any registration) and agent
// profiles of the agent whose term id is `agent_term_id`; *count: how many.
Status DeleteDocuments(storage::WriteTxn& txn, std::uint64_t agent_term_id, std::uint64_t* count);

// Deletes the sync_retry entries of the statements in `gone` (seqs), the
// sync_dlq entries of `gone` or of `gone_ids` (16-byte statement ids), and
// the sync_state entries whose key ends with ":" + email (when `email`, in
// lowercase, is not empty) or ":" + the id of a statement in `gone_ids`,
// compared case-insensitively; *count: how many.
Status DeleteSyncEntries(storage::WriteTxn& txn, const std::set<std::uint64_t>& gone,
                         const std::set<std::string>& gone_ids, std::string_view email,
                         std::uint64_t* count);

// Writes the audit record `record` (a JSON object, no personal data) under
// *key, or, when *key is 0, under a new key after the newest record (then
// *key receives it): a purge updates its record after each batch.
Status PutAuditRecord(storage::WriteTxn& txn, std::string_view record, std::uint64_t* key);

// Appends an "erase_agent" audit record with `report`'s counts, the
// SHA-256 of `identity_key` and `now_ms`; sets report->audit_id.
Status AppendAuditRecord(storage::WriteTxn& txn, std::string_view identity_key,
                         std::int64_t now_ms, ErasureReport* report);

}  // namespace erasure
}  // namespace lrs::core

#endif  // LRS_CORE_ERASURE_H_
