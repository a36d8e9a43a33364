// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// DeleteStatements (see erasure.h): the one routine by which statements
// leave a store, for EraseAgent and PurgeStatements alike.
//
// Order of work: everything is read before anything is deleted.
//  1. Load each statement; find the kept statements whose StatementRef
//     chain passes through a deleted one (the `refs` table, breadth-first,
//     as PutStatementsOp::PropagateToReferrers).
//  2. The postings to drop: every term of each deleted statement (own and
//     inherited through its chain), and the terms a kept referrer inherited
//     through a deleted one (its chain terms with and without the deleted
//     statements, compared).
//  3. The attachment payloads no remaining statement uses (AttachmentUse).
//  4. Delete: records, ids, voided/refs/voids entries, postings in `index`
//     (NotFound there: still buffered) and in `pending`, payloads, sync
//     entries, and raise `seq_high_water`.

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <mutex>
#include <shared_mutex>

#include "lrs/common/coding.h"
#include "lrs/common/uuid.h"
#include "lrs/core/erasure.h"
#include "lrs/core/store_impl.h"

namespace lrs::core::erasure {
namespace {

using storage::Table;

constexpr std::string_view kMetaSeqHighWater = "seq_high_water";  // read by Init()
constexpr int kMaxRefDepth = 16;  // as the writer's StatementRef propagation
const json::Limits kStoredJson{1u << 30, 1 << 10};

bool IgnoreNotFound(const Status& s) { return s.ok() || s.IsNotFound(); }

std::string Lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

// The lowercase sha2 of each attachment of a statement (JSON object).
void AttachmentHashes(const json::Value& stmt, std::vector<std::string>* out) {
  const json::Value* atts = json::Member(stmt, "attachments");
  if (!atts || !atts->IsArray()) return;
  for (const auto& a : atts->GetArray()) {
    std::string sha2 = Lower(json::StringOr(a, "sha2"));
    if (!sha2.empty()) out->push_back(std::move(sha2));
  }
}

// One run of DeleteStatements.
class Deletion {
 public:
  Deletion(StoreImpl* store, storage::WriteTxn& txn, DeletedStatements* out)
      : store_(store), txn_(txn), t_{nullptr, &txn}, out_(out) {}

  Status Run(GroupContext& ctx, const std::set<std::uint64_t>& seqs, AttachmentUse* use,
             const DeletionExtras& extras);

 private:
  Status TermId(std::string_view term, std::uint64_t* id, bool* found);
  Status ChainTerms(const StmtInfo& first, const std::set<std::uint64_t>& gone,
                    std::vector<Term>* out);
  Status FindReferrers(const std::map<std::uint64_t, StmtInfo>& erase,
                       std::map<std::uint64_t, StmtInfo>* referrers);
  Status AddPostings(const std::vector<Term>& terms, std::uint64_t seq);
  Status DeleteOne(std::uint64_t seq, const StmtInfo& info);

  StoreImpl* const store_;
  storage::WriteTxn& txn_;
  const AnyTxn t_;
  DeletedStatements* const out_;
};

Status Deletion::TermId(std::string_view term, std::uint64_t* id, bool* found) {
  *found = store_->FindCachedTerm(term, id);  // the leader may read the index buffer
  if (*found) return Status::OK();
  Status s = store_->FindStoredTerm(t_.txn(), term, id);
  *found = s.ok();
  return IgnoreNotFound(s) ? Status::OK() : s;
}

// The statement's index terms with those inherited through its StatementRef
// chain (as PutStatementsOp::StoredTerms), statements in `gone` being absent.
Status Deletion::ChainTerms(const StmtInfo& first, const std::set<std::uint64_t>& gone,
                            std::vector<Term>* out) {
  out->assign(first.terms.begin(), first.terms.end());
  std::string target = first.ref_target;
  for (int depth = 0; depth < kMaxRefDepth && !target.empty(); ++depth) {
    std::uint64_t seq;
    Status s = store_->FindSeq(nullptr, t_.txn(), target, &seq);
    if (s.IsNotFound() || (s.ok() && gone.count(seq))) break;
    LRS_RETURN_IF_ERROR(s);
    StmtInfo next;
    s = LoadStatement(store_, t_, seq, {}, &next);
    if (s.IsNotFound()) break;
    LRS_RETURN_IF_ERROR(s);
    out->insert(out->end(), next.terms.begin(), next.terms.end());
    target = std::move(next.ref_target);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return Status::OK();
}

// Kept statements whose StatementRef chain reaches a deleted one.
Status Deletion::FindReferrers(const std::map<std::uint64_t, StmtInfo>& erase,
                               std::map<std::uint64_t, StmtInfo>* referrers) {
  std::vector<std::string> frontier;
  std::set<std::uint64_t> visited;
  for (const auto& [seq, info] : erase) {
    frontier.push_back(info.id);
    visited.insert(seq);
  }
  for (int depth = 0; depth < kMaxRefDepth && !frontier.empty(); ++depth) {
    std::vector<std::string> next;
    for (const auto& target : frontier) {
      std::vector<std::uint64_t> seqs;
      {
        storage::Cursor c;
        LRS_RETURN_IF_ERROR(c.Open(t_.txn(), t_.dbi(Table::kRefs)));
        MDB_val k = storage::Val(target), v;
        Status s = c.Get(&k, &v, MDB_SET_KEY);
        for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT_DUP))
          seqs.push_back(DecodeFixed64BE(static_cast<const char*>(v.mv_data)));
        if (!IgnoreNotFound(s)) return s;
      }
      for (std::uint64_t r : seqs) {
        if (!visited.insert(r).second) continue;
        StmtInfo info;
        Status s = LoadStatement(store_, t_, r, {}, &info);
        if (s.IsNotFound()) continue;
        LRS_RETURN_IF_ERROR(s);
        next.push_back(info.id);
        referrers->emplace(r, std::move(info));
      }
    }
    frontier = std::move(next);
  }
  return Status::OK();
}

Status Deletion::AddPostings(const std::vector<Term>& terms, std::uint64_t seq) {
  for (const Term& term : terms) {
    std::uint64_t id;
    bool found;
    LRS_RETURN_IF_ERROR(TermId(term.second, &id, &found));
    if (found) out_->dropped.push_back(Posting{PostingKey(term.first, id), seq});
  }
  return Status::OK();
}

Status Deletion::DeleteOne(std::uint64_t seq, const StmtInfo& info) {
  const std::string seq_key = Fixed64BE(seq);
  LRS_RETURN_IF_ERROR(txn_.Del(Table::kStatements, seq_key));
  // The id, and whether it is voided, may still be in the index buffer only.
  if (Status s = txn_.Del(Table::kStatementIds, info.id); !IgnoreNotFound(s)) return s;
  if (Status s = txn_.Del(Table::kVoided, seq_key); !IgnoreNotFound(s)) return s;
  // Kept: refs/voids entries naming this id (they describe the kept
  // statements referring to it), and `voided` entries of statements this one
  // voided (they stay voided).
  if (!info.ref_target.empty()) {
    const std::string_view dup(seq_key);
    if (Status s = txn_.Del(Table::kRefs, info.ref_target, &dup); !IgnoreNotFound(s)) return s;
    if (info.voiding) {
      if (Status s = txn_.Del(Table::kVoids, info.ref_target, &dup); !IgnoreNotFound(s)) return s;
    }
  }
  out_->ids.emplace_back(info.id, seq);
  return Status::OK();
}

Status Deletion::Run(GroupContext& ctx, const std::set<std::uint64_t>& seqs, AttachmentUse* use,
                     const DeletionExtras& extras) {
  // 1. Read.
  std::map<std::uint64_t, StmtInfo> erase;
  std::set<std::string> gone_ids;
  for (std::uint64_t seq : seqs) {
    StmtInfo info;
    Status s = LoadStatement(store_, t_, seq, {}, &info);
    if (s.IsNotFound()) continue;
    LRS_RETURN_IF_ERROR(s);
    out_->seqs.insert(seq);
    gone_ids.insert(info.id);
    erase.emplace(seq, std::move(info));
  }
  const std::set<std::uint64_t>& gone = out_->seqs;
  std::map<std::uint64_t, StmtInfo> referrers;
  LRS_RETURN_IF_ERROR(FindReferrers(erase, &referrers));

  // 2. Postings.
  std::vector<Term> terms, after, lost;
  for (const auto& [seq, info] : erase) {
    LRS_RETURN_IF_ERROR(ChainTerms(info, {}, &terms));
    LRS_RETURN_IF_ERROR(AddPostings(terms, seq));
  }
  for (const auto& [seq, info] : referrers) {
    LRS_RETURN_IF_ERROR(ChainTerms(info, {}, &terms));
    LRS_RETURN_IF_ERROR(ChainTerms(info, gone, &after));
    lost.clear();
    std::set_difference(terms.begin(), terms.end(), after.begin(), after.end(),
                        std::back_inserter(lost));
    LRS_RETURN_IF_ERROR(AddPostings(lost, seq));
  }

  // 3. Attachment payloads.
  std::set<std::string> stored_hashes;
  for (const auto& [seq, info] : erase) {
    for (const auto& sha2 : info.sha2) {
      std::string_view v;
      Status s = t_.Get(Table::kAttachments, sha2, &v);
      if (!IgnoreNotFound(s)) return s;
      if (s.ok()) stored_hashes.insert(sha2);
    }
  }
  std::vector<std::string> unused;
  if (!stored_hashes.empty()) {
    if (use == nullptr)
      return Status::Internal("DeleteStatements: attachments but no AttachmentUse");
    LRS_RETURN_IF_ERROR(use->Unused(t_, stored_hashes, gone, &unused));
  }

  // 4. Aggregates (aggregates.h): what the statements added goes, in this
  // transaction (voided ones were taken out when they were voided).
  if (store_->options().aggregates) {
    for (const auto& [seq, info] : erase) {
      const std::string seq_key = Fixed64BE(seq);
      std::string_view rec, unused_v;
      LRS_RETURN_IF_ERROR(txn_.Get(Table::kStatements, seq_key, &rec));
      Status vs = txn_.Get(Table::kVoided, seq_key, &unused_v);
      if (!vs.ok() && !vs.IsNotFound()) return vs;
      LRS_RETURN_IF_ERROR(store_->SubtractFromAggregates(ctx, txn_, rec, vs.ok()));
    }
  }

  // 5. Delete.
  for (const auto& [seq, info] : erase) LRS_RETURN_IF_ERROR(DeleteOne(seq, info));
  char buf[8];
  for (const Posting& p : out_->dropped) {
    EncodeFixed64BE(buf, p.seq);
    const std::string_view dup(buf, 8);
    Status s = txn_.Del(Table::kIndex, IndexKeyBytes(p.key), &dup);
    if (!IgnoreNotFound(s)) return s;  // NotFound: still in the index buffer
  }
  if (!erase.empty() || !extras.catalog_key.empty())
    LRS_RETURN_IF_ERROR(RewritePending(txn_, gone, out_->dropped, extras.catalog_key));
  for (const auto& sha2 : unused) LRS_RETURN_IF_ERROR(txn_.Del(Table::kAttachments, sha2));
  out_->attachments = unused.size();
  if (!erase.empty() || !extras.email.empty())
    LRS_RETURN_IF_ERROR(DeleteSyncEntries(txn_, gone, gone_ids, extras.email, &out_->sync_records));
  if (!erase.empty()) {
    // Never reuse a sequence, even the newest one deleted here (Init()).
    LRS_RETURN_IF_ERROR(txn_.Put(Table::kMeta, kMetaSeqHighWater, Fixed64BE(ctx.next_seq - 1)));
  }
  out_->statements = erase.size();
  return Status::OK();
}

}  // namespace

Status LoadStatement(StoreImpl* store, const AnyTxn& t, std::uint64_t seq,
                     std::string_view agent_term, StmtInfo* info) {
  *info = StmtInfo();
  std::string_view rec;
  LRS_RETURN_IF_ERROR(t.Get(Table::kStatements, Fixed64BE(seq), &rec));
  storage::RecordHeader h;
  std::string_view body;
  LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(rec, &h, &body));
  info->id.assign(reinterpret_cast<const char*>(h.id.data()), h.id.size());
  info->voiding = h.voiding;
  std::string text;
  LRS_RETURN_IF_ERROR(store->RenderRecord(t.r, t.w, rec, StatementFormat::kExact, {}, &text));
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(text, &d, kStoredJson));
  ExtractTerms(d, json::Member(d, "authority"), &info->terms);
  if (!agent_term.empty()) {
    std::vector<Term> own;
    ExtractTerms(d, nullptr, &own);  // sorted
    info->names_agent =
        std::binary_search(own.begin(), own.end(), Term(kIdxRelatedAgent, std::string(agent_term)));
  }
  const json::Value* obj = json::Member(d, "object");
  Uuid target;
  if (obj && json::StringOr(*obj, "objectType") == "StatementRef" &&
      Uuid::Parse(json::StringOr(*obj, "id"), &target))
    info->ref_target.assign(target.AsBytes());
  AttachmentHashes(d, &info->sha2);
  return Status::OK();
}

Status ForEachAttachmentUse(
    StoreImpl* store, const AnyTxn& t, std::uint64_t from, std::uint64_t to,
    const std::function<bool(std::uint64_t, const std::vector<std::string>&)>& fn) {
  if (from > to) return Status::OK();
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(t.txn(), t.dbi(Table::kStatements)));
  const std::string start = Fixed64BE(from);
  MDB_val k = storage::Val(start), v;
  std::string body;
  std::vector<std::string> found;
  Status s = c.Get(&k, &v, MDB_SET_RANGE);
  for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
    const std::uint64_t seq = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
    if (seq > to) break;
    storage::RecordHeader h;
    std::string_view comp;
    LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(v), &h, &comp));
    LRS_RETURN_IF_ERROR(store->codec().DecodeBody(h, comp, &body));
    if (body.find("\"attachments\"") == std::string::npos) continue;
    json::Document d;
    LRS_RETURN_IF_ERROR(json::Parse(body, &d, kStoredJson));
    found.clear();
    AttachmentHashes(d, &found);
    if (!found.empty() && !fn(seq, found)) break;
  }
  return IgnoreNotFound(s) ? Status::OK() : s;
}

Status DeleteStatements(StoreImpl* store, GroupContext& ctx, storage::WriteTxn& txn,
                        const std::set<std::uint64_t>& seqs, AttachmentUse* use,
                        const DeletionExtras& extras, DeletedStatements* out) {
  *out = DeletedStatements();  // Apply may run again from scratch
  Deletion d(store, txn, out);
  return d.Run(ctx, seqs, use, extras);
}

void PublishDeletion(StoreImpl* store, const DeletedStatements& d, std::string_view catalog_key) {
  std::unique_lock<std::shared_mutex> l(store->mem().mu());
  MemIndex& mem = store->mem();
  for (const Posting& p : d.dropped) mem.RemovePosting(p.key, p.seq);
  for (const auto& [id, seq] : d.ids) mem.RemoveId(id, seq);
  if (!catalog_key.empty()) mem.RemoveCatalog(catalog_key);
}

}  // namespace lrs::core::erasure
