// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// StoreImpl: the implementation of lrs::Store over storage::Env. Statement
// writing lives in statements.cc, reading in statement_read.cc, queries in
// query.cc, documents in documents.cc, agents/activities in
// activities_agents.cc, erasure (EraseAgent, the audit table) in erasure*.cc,
// retention (PurgeStatements) in purge.cc;
// this file's .cc holds open/close and group commit.

#ifndef LRS_CORE_STORE_IMPL_H_
#define LRS_CORE_STORE_IMPL_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <thread>

#include "lrs/clock.h"
#include "lrs/core/mem_index.h"
#include "lrs/core/write_group.h"
#include "lrs/json/json.h"
#include "lrs/storage/env.h"
#include "lrs/storage/record.h"
#include "lrs/store.h"

namespace lrs::core {

// Index kinds: the first byte of an index key (FORMAT.md).
enum IndexKind : char {
  kIdxVerb = 'v',
  kIdxActivity = 'a',         // object is this activity
  kIdxRelatedActivity = 'A',  // object, context activities, substatement
  kIdxAgent = 'g',            // actor or object (and group members)
  kIdxRelatedAgent = 'G',     // + authority, instructor, team, context agents
  kIdxRegistration = 'r',
};

// The on-disk format this code writes; checked at open.
constexpr int kFormatVersion = 1;

class StoreImpl final : public Store {
 public:
  StoreImpl(const Options& options, std::unique_ptr<storage::Env> env);
  ~StoreImpl() override;

  Status Init();  // loads counters and dictionaries; REQUIRES: called once after construction

  // lrs::Store
  Status PutStatements(const StatementWrite& write, std::string_view json,
                       std::vector<std::string>* ids) override;
  Status PutStatement(const StatementWrite& write, std::string_view id,
                      std::string_view json) override;
  Status GetStatement(const StatementGet& get, std::string* json,
                      std::vector<AttachmentPayload>* attachments) override;
  Status QueryStatements(const StatementQuery& query, StatementPage* page) override;
  Status More(std::string_view token, StatementPage* page) override;
  Status VoidStatement(const StatementWrite& write, std::string_view target_id,
                       std::string_view actor, std::string* id) override;
  Status PutDocument(const DocumentKey& key, std::string_view content,
                     std::string_view content_type, const DocumentPrecondition& pre,
                     Document* out) override;
  Status PostDocument(const DocumentKey& key, std::string_view content,
                      std::string_view content_type, const DocumentPrecondition& pre,
                      Document* out) override;
  Status GetDocument(const DocumentKey& key, Document* out) override;
  Status DeleteDocument(const DocumentKey& key, const DocumentPrecondition& pre) override;
  Status ListDocuments(const DocumentListQuery& query, std::vector<std::string>* ids,
                       std::int64_t* newest_ms) override;
  using Store::ListDocuments;  // the two-argument form
  Status GetPerson(std::string_view agent, std::string* person_json) override;
  Status GetActivity(std::string_view activity_id, std::string* activity_json) override;
  Status EraseAgent(std::string_view agent, ErasureReport* report) override;
  Status PurgeStatements(const PurgeRequest& request, PurgeReport* report) override;
  Status ListAudit(std::vector<std::string>* records) override;
  Status Report(std::string_view name,
                const std::vector<std::pair<std::string, std::string>>& params,
                std::string* json) override;  // reports.cc
  Status GetStats(StoreStats* stats) override;

  // ---- Internal API (also used by tests and tools) ----

  // Runs `op` in a group commit. Returns the op's status, or the commit's.
  Status Write(WriteOp* op);

  // ---- Sync module support (lrs/sync; implemented in sync_support.cc) ----
  // The stored-order sequence is the sync outbox: a statement and its
  // outbox position commit in one transaction.
  struct OutboxEntry {
    std::uint64_t seq = 0;
    std::string json;  // exact format, with id, stored, authority, version
    // Payloads of attachments without fileUrl (when asked for).
    std::vector<AttachmentPayload> attachments;
  };
  // Up to `max` statements with seq > after, in stored order (voided ones
  // included: they were stored).
  Status ReadOutbox(std::uint64_t after, std::size_t max, bool with_attachments,
                    std::vector<OutboxEntry>* out);
  std::uint64_t LastSequence() const { return last_seq_committed_.load(); }
  // Reads of the sync tables (kSync*). SyncGet: NotFound when absent.
  // SyncScan: up to `max` entries with keys >= from that start with prefix.
  Status SyncGet(storage::Table t, std::string_view key, std::string* value);
  Status SyncScan(storage::Table t, std::string_view prefix, std::string_view from,
                  std::size_t max, std::vector<std::pair<std::string, std::string>>* out);
  // One change to a sync table: a put, or (value unset) a delete.
  struct SyncMutation {
    storage::Table table;
    std::string key;
    std::optional<std::string> value;
  };
  // Applies the mutations in one durable commit (group-committed).
  Status SyncWrite(std::vector<SyncMutation> mutations);
  // Called after every commit that stored statements, by the committing
  // thread: it must be quick (e.g. notify a condition variable). One
  // listener; nullptr removes it.
  void SetCommitListener(std::function<void()> listener);
  // Counts committed erasures (EraseAgent) and purge commits
  // (PurgeStatements): the sync relay reloads its in-memory retry and
  // dead-letter state when it changes.
  std::uint64_t ErasureEpoch() const { return erasure_epoch_.load(); }
  // Tests: how many distinct attachment payloads one purge round tracks
  // before it searches the rest of the store (purge.cc).
  void TEST_SetPurgeRoundHashes(std::size_t n) { purge_round_hashes_ = n; }

  storage::Env* env() { return env_.get(); }
  const Options& options() const { return options_; }
  const storage::RecordCodec& codec() const { return codec_; }
  std::int64_t NowMs() { return clock_->NowMicros() / 1000; }

  // Term interning. The storage key of a term string (long strings hashed).
  static std::string TermKey(std::string_view term);
  // A term's id from the index buffer or the cache. REQUIRES: mem().mu()
  // held, or the write leader.
  bool FindCachedTerm(std::string_view term, std::uint64_t* id);
  // A term's id from the terms table (then cached); NotFound when absent.
  Status FindStoredTerm(MDB_txn* txn, std::string_view term, std::uint64_t* id);
  // Read side: OK and *id, or NotFound when the term was never stored.
  Status LookupTerm(const storage::ReadTxn& txn, std::string_view term, std::uint64_t* id);
  // Write side: finds or allocates the id of `term`.
  Status InternTerm(GroupContext& ctx, storage::WriteTxn& txn, std::string_view term,
                    std::uint64_t* id);
  // The sequence of statement `id_bytes`: in this group (ctx, may be null),
  // in the index buffer, or in LMDB. NotFound when absent.
  // REQUIRES: mem().mu() held when called outside the write leader.
  Status FindSeq(const GroupContext* ctx, MDB_txn* txn, std::string_view id_bytes,
                 std::uint64_t* seq);
  MemIndex& mem() { return mem_; }

  // The activities and agents tables go through the write buffer too (they
  // are keyed randomly). Get: this group's value (ctx may be null), the
  // buffered one, or LMDB's; NotFound when none. REQUIRES: mem().mu() held
  // when called outside the write leader. Put: buffered in the group.
  Status CatalogGet(const GroupContext* ctx, MDB_txn* txn, storage::Table table,
                    std::string_view key, std::string* value);
  void CatalogPut(GroupContext& ctx, storage::Table table, std::string_view key,
                  std::string value);

  // Authority JSON by id (read side, cached).
  Status AuthorityJson(const storage::ReadTxn* rtxn, const storage::WriteTxn* wtxn,
                       std::uint64_t id, std::string* json);
  // The authority id under which statements with authority `json` (an Agent
  // or Group) are stored, and (when it has one) an index key ('G' kind +
  // term id) every such statement is posted under. NotFound when no
  // statement ever had this authority; InvalidArgument when malformed.
  Status ResolveAuthority(const storage::ReadTxn& txn, std::string_view json, std::uint64_t* id,
                          std::string* index_key);

  // Renders a stored statement record as JSON in `format` (exact when
  // languages are unused). Works in a read or a write transaction.
  Status RenderRecord(const storage::ReadTxn* rtxn, const storage::WriteTxn* wtxn,
                      std::string_view record, StatementFormat format,
                      const std::vector<std::string>& languages, std::string* json);

  // True when `hash` (of an activity definition or agent name) was merged
  // in a committed group already.
  bool Seen(std::uint64_t hash);
  // Forgets every such hash (after an erasure removed a Person, so that the
  // next statement naming the agent records its name again). Any thread.
  void ForgetSeen();

  // Merges what `stmt` says about activities (definitions) and agents
  // (names) into the activities and agents tables.
  Status UpdateActivitiesAndAgents(GroupContext& ctx, storage::WriteTxn& txn,
                                   const json::Value& stmt);
  // True when `stmt` carries an activity definition or agent name not yet
  // merged (then UpdateActivitiesAndAgents has work to do). Any thread.
  bool ActivitiesOrAgentsChanged(const json::Value& stmt);
  template <typename U>
  Status WalkActivitiesAndAgents(U* u, const json::Value& stmt);

  // Term ids of a contribution to the aggregates (interned when new).
  // REQUIRES: leader.
  Status ResolveAggTerms(GroupContext& ctx, storage::WriteTxn& txn, const agg::Contribution& c,
                         agg::ResolvedTerms* out);
  // Takes the statement `record` (about to be deleted, or voided) out of
  // the aggregates unless it is voided (`voided`) or voiding. REQUIRES:
  // leader; Options::aggregates.
  Status SubtractFromAggregates(GroupContext& ctx, storage::WriteTxn& txn,
                                std::string_view record, bool voided);

  // Resolves the ids of terms already stored (in any thread, before the
  // commit); terms not found are left for the leader to intern.
  Status ResolveTerms(const std::vector<std::pair<char, std::string>>& terms,
                      std::vector<std::uint64_t>* keys,
                      std::vector<std::pair<char, std::string>>* unresolved);

  // Appends the stored payloads of `stmt_json`'s attachments not yet in *seen.
  Status CollectAttachments(const storage::ReadTxn& txn, std::string_view stmt_json,
                            std::unordered_set<std::string>* seen,
                            std::vector<AttachmentPayload>* out);

  // Trains and installs a compression dictionary from stored statements
  // when the store has grown enough since the last one. Cheap to call.
  void MaybeTrainDictionary();

 private:
  std::atomic<std::uint64_t> erasure_epoch_{0};  // see ErasureEpoch
  std::size_t purge_round_hashes_ = 100000;     // see TEST_SetPurgeRoundHashes
  struct Writer {
    WriteOp* op;
    Status status;
    bool done = false;
    std::condition_variable cv;
  };

  Status CommitGroup(std::vector<Writer*>& group);
  // Applies the ops whose op_status is OK in `txn`. If one fails, records
  // its status, sets *redo and stops: the transaction must be aborted and
  // the group applied again without it.
  Status ApplyGroup(std::vector<Writer*>& group, storage::WriteTxn& txn, GroupContext& ctx,
                    std::vector<Status>* op_status, bool* redo);
  // Runs `fn` in a write transaction and commits it; when LMDB finds the map
  // full, grows the map and runs `fn` again from scratch. REQUIRES: leader.
  Status RunWriteTxn(const std::function<Status(storage::WriteTxn&)>& fn);
  // Merges the index buffer into the LMDB indexes. REQUIRES: leader.
  Status FlushIndexBuffer();
  // Merges the pending aggregates (agg_pending_) into their tables, alone;
  // FlushIndexBuffer does it too. REQUIRES: leader.
  Status FlushAggregates();
  bool BeginAggFlush();
  Status MoveAggregates(storage::WriteTxn& txn);
  void EndAggFlush(bool committed);
  // Pending aggregate entries that trigger FlushAggregates.
  static constexpr std::size_t kAggPendingEntries = 32768;
  Status RebuildIndexBuffer();
  // Brings the aggregates in line with Options::aggregates at open: builds
  // them from every statement when they are wanted and incomplete; marks
  // them incomplete when they are not wanted (aggregates.cc, reports.cc).
  Status PrepareAggregates();

 public:
  // Deletes 'N' marker `marker` from the pending aggregate records (an
  // erased agent's name). REQUIRES: leader.
  Status UnmarkPendingAgg(storage::WriteTxn& txn, const std::string& marker);
  // For reports (reports.cc). The generation to read the aggregates at:
  // waits out a running flush. Take it before opening the read transaction.
  std::uint64_t AggGeneration() const;
  // The pending deltas with keys in [from, to] (learner cells, or cells and
  // markers), values encoded as stored, in key order (a deleted 'N' marker
  // has an empty value); false (and nothing) when a flush started since
  // generation `gen`: the read must start over.
  bool PendingAgg(std::uint64_t gen, bool learners, const std::string& from, const std::string& to,
                  std::vector<std::pair<std::string, std::string>>* out) const;

 private:

  const Options options_;
  Clock* const clock_;
  std::unique_ptr<storage::Env> env_;
  storage::RecordCodec codec_;

  std::mutex listener_mu_;
  std::function<void()> commit_listener_;  // GUARDED_BY(listener_mu_)

  // Group commit queue.
  std::mutex mu_;
  std::deque<Writer*> writers_;  // GUARDED_BY(mu_)

  MemIndex mem_;

  // Aggregate deltas committed (each commit's in one agg_pending record,
  // written sequentially) but not yet merged into the agg and agg_learners
  // tables: FlushIndexBuffer merges them there in key order, touching each
  // page once, where merging per commit would rewrite a dozen scattered
  // pages per statement. Reports overlay them on the tables (reports.cc).
  // agg_gen_ is a sequence lock: odd while a flush moves them.
  mutable std::shared_mutex agg_mu_;
  agg::Deltas agg_pending_;             // GUARDED_BY(agg_mu_)
  std::uint64_t agg_gen_ = 0;           // GUARDED_BY(agg_mu_)
  std::uint64_t agg_pending_next_ = 1;  // next agg_pending key; leader only

  // Committed counters; written by the leader only.
  std::uint64_t next_seq_ = 1;
  std::atomic<std::int64_t> last_stored_ms_{0};
  std::uint64_t next_term_id_ = 1;
  std::int64_t last_time_index_ms_ = -1;
  std::atomic<std::uint64_t> last_seq_committed_{0};

  // Caches of immutable facts (term ids, authorities); filled after commit.
  std::shared_mutex cache_mu_;
  StringMap<std::uint64_t> term_cache_;
  std::unordered_map<std::uint64_t, std::string> authority_cache_;
  std::unordered_set<std::uint64_t> seen_;  // see GroupContext::seen_hashes

  // Dictionary training state.
  std::atomic<bool> training_{false};
  std::thread trainer_;
  std::mutex train_mu_;
  std::atomic<std::uint64_t> next_dict_at_{0};  // statement count that triggers training

  std::atomic<std::uint64_t> commits_{0};
  std::atomic<std::uint64_t> grouped_writes_{0};
};

}  // namespace lrs::core

#endif  // LRS_CORE_STORE_IMPL_H_
