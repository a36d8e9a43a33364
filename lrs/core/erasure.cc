// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// EraseAgent (the right to erasure) and the audit table.
//
// One EraseAgentOp runs alone in its commit group (WriteOp::exclusive) and
// does everything in that group's transaction:
//  - Candidates: the related-agent postings ('G') of the agent's term, in
//    LMDB and in the index buffer. A candidate is erased when the agent is in
//    its own terms other than as authority (actor, object, members,
//    instructor, team, context agents and groups, SubStatement).
//  - Per erased statement: its record, statement id, `voided` entry, its
//    `refs` / `voids` duplicates, and every index posting it has (own terms
//    and those inherited through its StatementRef chain) in `index`, in the
//    `pending` log and, after the commit, in MemIndex. Kept statements whose
//    StatementRef chain passes through an erased one lose the postings they
//    inherited through it (they no longer resolve). `stored_time` is left as
//    it is: an entry is a sequence boundary, still exact when the statement
//    it names is gone, because sequences are never reused (meta
//    seq_high_water). A kept statement voided by an erased one stays voided.
//  - Attachments only erased statements use. Which statements use a payload
//    is not indexed: Prescan() searches the statements in the caller's
//    thread, and the commit only searches those stored since.
//  - State documents and agent profiles of the agent's term; its Person
//    (agents table, buffered catalog, pending log); sync retry and DLQ
//    entries of erased statements; connector state keyed "...:<e-mail>" or
//    "...:<erased statement id>".
//  - One audit record, without personal data.
// Between the commit and Committed() (which cleans MemIndex) a query may
// meet a buffered posting of an erased statement: readers skip postings
// whose record is gone (query.cc).

#include <algorithm>
#include <cctype>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "lrs/common/coding.h"
#include "lrs/common/uuid.h"
#include "lrs/core/erasure.h"
#include "lrs/core/store_impl.h"
#include "lrs/core/terms.h"
#include "lrs/validate/validator.h"

namespace lrs::core {
namespace {

using storage::Table;

constexpr std::string_view kMetaSeqHighWater = "seq_high_water";  // read by Init()
constexpr int kMaxRefDepth = 16;  // as the writer's StatementRef propagation
const json::Limits kStoredJson{1u << 30, 1 << 10};

// Read access through either kind of transaction.
struct Txn {
  const storage::ReadTxn* r = nullptr;
  const storage::WriteTxn* w = nullptr;
  MDB_txn* txn() const { return r ? r->txn() : w->txn(); }
  MDB_dbi dbi(Table t) const { return r ? r->dbi(t) : w->dbi(t); }
  Status Get(Table t, std::string_view key, std::string_view* v) const {
    return r ? r->Get(t, key, v) : w->Get(t, key, v);
  }
};

std::string Lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

bool IgnoreNotFound(const Status& s) { return s.ok() || s.IsNotFound(); }

// The lowercase sha2 of each attachment of a statement (JSON object).
void AttachmentHashes(const json::Value& stmt, std::vector<std::string>* out) {
  const json::Value* atts = json::Member(stmt, "attachments");
  if (!atts || !atts->IsArray()) return;
  for (const auto& a : atts->GetArray()) {
    std::string sha2 = Lower(json::StringOr(a, "sha2"));
    if (!sha2.empty()) out->push_back(std::move(sha2));
  }
}

// What erasure needs to know of one stored statement.
struct StmtInfo {
  std::string id;                 // 16 bytes
  bool voiding = false;
  std::string ref_target;         // 16 bytes when the object is a StatementRef
  std::vector<Term> terms;        // own index terms, authority included
  bool names_agent = false;       // the agent is in it other than as authority
  std::vector<std::string> sha2;  // attachments
};

class EraseAgentOp final : public WriteOp {
 public:
  // `term`: AgentTerm of the agent; `email`: its lowercase mbox address
  // without "mailto:" (empty when it has none).
  EraseAgentOp(StoreImpl* store, std::string term, std::string email)
      : store_(store), term_(std::move(term)), email_(std::move(email)),
        person_key_(CatalogKey(Table::kAgents, StoreImpl::TermKey(term_))) {
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
  // REQUIRES (those reading the index buffer: all but ScanAttachmentUse and
  // DeleteStatement): mem().mu() held, or the write leader.
  Status TermId(const Txn& t, std::string_view term, std::uint64_t* id, bool* found);
  Status Candidates(const Txn& t, std::vector<std::uint64_t>* seqs);
  Status Load(const Txn& t, std::uint64_t seq, StmtInfo* info);
  Status ChainTerms(const Txn& t, const StmtInfo& first, const std::set<std::uint64_t>& gone,
                    std::vector<Term>* out);
  Status FindReferrers(const Txn& t, const std::map<std::uint64_t, StmtInfo>& erase,
                       std::map<std::uint64_t, StmtInfo>* referrers);
  Status AddPostings(const Txn& t, const std::vector<Term>& terms, std::uint64_t seq);
  Status ScanAttachmentUse(const Txn& t, std::uint64_t from, const std::set<std::string>& hashes,
                           std::map<std::string, std::vector<std::uint64_t>>* uses);
  Status UnusedAttachments(const Txn& t, const std::map<std::uint64_t, StmtInfo>& erase,
                           const std::set<std::uint64_t>& gone, std::vector<std::string>* out);
  Status DeleteStatement(storage::WriteTxn& txn, std::uint64_t seq, const StmtInfo& info);

  StoreImpl* const store_;
  const std::string term_;
  const std::string email_;
  const std::string person_key_;  // CatalogKey of the agent's Person
  // Prescan results.
  std::uint64_t scanned_upto_ = 0;  // statements after this were not searched
  std::set<std::string> prescanned_;
  std::map<std::string, std::vector<std::uint64_t>> prescan_uses_;
  // Apply results (reset by each Apply).
  std::vector<Posting> drop_;  // postings removed
  std::vector<std::pair<std::string, std::uint64_t>> erased_ids_;
  ErasureReport report_;
};

Status EraseAgentOp::TermId(const Txn& t, std::string_view term, std::uint64_t* id, bool* found) {
  *found = store_->FindCachedTerm(term, id);
  if (*found) return Status::OK();
  Status s = store_->FindStoredTerm(t.txn(), term, id);
  *found = s.ok();
  return IgnoreNotFound(s) ? Status::OK() : s;
}

Status EraseAgentOp::Candidates(const Txn& t, std::vector<std::uint64_t>* seqs) {
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

Status EraseAgentOp::Load(const Txn& t, std::uint64_t seq, StmtInfo* info) {
  *info = StmtInfo();
  std::string_view rec;
  LRS_RETURN_IF_ERROR(t.Get(Table::kStatements, Fixed64BE(seq), &rec));
  storage::RecordHeader h;
  std::string_view body;
  LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(rec, &h, &body));
  info->id.assign(reinterpret_cast<const char*>(h.id.data()), h.id.size());
  info->voiding = h.voiding;
  std::string text;
  LRS_RETURN_IF_ERROR(store_->RenderRecord(t.r, t.w, rec, StatementFormat::kExact, {}, &text));
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(text, &d, kStoredJson));
  ExtractTerms(d, json::Member(d, "authority"), &info->terms);
  std::vector<Term> own;
  ExtractTerms(d, nullptr, &own);  // sorted
  info->names_agent = std::binary_search(own.begin(), own.end(), Term(kIdxRelatedAgent, term_));
  const json::Value* obj = json::Member(d, "object");
  Uuid target;
  if (obj && json::StringOr(*obj, "objectType") == "StatementRef" &&
      Uuid::Parse(json::StringOr(*obj, "id"), &target))
    info->ref_target.assign(target.AsBytes());
  AttachmentHashes(d, &info->sha2);
  return Status::OK();
}

// The statement's index terms with those inherited through its StatementRef
// chain (as PutStatementsOp::StoredTerms), statements in `gone` being absent.
Status EraseAgentOp::ChainTerms(const Txn& t, const StmtInfo& first,
                                const std::set<std::uint64_t>& gone, std::vector<Term>* out) {
  out->assign(first.terms.begin(), first.terms.end());
  std::string target = first.ref_target;
  for (int depth = 0; depth < kMaxRefDepth && !target.empty(); ++depth) {
    std::uint64_t seq;
    Status s = store_->FindSeq(nullptr, t.txn(), target, &seq);
    if (s.IsNotFound() || (s.ok() && gone.count(seq))) break;
    LRS_RETURN_IF_ERROR(s);
    StmtInfo next;
    s = Load(t, seq, &next);
    if (s.IsNotFound()) break;
    LRS_RETURN_IF_ERROR(s);
    out->insert(out->end(), next.terms.begin(), next.terms.end());
    target = std::move(next.ref_target);
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
  return Status::OK();
}

// Kept statements whose StatementRef chain reaches an erased one (the
// `refs` table, breadth-first, as PutStatementsOp::PropagateToReferrers).
Status EraseAgentOp::FindReferrers(const Txn& t, const std::map<std::uint64_t, StmtInfo>& erase,
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
        LRS_RETURN_IF_ERROR(c.Open(t.txn(), t.dbi(Table::kRefs)));
        MDB_val k = storage::Val(target), v;
        Status s = c.Get(&k, &v, MDB_SET_KEY);
        for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT_DUP))
          seqs.push_back(DecodeFixed64BE(static_cast<const char*>(v.mv_data)));
        if (!IgnoreNotFound(s)) return s;
      }
      for (std::uint64_t r : seqs) {
        if (!visited.insert(r).second) continue;
        StmtInfo info;
        Status s = Load(t, r, &info);
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

Status EraseAgentOp::AddPostings(const Txn& t, const std::vector<Term>& terms, std::uint64_t seq) {
  for (const Term& term : terms) {
    std::uint64_t id;
    bool found;
    LRS_RETURN_IF_ERROR(TermId(t, term.second, &id, &found));
    if (found) drop_.push_back(Posting{PostingKey(term.first, id), seq});
  }
  return Status::OK();
}

// Appends to (*uses)[h] every statement with seq >= from whose attachments
// include h, for h in `hashes`.
Status EraseAgentOp::ScanAttachmentUse(const Txn& t, std::uint64_t from,
                                       const std::set<std::string>& hashes,
                                       std::map<std::string, std::vector<std::uint64_t>>* uses) {
  if (hashes.empty()) return Status::OK();
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(t.txn(), t.dbi(Table::kStatements)));
  const std::string start = Fixed64BE(from);
  MDB_val k = storage::Val(start), v;
  std::string body;
  std::vector<std::string> found;
  Status s = c.Get(&k, &v, MDB_SET_RANGE);
  for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
    storage::RecordHeader h;
    std::string_view comp;
    LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(v), &h, &comp));
    LRS_RETURN_IF_ERROR(store_->codec().DecodeBody(h, comp, &body));
    if (body.find("\"attachments\"") == std::string::npos) continue;
    json::Document d;
    LRS_RETURN_IF_ERROR(json::Parse(body, &d, kStoredJson));
    found.clear();
    AttachmentHashes(d, &found);
    for (const auto& sha2 : found) {
      if (hashes.count(sha2))
        (*uses)[sha2].push_back(DecodeFixed64BE(static_cast<const char*>(k.mv_data)));
    }
  }
  return IgnoreNotFound(s) ? Status::OK() : s;
}

Status EraseAgentOp::Prescan() {
  std::set<std::string> hashes;
  std::shared_lock<std::shared_mutex> mem_lock(store_->mem().mu());
  storage::ReadTxn rtxn;
  LRS_RETURN_IF_ERROR(store_->env()->BeginRead(&rtxn));
  const Txn t{&rtxn, nullptr};
  std::vector<std::uint64_t> seqs;
  LRS_RETURN_IF_ERROR(Candidates(t, &seqs));
  for (std::uint64_t seq : seqs) {
    StmtInfo info;
    Status s = Load(t, seq, &info);
    if (s.IsNotFound()) continue;
    LRS_RETURN_IF_ERROR(s);
    if (!info.names_agent) continue;
    for (auto& sha2 : info.sha2) {
      std::string_view v;
      if (rtxn.Get(Table::kAttachments, sha2, &v).ok()) hashes.insert(std::move(sha2));
    }
  }
  mem_lock.unlock();  // the search below needs only the snapshot
  if (hashes.empty()) return Status::OK();
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(rtxn.txn(), rtxn.dbi(Table::kStatements)));
  MDB_val k, v;
  Status s = c.Get(&k, &v, MDB_LAST);
  if (!s.ok()) return IgnoreNotFound(s) ? Status::OK() : s;
  LRS_RETURN_IF_ERROR(ScanAttachmentUse(t, 1, hashes, &prescan_uses_));
  scanned_upto_ = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
  prescanned_ = std::move(hashes);
  return Status::OK();
}

// The stored payloads that only erased statements use.
Status EraseAgentOp::UnusedAttachments(const Txn& t, const std::map<std::uint64_t, StmtInfo>& erase,
                                       const std::set<std::uint64_t>& gone,
                                       std::vector<std::string>* out) {
  std::set<std::string> used, fresh, known;
  for (const auto& [seq, info] : erase) {
    for (const auto& sha2 : info.sha2) {
      std::string_view v;
      Status s = t.Get(Table::kAttachments, sha2, &v);
      if (!IgnoreNotFound(s)) return s;
      if (s.ok()) used.insert(sha2);
    }
  }
  std::map<std::string, std::vector<std::uint64_t>> uses;
  for (const auto& h : used) {
    if (!prescanned_.count(h)) {
      fresh.insert(h);  // a statement stored after Prescan: search everything
    } else {
      known.insert(h);
      uses[h] = prescan_uses_[h];
    }
  }
  LRS_RETURN_IF_ERROR(ScanAttachmentUse(t, 1, fresh, &uses));
  LRS_RETURN_IF_ERROR(ScanAttachmentUse(t, scanned_upto_ + 1, known, &uses));
  for (const auto& h : used) {
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
    if (!kept) out->push_back(h);
  }
  return Status::OK();
}

Status EraseAgentOp::DeleteStatement(storage::WriteTxn& txn, std::uint64_t seq,
                                     const StmtInfo& info) {
  const std::string seq_key = Fixed64BE(seq);
  LRS_RETURN_IF_ERROR(txn.Del(Table::kStatements, seq_key));
  // The id, and whether it is voided, may still be in the index buffer only.
  if (Status s = txn.Del(Table::kStatementIds, info.id); !IgnoreNotFound(s)) return s;
  if (Status s = txn.Del(Table::kVoided, seq_key); !IgnoreNotFound(s)) return s;
  // Kept: refs/voids entries naming this id (they describe the kept
  // statements referring to it), and `voided` entries of statements this one
  // voided (they stay voided).
  if (!info.ref_target.empty()) {
    const std::string_view dup(seq_key);
    if (Status s = txn.Del(Table::kRefs, info.ref_target, &dup); !IgnoreNotFound(s)) return s;
    if (info.voiding) {
      if (Status s = txn.Del(Table::kVoids, info.ref_target, &dup); !IgnoreNotFound(s)) return s;
    }
  }
  erased_ids_.emplace_back(info.id, seq);
  return Status::OK();
}

Status EraseAgentOp::Apply(GroupContext& ctx, storage::WriteTxn& txn) {
  drop_.clear();  // Apply runs again from scratch when the group retries
  erased_ids_.clear();
  report_ = ErasureReport();
  const Txn t{nullptr, &txn};

  // 1. What goes: statements naming the agent, and the postings of those and
  // of the kept statements that inherited terms through them. Everything is
  // read before anything is deleted.
  std::vector<std::uint64_t> seqs;
  LRS_RETURN_IF_ERROR(Candidates(t, &seqs));
  std::map<std::uint64_t, StmtInfo> erase;
  std::set<std::uint64_t> gone;
  std::set<std::string> gone_ids;
  for (std::uint64_t seq : seqs) {
    StmtInfo info;
    Status s = Load(t, seq, &info);
    if (s.IsNotFound()) continue;
    LRS_RETURN_IF_ERROR(s);
    if (!info.names_agent) continue;  // only the authority
    gone.insert(seq);
    gone_ids.insert(info.id);
    erase.emplace(seq, std::move(info));
  }
  std::map<std::uint64_t, StmtInfo> referrers;
  LRS_RETURN_IF_ERROR(FindReferrers(t, erase, &referrers));
  std::vector<Term> terms, after, lost;
  for (const auto& [seq, info] : erase) {
    LRS_RETURN_IF_ERROR(ChainTerms(t, info, {}, &terms));
    LRS_RETURN_IF_ERROR(AddPostings(t, terms, seq));
  }
  for (const auto& [seq, info] : referrers) {
    LRS_RETURN_IF_ERROR(ChainTerms(t, info, {}, &terms));
    LRS_RETURN_IF_ERROR(ChainTerms(t, info, gone, &after));
    lost.clear();
    std::set_difference(terms.begin(), terms.end(), after.begin(), after.end(),
                        std::back_inserter(lost));
    LRS_RETURN_IF_ERROR(AddPostings(t, lost, seq));
  }
  std::vector<std::string> attachments;
  LRS_RETURN_IF_ERROR(UnusedAttachments(t, erase, gone, &attachments));

  // 2. Delete.
  for (const auto& [seq, info] : erase) LRS_RETURN_IF_ERROR(DeleteStatement(txn, seq, info));
  char buf[8];
  for (const Posting& p : drop_) {
    EncodeFixed64BE(buf, p.seq);
    const std::string_view dup(buf, 8);
    Status s = txn.Del(Table::kIndex, IndexKeyBytes(p.key), &dup);
    if (!IgnoreNotFound(s)) return s;  // NotFound: still in the index buffer
  }
  LRS_RETURN_IF_ERROR(erasure::RewritePending(txn, gone, drop_, person_key_));
  for (const auto& sha2 : attachments) LRS_RETURN_IF_ERROR(txn.Del(Table::kAttachments, sha2));
  Status s = txn.Del(Table::kAgents, StoreImpl::TermKey(term_));
  if (!IgnoreNotFound(s)) return s;
  std::uint64_t tid;
  bool found;
  LRS_RETURN_IF_ERROR(TermId(t, term_, &tid, &found));
  if (found) LRS_RETURN_IF_ERROR(erasure::DeleteDocuments(txn, tid, &report_.documents));
  LRS_RETURN_IF_ERROR(
      erasure::DeleteSyncEntries(txn, gone, gone_ids, email_, &report_.sync_records));
  if (!erase.empty()) {
    // Never reuse a sequence, even the newest one erased here (Init()).
    LRS_RETURN_IF_ERROR(txn.Put(Table::kMeta, kMetaSeqHighWater, Fixed64BE(ctx.next_seq - 1)));
  }
  report_.statements = erase.size();
  // The identity key without the term's kind letter (e.g. "mbox:mailto:...").
  return erasure::AppendAuditRecord(txn, std::string_view(term_).substr(1), store_->NowMs(),
                                    &report_);
}

void EraseAgentOp::Committed() {
  {
    std::unique_lock<std::shared_mutex> l(store_->mem().mu());
    MemIndex& mem = store_->mem();
    for (const Posting& p : drop_) mem.RemovePosting(p.key, p.seq);
    for (const auto& [id, seq] : erased_ids_) mem.RemoveId(id, seq);
    mem.RemoveCatalog(person_key_);
  }
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
