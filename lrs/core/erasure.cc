// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// EraseAgent (the right to erasure).
//
// One EraseAgentOp runs alone in its commit group (WriteOp::exclusive) and
// does everything in that group's transaction:
//  - Candidates: the related-agent postings ('G') of the agent's term, in
//    LMDB and in the index buffer. A candidate is erased when the agent is in
//    its own terms other than as authority (actor, object, members,
//    instructor, team, context agents and groups, SubStatement).
//  - The erased statements go through erasure::DeleteStatements
//    (erasure_statements.cc), the routine PurgeStatements uses too: records,
//    ids, voided/refs/voids entries, postings (own and inherited ones, and
//    those kept referrers inherited through them) in `index`, `pending` and,
//    after the commit, MemIndex; attachments only they use; their sync retry
//    and DLQ entries and remote ids. `stored_time` is left as it is: an entry
//    is a sequence boundary, still exact when the statement it names is
//    gone, because sequences are never reused (meta seq_high_water). A kept
//    statement voided by an erased one stays voided.
//  - Attachments: which statements use a payload is not indexed. Prescan()
//    searches every statement in the caller's thread for the payloads of the
//    statements to erase; the commit only searches those stored since.
//  - State documents and agent profiles of the agent's term; its Person
//    (agents table, buffered catalog, pending log); connector state keyed
//    "...:<e-mail>".
//  - One audit record, without personal data.

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "lrs/common/coding.h"
#include "lrs/core/erasure.h"
#include "lrs/core/store_impl.h"
#include "lrs/core/terms.h"
#include "lrs/validate/validator.h"

namespace lrs::core {
namespace {

using erasure::AnyTxn;
using erasure::StmtInfo;
using storage::Table;

std::string Lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool IgnoreNotFound(const Status& s) { return s.ok() || s.IsNotFound(); }

// Attachment use as found by Prescan: for each payload of the statements to
// erase, every statement (up to scanned_upto) using it.
class ErasePrescan final : public erasure::AttachmentUse {
 public:
  explicit ErasePrescan(StoreImpl* store) : store_(store) {}

  // Searches statements 1..last (in `t`, a snapshot) for `hashes`.
  Status Scan(const AnyTxn& t, std::set<std::string> hashes) {
    if (hashes.empty()) return Status::OK();
    std::uint64_t last;
    LRS_RETURN_IF_ERROR(storage::LastFixed64Key(t.txn(), t.dbi(Table::kStatements), &last));
    if (last == 0) return Status::OK();  // no statements
    LRS_RETURN_IF_ERROR(Uses(t, 1, last, hashes, &uses_));
    scanned_upto_ = last;
    prescanned_ = std::move(hashes);
    return Status::OK();
  }

  Status Unused(const AnyTxn& t, const std::set<std::string>& hashes,
                const std::set<std::uint64_t>& gone, std::vector<std::string>* unused) override {
    std::set<std::string> fresh, known;
    std::map<std::string, std::vector<std::uint64_t>> uses;
    for (const auto& h : hashes) {
      if (!prescanned_.count(h)) {
        fresh.insert(h);  // a statement stored after Prescan: search everything
      } else {
        known.insert(h);
        uses[h] = uses_[h];
      }
    }
    LRS_RETURN_IF_ERROR(Uses(t, 1, UINT64_MAX, fresh, &uses));
    LRS_RETURN_IF_ERROR(Uses(t, scanned_upto_ + 1, UINT64_MAX, known, &uses));
    for (const auto& h : hashes) {
      bool kept = false;
      for (std::uint64_t seq : uses[h]) {
        if (gone.count(seq)) continue;
        std::string_view rec;
        Status s = t.Get(Table::kStatements, Fixed64BE(seq), &rec);  // erased meanwhile?
        if (!IgnoreNotFound(s)) return s;
        if (s.ok()) {
          kept = true;
          break;
        }
      }
      if (!kept) unused->push_back(h);
    }
    return Status::OK();
  }

 private:
  // Appends to (*uses)[h] every statement with from <= seq <= to using h.
  Status Uses(const AnyTxn& t, std::uint64_t from, std::uint64_t to,
              const std::set<std::string>& hashes,
              std::map<std::string, std::vector<std::uint64_t>>* uses) {
    if (hashes.empty()) return Status::OK();
    return erasure::ForEachAttachmentUse(
        store_, t, from, to, [&](std::uint64_t seq, const std::vector<std::string>& sha2s) {
          for (const auto& h : sha2s)
            if (hashes.count(h)) (*uses)[h].push_back(seq);
          return true;
        });
  }

  StoreImpl* const store_;
  std::uint64_t scanned_upto_ = 0;  // statements after this were not searched
  std::set<std::string> prescanned_;
  std::map<std::string, std::vector<std::uint64_t>> uses_;
};

class EraseAgentOp final : public WriteOp {
 public:
  // `term`: AgentTerm of the agent; `email`: its lowercase mbox address
  // without "mailto:" (empty when it has none).
  EraseAgentOp(StoreImpl* store, std::string term, std::string email)
      : store_(store), term_(std::move(term)), email_(std::move(email)),
        person_key_(CatalogKey(Table::kAgents, StoreImpl::TermKey(term_))), attachments_(store) {
    exclusive = true;  // MemIndex holds stale entries until Committed()
    bytes = 1024;
  }

  // Runs in the caller's thread before Write(): finds the stored attachment
  // payloads of the statements to erase and the statements using them.
  Status Prescan();
  Status Apply(GroupContext& ctx, storage::WriteTxn& txn) override;
  void Committed() override;
  const ErasureReport& report() const { return report_; }

 private:
  // REQUIRES: mem().mu() held, or the write leader (they read the buffer).
  Status TermId(const AnyTxn& t, std::string_view term, std::uint64_t* id, bool* found);
  Status Candidates(const AnyTxn& t, std::vector<std::uint64_t>* seqs);
  // The candidates naming the agent other than as authority.
  Status ToErase(const AnyTxn& t, std::map<std::uint64_t, StmtInfo>* erase);

  StoreImpl* const store_;
  const std::string term_;
  const std::string email_;
  const std::string person_key_;  // CatalogKey of the agent's Person
  ErasePrescan attachments_;
  erasure::DeletedStatements deleted_;  // reset by each Apply
  ErasureReport report_;
};

Status EraseAgentOp::TermId(const AnyTxn& t, std::string_view term, std::uint64_t* id,
                            bool* found) {
  *found = store_->FindCachedTerm(term, id);
  if (*found) return Status::OK();
  Status s = store_->FindStoredTerm(t.txn(), term, id);
  *found = s.ok();
  return IgnoreNotFound(s) ? Status::OK() : s;
}

Status EraseAgentOp::Candidates(const AnyTxn& t, std::vector<std::uint64_t>* seqs) {
  seqs->clear();
  std::uint64_t tid;
  bool found;
  LRS_RETURN_IF_ERROR(TermId(t, term_, &tid, &found));
  if (!found) return Status::OK();
  const std::uint64_t key = PostingKey(kIdxRelatedAgent, tid);
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(t.txn(), t.dbi(Table::kIndex)));
  const std::string kb = IndexKeyBytes(key);
  MDB_val k = storage::Val(kb), v;
  Status s = c.Get(&k, &v, MDB_SET_KEY);
  for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT_DUP))
    seqs->push_back(DecodeFixed64BE(static_cast<const char*>(v.mv_data)));
  if (!IgnoreNotFound(s)) return s;
  if (const auto* mem = store_->mem().Postings(key)) seqs->insert(seqs->end(), mem->begin(), mem->end());
  std::sort(seqs->begin(), seqs->end());
  seqs->erase(std::unique(seqs->begin(), seqs->end()), seqs->end());
  return Status::OK();
}

Status EraseAgentOp::ToErase(const AnyTxn& t, std::map<std::uint64_t, StmtInfo>* erase) {
  std::vector<std::uint64_t> seqs;
  LRS_RETURN_IF_ERROR(Candidates(t, &seqs));
  for (std::uint64_t seq : seqs) {
    StmtInfo info;
    Status s = erasure::LoadStatement(store_, t, seq, term_, &info);
    if (s.IsNotFound()) continue;
    LRS_RETURN_IF_ERROR(s);
    if (info.names_agent) erase->emplace(seq, std::move(info));  // not only the authority
  }
  return Status::OK();
}

Status EraseAgentOp::Prescan() {
  std::set<std::string> hashes;
  std::shared_lock<std::shared_mutex> mem_lock(store_->mem().mu());
  storage::ReadTxn rtxn;
  LRS_RETURN_IF_ERROR(store_->env()->BeginRead(&rtxn));
  const AnyTxn t{&rtxn, nullptr};
  std::map<std::uint64_t, StmtInfo> erase;
  LRS_RETURN_IF_ERROR(ToErase(t, &erase));
  for (auto& [seq, info] : erase) {
    for (auto& sha2 : info.sha2) {
      std::string_view v;
      if (rtxn.Get(Table::kAttachments, sha2, &v).ok()) hashes.insert(std::move(sha2));
    }
  }
  mem_lock.unlock();  // the search below needs only the snapshot
  return attachments_.Scan(t, std::move(hashes));
}

Status EraseAgentOp::Apply(GroupContext& ctx, storage::WriteTxn& txn) {
  report_ = ErasureReport();  // Apply runs again from scratch when the group retries
  const AnyTxn t{nullptr, &txn};
  std::map<std::uint64_t, StmtInfo> erase;
  LRS_RETURN_IF_ERROR(ToErase(t, &erase));
  std::set<std::uint64_t> seqs;
  for (const auto& [seq, info] : erase) seqs.insert(seq);
  erasure::DeletionExtras extras;
  extras.catalog_key = person_key_;
  extras.email = email_;
  LRS_RETURN_IF_ERROR(
      erasure::DeleteStatements(store_, ctx, txn, seqs, &attachments_, extras, &deleted_));
  Status s = txn.Del(Table::kAgents, StoreImpl::TermKey(term_));
  if (!IgnoreNotFound(s)) return s;
  std::uint64_t tid;
  bool found;
  LRS_RETURN_IF_ERROR(TermId(t, term_, &tid, &found));
  if (found) LRS_RETURN_IF_ERROR(erasure::DeleteDocuments(txn, tid, &report_.documents));
  if (found) {
    // The aggregates' name of the agent (aggregates.h 'N' marker), in the
    // table and in the deltas not merged yet: its counts went with its
    // statements above.
    std::string name_key(1, 'N');
    PutFixed64BE(&name_key, tid);
    s = txn.Del(Table::kAgg, name_key);
    if (!IgnoreNotFound(s)) return s;
    if (store_->options().aggregates) {
      LRS_RETURN_IF_ERROR(store_->UnmarkPendingAgg(txn, name_key));
      ctx.agg.unmarks.insert(std::move(name_key));
    }
  }
  report_.statements = deleted_.statements;
  report_.sync_records = deleted_.sync_records;
  // The identity key without the term's kind letter (e.g. "mbox:mailto:...").
  return erasure::AppendAuditRecord(txn, std::string_view(term_).substr(1), store_->NowMs(),
                                    &report_);
}

void EraseAgentOp::Committed() {
  erasure::PublishDeletion(store_, deleted_, person_key_);
  store_->ForgetSeen();
}

}  // namespace

void StoreImpl::ForgetSeen() {
  std::unique_lock<std::shared_mutex> l(cache_mu_);
  seen_.clear();
}

Status StoreImpl::EraseAgent(std::string_view agent, ErasureReport* report) {
  json::Document a;
  LRS_RETURN_IF_ERROR(json::Parse(agent, &a, json::Limits{1u << 16, 8}).WithPrefix("agent: "));
  LRS_RETURN_IF_ERROR(validate::ValidateAgentParam(a, XapiVersion::k2_0_0, true, "agent"));
  std::string term;
  if (!AgentTerm(a, &term))
    return Status::InvalidArgument(
        "agent: must have an inverse functional identifier (mbox, mbox_sha1sum, openid or "
        "account); an anonymous Group is not one learner");
  std::string email;
  if (const json::Value* mbox = json::Member(a, "mbox"); mbox && mbox->IsString()) {
    email = Lower(json::View(*mbox));
    if (email.compare(0, 7, "mailto:") == 0) email.erase(0, 7);
  }
  EraseAgentOp op(this, std::move(term), std::move(email));
  LRS_RETURN_IF_ERROR(op.Prescan());
  LRS_RETURN_IF_ERROR(Write(&op));
  erasure_epoch_.fetch_add(1);
  if (report) *report = op.report();
  return Status::OK();
}

}  // namespace lrs::core
