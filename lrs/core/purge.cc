// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// PurgeStatements (retention): deletes the statements stored before a time.
//
// Stored times never decrease along the stored order (CommitGroup stamps a
// group with max(now, the last stored time)), so the statements stored
// before a time are a prefix of the `statements` table: a purge deletes the
// oldest statements, in batches, each one a PurgeBatchOp alone in its
// commit group (WriteOp::exclusive) that
//  - takes the first `batch_statements` records stored before the bound
//    (and no later than the newest statement when the purge began, so that
//    a bound in the future cannot chase new writes),
//  - deletes them through erasure::DeleteStatements, the routine EraseAgent
//    uses (records, indexes, the index buffer, attachments only they use,
//    sync retry / DLQ / remote-id entries),
//  - drops the `stored_time` entries older than the oldest remaining
//    statement (they bound nothing any more), except the newest entry, which
//    the writer relies on (CommitGroup's time_index_written),
//  - writes the run's audit record (the first batch) or updates it.
// A crash between batches leaves a store holding a suffix of what it held:
// consistent, and a second run deletes the rest.
//
// Attachment payloads: which statements use a payload is not indexed.
// Before the batches, PurgeAttachments::Prepare searches (in the caller's
// thread, on a snapshot) the statements to purge for stored payloads and
// the statements after them for other uses; a batch then deletes a payload
// when neither a later statement to purge nor a kept one uses it. Memory is
// bounded: a round tracks at most purge_round_hashes_ distinct payloads;
// past that the batches stop at the round's end and a new round searches
// again. A store without stored payloads skips all of this.

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lrs/common/coding.h"
#include "lrs/common/time.h"
#include "lrs/common/uuid.h"
#include "lrs/core/erasure.h"
#include "lrs/core/store_impl.h"
#include "lrs/json/json.h"

namespace lrs {

Status ParsePurgeBefore(std::string_view text, std::int64_t* before_ms) {
  static const char* kRule =
      "before: must be an ISO 8601 date (2024-01-31, meaning 00:00:00Z) or a timestamp with a "
      "time zone (2024-01-31T12:00:00Z, 2024-01-31T14:00:00+02:00)";
  auto is_date = [](std::string_view t) {
    if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
    for (std::size_t i = 0; i < t.size(); ++i)
      if (i != 4 && i != 7 && (t[i] < '0' || t[i] > '9')) return false;
    return true;
  };
  ParsedTime t;
  if (is_date(text)) {
    if (!ParseIso8601(std::string(text) + "T00:00:00Z", &t)) return Status::InvalidArgument(kRule);
  } else if (!ParseIso8601(text, &t) || !t.has_offset) {
    return Status::InvalidArgument(kRule);
  }
  // stored_ms * 1000 < micros  <=>  stored_ms < ceil(micros / 1000).
  std::int64_t ms = t.micros / 1000;
  if (t.micros % 1000 > 0) ++ms;
  *before_ms = ms;
  return Status::OK();
}

namespace core {
namespace {

using erasure::AnyTxn;
using storage::Table;

bool IgnoreNotFound(const Status& s) { return s.ok() || s.IsNotFound(); }

// The attachment use of one round of a purge (see the file comment).
class PurgeAttachments final : public erasure::AttachmentUse {
 public:
  PurgeAttachments(StoreImpl* store, std::size_t cap)
      : store_(store), cap_(std::max<std::size_t>(cap, 1)) {}

  // Starts the round at statement `from`: searches the statements from
  // `from` to `limit` stored before `before_ms` for stored payloads, up to
  // cap_ distinct ones (the round then ends at the statement reaching it),
  // and every statement after the round for other uses of them. *round_end:
  // the last statement the round may purge.
  Status Prepare(std::uint64_t from, std::int64_t before_ms, std::uint64_t limit,
                 std::uint64_t* round_end) {
    round_.clear();
    *round_end = limit;
    storage::ReadTxn rtxn;
    LRS_RETURN_IF_ERROR(store_->env()->BeginRead(&rtxn));
    const AnyTxn t{&rtxn, nullptr};
    MDB_stat st;
    LRS_RETURN_IF_ERROR(storage::FromMdb(
        mdb_stat(rtxn.txn(), rtxn.dbi(Table::kAttachments), &st), "mdb_stat(attachments)"));
    std::uint64_t last = 0;
    LRS_RETURN_IF_ERROR(storage::LastFixed64Key(rtxn.txn(), rtxn.dbi(Table::kStatements), &last));
    scanned_upto_ = last;
    if (st.ms_entries == 0) return Status::OK();  // no payloads: nothing to track

    // The statements to purge: from `from` while stored before the bound.
    std::uint64_t first = 0, end = 0;
    {
      storage::Cursor c;
      LRS_RETURN_IF_ERROR(c.Open(rtxn.txn(), rtxn.dbi(Table::kStatements)));
      const std::string start = Fixed64BE(from);
      MDB_val k = storage::Val(start), v;
      Status s = c.Get(&k, &v, MDB_SET_RANGE);
      for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
        const std::uint64_t seq = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
        storage::RecordHeader h;
        std::string_view body;
        LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(v), &h, &body));
        if (seq > limit || h.stored_ms >= before_ms) break;
        if (first == 0) first = seq;
        end = seq;
      }
      if (!IgnoreNotFound(s)) return s;
    }
    if (first == 0) return Status::OK();
    // Their stored payloads, until the cap.
    bool capped = false;
    LRS_RETURN_IF_ERROR(erasure::ForEachAttachmentUse(
        store_, t, first, end, [&](std::uint64_t seq, const std::vector<std::string>& sha2s) {
          for (const auto& h : sha2s) {
            std::string_view v;
            if (rtxn.Get(Table::kAttachments, h, &v).ok()) round_[h].last_purged = seq;
          }
          if (round_.size() < cap_) return true;
          capped = true;
          end = seq;
          return false;
        }));
    if (capped) *round_end = end;
    if (round_.empty()) return Status::OK();
    // Uses after the round: kept statements, or ones a later round purges.
    return erasure::ForEachAttachmentUse(
        store_, t, end + 1, last, [&](std::uint64_t seq, const std::vector<std::string>& sha2s) {
          for (const auto& h : sha2s) {
            auto it = round_.find(h);
            if (it != round_.end() && it->second.later == 0) it->second.later = seq;
          }
          return true;
        });
  }

  Status Unused(const AnyTxn& t, const std::set<std::string>& hashes,
                const std::set<std::uint64_t>& gone, std::vector<std::string>* unused) override {
    const std::uint64_t max_gone = gone.empty() ? 0 : *gone.rbegin();
    auto exists = [&](std::uint64_t seq, bool* yes) {
      std::string_view rec;
      Status s = t.Get(Table::kStatements, Fixed64BE(seq), &rec);
      *yes = s.ok();
      return IgnoreNotFound(s) ? Status::OK() : s;
    };
    std::set<std::string> recent, fresh;
    for (const auto& h : hashes) {
      auto it = round_.find(h);
      if (it == round_.end()) {
        fresh.insert(h);  // not seen by Prepare: search everything
        continue;
      }
      // A use found by Prepare keeps the payload while it exists; if it was
      // erased meanwhile, search everything.
      const std::uint64_t user = it->second.later != 0 ? it->second.later
                                 : it->second.last_purged > max_gone ? it->second.last_purged
                                                                     : 0;
      if (user == 0) {
        recent.insert(h);  // unused up to scanned_upto_
        continue;
      }
      bool yes;
      LRS_RETURN_IF_ERROR(exists(user, &yes));
      if (!yes) fresh.insert(h);
    }
    std::set<std::string> used;
    if (!recent.empty()) {
      LRS_RETURN_IF_ERROR(erasure::ForEachAttachmentUse(
          store_, t, scanned_upto_ + 1, std::numeric_limits<std::uint64_t>::max(),
          [&](std::uint64_t, const std::vector<std::string>& sha2s) {
            for (const auto& h : sha2s)
              if (recent.count(h)) used.insert(h);
            return true;
          }));
    }
    if (!fresh.empty()) {
      LRS_RETURN_IF_ERROR(erasure::ForEachAttachmentUse(
          store_, t, 1, std::numeric_limits<std::uint64_t>::max(),
          [&](std::uint64_t seq, const std::vector<std::string>& sha2s) {
            if (gone.count(seq)) return true;
            for (const auto& h : sha2s)
              if (fresh.count(h)) used.insert(h);
            return true;
          }));
    }
    for (const auto& h : hashes)
      if ((recent.count(h) || fresh.count(h)) && !used.count(h)) unused->push_back(h);
    return Status::OK();
  }

 private:
  struct Use {
    std::uint64_t last_purged = 0;  // the newest statement of the round using it
    std::uint64_t later = 0;        // the first statement after the round using it; 0: none
  };

  StoreImpl* const store_;
  const std::size_t cap_;
  std::map<std::string, Use> round_;
  std::uint64_t scanned_upto_ = 0;  // statements after this were not searched
};

// What the batches of one run share: the audit record and running totals.
struct PurgeRun {
  std::int64_t before_ms = 0;
  std::int64_t at_ms = 0;
  std::string audit_id;
  std::uint64_t audit_key = 0;  // 0 until the first batch commits
  std::uint64_t statements = 0, sync_records = 0;
};

class PurgeBatchOp final : public WriteOp {
 public:
  PurgeBatchOp(StoreImpl* store, std::size_t batch, std::uint64_t upto,
               erasure::AttachmentUse* use, PurgeRun* run)
      : store_(store), batch_(batch), upto_(upto), use_(use), run_(run) {
    exclusive = true;  // MemIndex holds stale entries until Committed()
    bytes = 1024;
  }

  Status Apply(GroupContext& ctx, storage::WriteTxn& txn) override;
  void Committed() override;

  const erasure::DeletedStatements& deleted() const { return deleted_; }
  bool more() const { return more_; }  // statements to purge remain up to `upto`
  std::uint64_t record_bytes() const { return bytes_; }
  std::int64_t oldest_ms() const { return oldest_ms_; }
  std::int64_t newest_ms() const { return newest_ms_; }

 private:
  Status Select(storage::WriteTxn& txn, std::set<std::uint64_t>* seqs);
  Status DropTimeBoundaries(storage::WriteTxn& txn);
  Status WriteAudit(storage::WriteTxn& txn);

  StoreImpl* const store_;
  const std::size_t batch_;
  const std::uint64_t upto_;
  erasure::AttachmentUse* const use_;
  PurgeRun* const run_;
  // Results, reset by each Apply.
  erasure::DeletedStatements deleted_;
  bool more_ = false;
  std::uint64_t bytes_ = 0;
  std::int64_t oldest_ms_ = 0, newest_ms_ = 0;
  std::uint64_t audit_key_ = 0;
};

// The first batch_ statements stored before the bound, up to upto_.
Status PurgeBatchOp::Select(storage::WriteTxn& txn, std::set<std::uint64_t>* seqs) {
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
  MDB_val k, v;
  Status s = c.Get(&k, &v, MDB_FIRST);
  for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
    const std::uint64_t seq = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
    storage::RecordHeader h;
    std::string_view body;
    LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(v), &h, &body));
    if (seq > upto_ || h.stored_ms >= run_->before_ms) break;
    if (seqs->size() == batch_) {
      more_ = true;
      break;
    }
    seqs->insert(seq);
    bytes_ += v.mv_size;
    if (oldest_ms_ == 0) oldest_ms_ = h.stored_ms;
    newest_ms_ = h.stored_ms;
  }
  return IgnoreNotFound(s) ? Status::OK() : s;
}

// `stored_time` entries older than the oldest remaining statement bound
// nothing; the newest entry stays (the writer does not write an entry for
// a millisecond it believes it wrote).
Status PurgeBatchOp::DropTimeBoundaries(storage::WriteTxn& txn) {
  std::uint64_t first_kept = std::numeric_limits<std::uint64_t>::max();
  {
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
    MDB_val k, v;
    Status s = c.Get(&k, &v, MDB_FIRST);
    if (s.ok()) {
      storage::RecordHeader h;
      std::string_view body;
      LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(v), &h, &body));
      first_kept = static_cast<std::uint64_t>(std::max<std::int64_t>(h.stored_ms, 0));
    } else if (!s.IsNotFound()) {
      return s;
    }
  }
  std::vector<std::string> keys;
  {
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStoredTime)));
    MDB_val k, v;
    Status s = c.Get(&k, &v, MDB_LAST);
    if (s.IsNotFound()) return Status::OK();
    LRS_RETURN_IF_ERROR(s);
    const std::string newest(storage::View(k));
    for (s = c.Get(&k, &v, MDB_FIRST); s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
      const std::string_view key = storage::View(k);
      if (key == newest || key.size() != 8 || DecodeFixed64BE(key.data()) >= first_kept) break;
      keys.emplace_back(key);
    }
    if (!IgnoreNotFound(s)) return s;
  }  // the cursor closes before the writes
  for (const auto& key : keys) LRS_RETURN_IF_ERROR(txn.Del(Table::kStoredTime, key));
  return Status::OK();
}

Status PurgeBatchOp::WriteAudit(storage::WriteTxn& txn) {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  d.AddMember("id", json::StringValue(run_->audit_id, a), a);
  d.AddMember("op", "purge", a);
  d.AddMember("at", json::StringValue(FormatIso8601Millis(run_->at_ms * 1000), a), a);
  d.AddMember("before", json::StringValue(FormatIso8601Millis(run_->before_ms * 1000), a), a);
  d.AddMember("statements", run_->statements + deleted_.statements, a);
  d.AddMember("sync_records", run_->sync_records + deleted_.sync_records, a);
  audit_key_ = run_->audit_key;
  return erasure::PutAuditRecord(txn, json::Write(d), &audit_key_);
}

Status PurgeBatchOp::Apply(GroupContext& ctx, storage::WriteTxn& txn) {
  more_ = false;  // Apply runs again from scratch when the group retries
  bytes_ = 0;
  oldest_ms_ = newest_ms_ = 0;
  std::set<std::uint64_t> seqs;
  LRS_RETURN_IF_ERROR(Select(txn, &seqs));
  LRS_RETURN_IF_ERROR(erasure::DeleteStatements(store_, ctx, txn, seqs, use_,
                                                erasure::DeletionExtras(), &deleted_));
  LRS_RETURN_IF_ERROR(DropTimeBoundaries(txn));
  return WriteAudit(txn);
}

void PurgeBatchOp::Committed() {
  erasure::PublishDeletion(store_, deleted_, {});
  run_->audit_key = audit_key_;
  run_->statements += deleted_.statements;
  run_->sync_records += deleted_.sync_records;
}

}  // namespace

Status StoreImpl::PurgeStatements(const PurgeRequest& request, PurgeReport* report) {
  PurgeReport r;
  r.dry_run = request.dry_run;
  r.before_ms = request.before_ms;
  if (report) *report = r;
  if (request.batch_statements == 0)
    return Status::InvalidArgument("batch_statements: must be at least 1");
  const std::uint64_t limit = LastSequence();  // never what is stored from now on

  if (request.dry_run) {
    storage::ReadTxn txn;
    LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
    MDB_val k, v;
    Status s = c.Get(&k, &v, MDB_FIRST);
    for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
      storage::RecordHeader h;
      std::string_view body;
      LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(v), &h, &body));
      if (DecodeFixed64BE(static_cast<const char*>(k.mv_data)) > limit ||
          h.stored_ms >= request.before_ms)
        break;
      if (r.statements++ == 0) r.oldest_ms = h.stored_ms;
      r.newest_ms = h.stored_ms;
      r.bytes += v.mv_size;
    }
    if (!IgnoreNotFound(s)) return s;
    if (report) *report = r;
    return Status::OK();
  }

  PurgeAttachments use(this, purge_round_hashes_);
  PurgeRun run;
  run.before_ms = request.before_ms;
  run.at_ms = NowMs();
  run.audit_id = Uuid::Random().ToString();
  Status s;
  for (std::uint64_t from = 1;;) {
    std::uint64_t round_end;
    s = use.Prepare(from, request.before_ms, limit, &round_end);
    for (bool more = s.ok(); more;) {
      PurgeBatchOp op(this, request.batch_statements, round_end, &use, &run);
      s = Write(&op);
      if (!s.ok()) break;
      const auto& d = op.deleted();
      if (d.sync_records > 0) erasure_epoch_.fetch_add(1);  // the relay reloads its queues
      if (r.statements == 0) r.oldest_ms = op.oldest_ms();
      if (d.statements > 0) r.newest_ms = op.newest_ms();
      r.statements += d.statements;
      r.bytes += op.record_bytes();
      r.attachments += d.attachments;
      r.sync_records += d.sync_records;
      ++r.batches;
      more = op.more();
    }
    if (!s.ok() || round_end >= limit) break;
    from = round_end + 1;
  }
  if (run.audit_key != 0) r.audit_id = run.audit_id;
  if (report) *report = r;
  return s;
}

}  // namespace core
}  // namespace lrs
