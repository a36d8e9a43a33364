// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement queries (Communication 2.1.3). Every filter is an index posting
// list (sorted by sequence); since/until become a sequence range through
// the stored-time index; several filters are intersected by leapfrogging
// the lists with MDB_GET_BOTH_RANGE seeks, so a query costs in proportion
// to the shortest list, never to the store's size.

#include <algorithm>
#include <unordered_set>

#include "lrs/common/coding.h"
#include "lrs/common/encoding.h"
#include "lrs/common/time.h"
#include "lrs/core/store_impl.h"
#include "lrs/core/terms.h"
#include "lrs/validate/validator.h"

namespace lrs::core {
namespace {

using storage::Table;

// What a query (or a `more` token) resolves to.
struct Plan {
  XapiVersion version = XapiVersion::k2_0_0;
  std::vector<std::string> keys;  // index keys (kind + term id) to intersect
  std::uint64_t lo = 1, hi = 0;   // sequence range, inclusive
  std::uint32_t limit = 0;
  StatementFormat format = StatementFormat::kExact;
  bool attachments = false;
  bool ascending = false;
  std::vector<std::string> languages;
  std::uint64_t authority_id = 0;  // nonzero: only statements with this authority
};

constexpr std::uint8_t kTokenVersion = 1;

std::string EncodeToken(const Plan& p) {
  std::string s;
  s.push_back(static_cast<char>(kTokenVersion));
  s.push_back(static_cast<char>((p.ascending ? 1 : 0) | (p.attachments ? 2 : 0) |
                                (p.version == XapiVersion::k1_0_3 ? 4 : 0) |
                                (p.authority_id != 0 ? 8 : 0)));
  s.push_back(static_cast<char>(p.format));
  PutVarint64(&s, p.limit);
  PutVarint64(&s, p.lo);
  PutVarint64(&s, p.hi);
  PutVarint64(&s, p.keys.size());
  for (const auto& k : p.keys) PutLengthPrefixed(&s, k);
  PutVarint64(&s, p.languages.size());
  for (const auto& l : p.languages) PutLengthPrefixed(&s, l);
  if (p.authority_id != 0) PutVarint64(&s, p.authority_id);
  return Base64UrlEncode(s);
}

Status DecodeToken(std::string_view token, Plan* p) {
  static const Status kBad = Status::InvalidArgument("more: not a valid continuation token");
  std::string raw;
  if (token.empty() || token.size() > 64 * 1024 || !Base64Decode(token, true, &raw)) return kBad;
  std::string_view in(raw);
  if (in.size() < 3 || static_cast<std::uint8_t>(in[0]) != kTokenVersion) return kBad;
  auto flags = static_cast<std::uint8_t>(in[1]);
  auto fmt = static_cast<std::uint8_t>(in[2]);
  if (fmt > 2) return kBad;
  in.remove_prefix(3);
  p->ascending = flags & 1;
  p->attachments = flags & 2;
  p->version = (flags & 4) ? XapiVersion::k1_0_3 : XapiVersion::k2_0_0;
  p->format = static_cast<StatementFormat>(fmt);
  std::uint64_t v, n;
  if (!GetVarint64(&in, &v) || v > 1000000) return kBad;
  p->limit = static_cast<std::uint32_t>(v);
  if (!GetVarint64(&in, &p->lo) || !GetVarint64(&in, &p->hi) || !GetVarint64(&in, &n) || n > 8)
    return kBad;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!GetLengthPrefixed(&in, &k) || k.size() != 9) return kBad;
    p->keys.emplace_back(k);
  }
  if (!GetVarint64(&in, &n) || n > 64) return kBad;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view l;
    if (!GetLengthPrefixed(&in, &l)) return kBad;
    p->languages.emplace_back(l);
  }
  if ((flags & 8) && (!GetVarint64(&in, &p->authority_id) || p->authority_id == 0)) return kBad;
  if (!in.empty()) return kBad;
  return Status::OK();
}

// One posting list: the duplicates of an index key in LMDB, plus the
// buffered postings of the same key in the MemIndex.
class PostingCursor {
 public:
  Status Open(const storage::ReadTxn& txn, const std::string& key,
              const std::vector<std::uint64_t>* mem) {
    key_ = key;
    mem_ = mem;
    return c_.Open(txn.txn(), txn.dbi(Table::kIndex));
  }
  // Number of postings (LMDB duplicates plus buffered ones).
  Status Size(std::size_t* n) {
    *n = mem_ ? mem_->size() : 0;
    MDB_val k = storage::Val(key_), v;
    Status s = c_.Get(&k, &v, MDB_SET_KEY);
    if (s.IsNotFound()) return Status::OK();
    LRS_RETURN_IF_ERROR(s);
    std::size_t count = 0;  // mdb_cursor_count takes size_t in LMDB 0.9
    LRS_RETURN_IF_ERROR(storage::FromMdb(mdb_cursor_count(c_.get(), &count), "mdb_cursor_count"));
    *n += static_cast<std::size_t>(count);
    return Status::OK();
  }
  // Largest seq <= target; *found false when none.
  Status Floor(std::uint64_t target, std::uint64_t* out, bool* found) {
    bool f1 = false;
    std::uint64_t v1 = 0;
    LRS_RETURN_IF_ERROR(DiskFloor(target, &v1, &f1));
    *found = f1;
    *out = v1;
    if (mem_) {
      auto it = std::upper_bound(mem_->begin(), mem_->end(), target);
      if (it != mem_->begin()) {
        std::uint64_t v2 = *(it - 1);
        if (!*found || v2 > *out) *out = v2;
        *found = true;
      }
    }
    return Status::OK();
  }
  // Smallest seq >= target; *found false when none.
  Status Ceil(std::uint64_t target, std::uint64_t* out, bool* found) {
    bool f1 = false;
    std::uint64_t v1 = 0;
    LRS_RETURN_IF_ERROR(DiskCeil(target, &v1, &f1));
    *found = f1;
    *out = v1;
    if (mem_) {
      auto it = std::lower_bound(mem_->begin(), mem_->end(), target);
      if (it != mem_->end()) {
        if (!*found || *it < *out) *out = *it;
        *found = true;
      }
    }
    return Status::OK();
  }

 private:
  Status DiskFloor(std::uint64_t target, std::uint64_t* out, bool* found) {
    char buf[8];
    EncodeFixed64BE(buf, target);
    MDB_val k = storage::Val(key_), v{8, buf};
    Status s = c_.Get(&k, &v, MDB_GET_BOTH_RANGE);
    if (s.ok()) {
      std::uint64_t got = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
      if (got == target) {
        *out = got;
        *found = true;
        return Status::OK();
      }
      s = c_.Get(&k, &v, MDB_PREV_DUP);
    } else if (s.IsNotFound()) {
      k = storage::Val(key_);
      s = c_.Get(&k, &v, MDB_SET_KEY);
      if (s.ok()) s = c_.Get(&k, &v, MDB_LAST_DUP);
    }
    if (s.IsNotFound()) {
      *found = false;
      return Status::OK();
    }
    LRS_RETURN_IF_ERROR(s);
    *out = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
    *found = true;
    return Status::OK();
  }
  Status DiskCeil(std::uint64_t target, std::uint64_t* out, bool* found) {
    char buf[8];
    EncodeFixed64BE(buf, target);
    MDB_val k = storage::Val(key_), v{8, buf};
    Status s = c_.Get(&k, &v, MDB_GET_BOTH_RANGE);
    if (s.IsNotFound()) {
      *found = false;
      return Status::OK();
    }
    LRS_RETURN_IF_ERROR(s);
    *out = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
    *found = true;
    return Status::OK();
  }

  std::string key_;
  const std::vector<std::uint64_t>* mem_ = nullptr;
  storage::Cursor c_;
};

// Yields matching sequences in plan order.
class Matcher {
 public:
  Matcher(const storage::ReadTxn& txn, const MemIndex& mem, const Plan& plan)
      : txn_(txn), mem_(mem), plan_(plan) {}

  Status Init() {
    cand_ = plan_.ascending ? plan_.lo : plan_.hi;
    lists_.resize(plan_.keys.size());
    std::vector<std::pair<std::size_t, std::size_t>> by_size;  // (size, index)
    for (std::size_t i = 0; i < lists_.size(); ++i) {
      const std::string& k = plan_.keys[i];
      LRS_RETURN_IF_ERROR(lists_[i].Open(
          txn_, k, mem_.Postings(PostingKey(k[0], DecodeFixed64BE(k.data() + 1)))));
      std::size_t n = 0;
      if (lists_.size() > 1) LRS_RETURN_IF_ERROR(lists_[i].Size(&n));
      by_size.emplace_back(n, i);
    }
    // The shortest list drives the intersection: each round starts with it,
    // so the longer lists are only probed at its candidates.
    if (lists_.size() > 1) {
      std::sort(by_size.begin(), by_size.end());
      std::vector<PostingCursor> ordered;
      for (const auto& [n, i] : by_size) ordered.push_back(std::move(lists_[i]));
      lists_ = std::move(ordered);
    }
    if (lists_.empty()) LRS_RETURN_IF_ERROR(all_.Open(txn_.txn(), txn_.dbi(Table::kStatements)));
    return Status::OK();
  }

  // Next match, or *found = false.
  Status Next(std::uint64_t* seq, bool* found) {
    *found = false;
    while (!done_ && InRange(cand_)) {
      std::uint64_t c = cand_;
      bool ok = false;
      LRS_RETURN_IF_ERROR(Align(&c, &ok));
      if (!ok || !InRange(c)) {
        done_ = true;
        break;
      }
      // Advance past this candidate for the next call.
      if (plan_.ascending) cand_ = c + 1;
      else if (c == 0) done_ = true;
      else cand_ = c - 1;
      *seq = c;
      *found = true;
      return Status::OK();
    }
    return Status::OK();
  }

 private:
  bool InRange(std::uint64_t s) const { return s >= plan_.lo && s <= plan_.hi && s != 0; }

  // Moves *c to the nearest sequence (in plan direction) present in every list.
  Status Align(std::uint64_t* c, bool* ok) {
    if (lists_.empty()) {
      char buf[8];
      EncodeFixed64BE(buf, *c);
      MDB_val k{8, buf}, v;
      Status s = all_.Get(&k, &v, MDB_SET_RANGE);
      if (plan_.ascending) {
        if (s.IsNotFound()) { *ok = false; return Status::OK(); }
        LRS_RETURN_IF_ERROR(s);
      } else {
        if (s.ok()) {
          if (DecodeFixed64BE(static_cast<const char*>(k.mv_data)) != *c) s = all_.Get(&k, &v, MDB_PREV);
        } else if (s.IsNotFound()) {
          s = all_.Get(&k, &v, MDB_LAST);
        }
        if (s.IsNotFound()) { *ok = false; return Status::OK(); }
        LRS_RETURN_IF_ERROR(s);
      }
      *c = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
      *ok = true;
      return Status::OK();
    }
    std::size_t agreed = 0, i = 0;
    while (agreed < lists_.size()) {
      std::uint64_t got = 0;
      bool found = false;
      if (plan_.ascending) LRS_RETURN_IF_ERROR(lists_[i].Ceil(*c, &got, &found));
      else LRS_RETURN_IF_ERROR(lists_[i].Floor(*c, &got, &found));
      if (!found || !InRange(got)) {
        *ok = false;
        return Status::OK();
      }
      if (got == *c) {
        ++agreed;
      } else {
        *c = got;
        agreed = 1;
      }
      i = (i + 1) % lists_.size();
    }
    *ok = true;
    return Status::OK();
  }

  const storage::ReadTxn& txn_;
  const MemIndex& mem_;
  const Plan& plan_;
  std::vector<PostingCursor> lists_;
  storage::Cursor all_;
  std::uint64_t cand_ = 0;
  bool done_ = false;
};

// First sequence stored at or after `ms`; false when none.
Status SeqAtOrAfter(const storage::ReadTxn& txn, std::int64_t ms, std::uint64_t* seq, bool* found) {
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStoredTime)));
  char buf[8];
  EncodeFixed64BE(buf, static_cast<std::uint64_t>(std::max<std::int64_t>(ms, 0)));
  MDB_val k{8, buf}, v;
  Status s = c.Get(&k, &v, MDB_SET_RANGE);
  if (s.IsNotFound()) {
    *found = false;
    return Status::OK();
  }
  LRS_RETURN_IF_ERROR(s);
  *seq = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
  *found = true;
  return Status::OK();
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

// Resolves query parameters into a plan. *empty is set when some filter
// names a term the store has never seen (so nothing can match).
static Status BuildPlan(StoreImpl* store, const storage::ReadTxn& txn, const StatementQuery& q,
                        std::uint64_t last_seq, Plan* plan, bool* empty) {
  *empty = false;
  plan->version = q.version;
  plan->format = q.format;
  plan->attachments = q.attachments;
  plan->ascending = q.ascending;
  plan->languages = q.languages;
  std::uint32_t max = store->options().max_query_limit;
  plan->limit = (q.limit == 0 || q.limit > max) ? max : q.limit;
  plan->lo = 1;
  plan->hi = last_seq;

  std::vector<std::pair<char, std::string>> terms;
  if (q.agent) {
    json::Document a;
    LRS_RETURN_IF_ERROR(json::Parse(*q.agent, &a, json::Limits{1u << 16, 8}).WithPrefix("agent: "));
    LRS_RETURN_IF_ERROR(validate::ValidateAgentParam(a, q.version, true, "agent"));
    std::string t;
    if (!AgentTerm(a, &t)) return Status::InvalidArgument("agent: must have an identifier");
    terms.emplace_back(q.related_agents ? kIdxRelatedAgent : kIdxAgent, t);
  }
  if (q.verb) {
    if (!validate::IsAbsoluteIri(*q.verb)) return Status::InvalidArgument("verb: must be an IRI");
    terms.emplace_back(kIdxVerb, VerbTerm(*q.verb));
  }
  if (q.activity) {
    if (!validate::IsAbsoluteIri(*q.activity))
      return Status::InvalidArgument("activity: must be an IRI");
    terms.emplace_back(q.related_activities ? kIdxRelatedActivity : kIdxActivity,
                       ActivityTerm(*q.activity));
  }
  if (q.registration) {
    if (!validate::IsUuid(*q.registration))
      return Status::InvalidArgument("registration: must be a UUID");
    terms.emplace_back(kIdxRegistration, RegistrationTerm(*q.registration));
  }
  for (const auto& [kind, term] : terms) {
    std::uint64_t id;
    Status s = store->LookupTerm(txn, term, &id);
    if (s.IsNotFound()) {
      *empty = true;
      continue;
    }
    LRS_RETURN_IF_ERROR(s);
    std::string key(1, kind);
    PutFixed64BE(&key, id);
    plan->keys.push_back(std::move(key));
  }

  if (q.authority) {
    std::uint64_t id;
    std::string key;
    Status s = store->ResolveAuthority(txn, *q.authority, &id, &key);
    if (s.IsNotFound()) {
      *empty = true;
    } else {
      LRS_RETURN_IF_ERROR(s);
      plan->authority_id = id;
      if (!key.empty()) plan->keys.push_back(std::move(key));
    }
  }

  if (q.since) {
    ParsedTime t;
    if (!ParseIso8601(*q.since, &t)) return Status::InvalidArgument("since: must be an ISO 8601 timestamp");
    std::uint64_t seq;
    bool found;
    LRS_RETURN_IF_ERROR(SeqAtOrAfter(txn, FloorDiv(t.micros, 1000) + 1, &seq, &found));
    if (!found) *empty = true;
    else plan->lo = std::max(plan->lo, seq);
  }
  if (q.until) {
    ParsedTime t;
    if (!ParseIso8601(*q.until, &t)) return Status::InvalidArgument("until: must be an ISO 8601 timestamp");
    std::uint64_t seq;
    bool found;
    LRS_RETURN_IF_ERROR(SeqAtOrAfter(txn, FloorDiv(t.micros, 1000) + 1, &seq, &found));
    if (found) plan->hi = std::min(plan->hi, seq - 1);
  }
  if (plan->lo > plan->hi) *empty = true;
  return Status::OK();
}

// Runs a plan: fills one page and the token for the next.
static Status RunPlan(StoreImpl* store, const storage::ReadTxn& txn, Plan plan, StatementPage* page) {
  Matcher m(txn, store->mem(), plan);
  LRS_RETURN_IF_ERROR(m.Init());
  std::unordered_set<std::string> attached;
  std::string json;
  std::uint64_t last = 0;
  for (;;) {
    std::uint64_t seq;
    bool found;
    LRS_RETURN_IF_ERROR(m.Next(&seq, &found));
    if (!found) return Status::OK();
    char key[8];
    EncodeFixed64BE(key, seq);
    std::string_view v;
    Status s = txn.Get(Table::kVoided, std::string_view(key, 8), &v);
    if (s.ok()) continue;  // Communication 2.1.4: voided statements are never listed
    if (!s.IsNotFound()) return s;
    std::string_view rec;
    s = txn.Get(Table::kStatements, std::string_view(key, 8), &rec);
    // Erased (erasure.cc): its postings leave the index buffer just after
    // the erasing commit, so a query in between can still meet them.
    if (s.IsNotFound()) continue;
    LRS_RETURN_IF_ERROR(s);
    if (plan.authority_id != 0) {
      storage::RecordHeader h;
      std::string_view body;
      LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(rec, &h, &body));
      if (h.authority_id != plan.authority_id) continue;
    }
    if (page->statements.size() == plan.limit) {
      // There is at least one more: continue after the last one returned.
      if (plan.ascending) plan.lo = last + 1;
      else plan.hi = last - 1;
      page->more = EncodeToken(plan);
      return Status::OK();
    }
    LRS_RETURN_IF_ERROR(store->RenderRecord(&txn, nullptr, rec, plan.format, plan.languages, &json));
    if (plan.attachments && json.find("\"attachments\"") != std::string::npos)
      LRS_RETURN_IF_ERROR(store->CollectAttachments(txn, json, &attached, &page->attachments));
    page->statements.push_back(std::move(json));
    json.clear();
    last = seq;
  }
}

Status StoreImpl::ResolveAuthority(const storage::ReadTxn& txn, std::string_view json,
                                   std::uint64_t* id, std::string* index_key) {
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(json, &d, json::Limits{1u << 16, 8}).WithPrefix("authority: "));
  if (!d.IsObject()) return Status::InvalidArgument("authority: must be an Agent or Group object");
  // The authority term is "u" + the compact JSON, as the writer interns it.
  LRS_RETURN_IF_ERROR(LookupTerm(txn, "u" + json::Write(d), id));
  // Statements are also posted under the authority's identity (or, for an
  // anonymous Group, its members') in the related-agents index.
  index_key->clear();
  std::string term;
  bool have = AgentTerm(d, &term);
  const json::Value* members = json::Member(d, "member");
  if (!have && members && members->IsArray() && !members->Empty())
    have = AgentTerm((*members)[0], &term);
  if (!have) return Status::OK();
  std::uint64_t tid;
  LRS_RETURN_IF_ERROR(LookupTerm(txn, term, &tid));
  index_key->assign(1, kIdxRelatedAgent);
  PutFixed64BE(index_key, tid);
  return Status::OK();
}

Status StoreImpl::CollectAttachments(const storage::ReadTxn& txn, std::string_view stmt_json,
                                     std::unordered_set<std::string>* seen,
                                     std::vector<AttachmentPayload>* out) {
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(stmt_json, &d, json::Limits{1u << 30, 1 << 10}));
  const json::Value* atts = json::Member(d, "attachments");
  if (!atts || !atts->IsArray()) return Status::OK();
  for (const auto& a : atts->GetArray()) {
    std::string sha2(json::StringOr(a, "sha2"));
    for (auto& c : sha2) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (sha2.empty() || !seen->insert(sha2).second) continue;
    std::string_view v;
    Status s = txn.Get(Table::kAttachments, sha2, &v);
    if (s.IsNotFound()) continue;  // a fileUrl-only attachment
    LRS_RETURN_IF_ERROR(s);
    std::string_view ct;
    if (!GetLengthPrefixed(&v, &ct)) return Status::Corruption("attachment record");
    out->push_back({sha2, std::string(ct), std::string(v)});
  }
  return Status::OK();
}

Status StoreImpl::QueryStatements(const StatementQuery& q, StatementPage* page) {
  *page = StatementPage();
  // Held for the whole query: the index buffer must not be merged away
  // while this snapshot relies on it (MemIndex).
  std::shared_lock<std::shared_mutex> mem_lock(mem_.mu());
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  // The snapshot's newest statement bounds this query and all its pages.
  std::uint64_t last_seq = 0;
  LRS_RETURN_IF_ERROR(storage::LastFixed64Key(txn.txn(), txn.dbi(Table::kStatements), &last_seq));
  last_seq = std::min(last_seq, mem_.visible_seq());
  page->consistent_through_ms = std::max(NowMs(), last_stored_ms_.load());
  Plan plan;
  bool empty;
  LRS_RETURN_IF_ERROR(BuildPlan(this, txn, q, last_seq, &plan, &empty));
  if (empty) return Status::OK();
  return RunPlan(this, txn, std::move(plan), page);
}

Status StoreImpl::More(std::string_view token, StatementPage* page) {
  *page = StatementPage();
  Plan plan;
  LRS_RETURN_IF_ERROR(DecodeToken(token, &plan));
  if (plan.limit == 0 || plan.limit > options_.max_query_limit) plan.limit = options_.max_query_limit;
  std::shared_lock<std::shared_mutex> mem_lock(mem_.mu());
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  page->consistent_through_ms = std::max(NowMs(), last_stored_ms_.load());
  if (plan.lo > plan.hi) return Status::OK();
  return RunPlan(this, txn, std::move(plan), page);
}

// ---- Dictionary training --------------------------------------------------------

void StoreImpl::MaybeTrainDictionary() {
  bool expected = false;
  if (!training_.compare_exchange_strong(expected, true)) return;
  if (last_seq_committed_.load() < next_dict_at_) {
    training_ = false;
    return;
  }
  std::lock_guard<std::mutex> l(train_mu_);
  if (trainer_.joinable()) trainer_.join();
  trainer_ = std::thread([this] {
    std::vector<std::string> samples;
    std::uint64_t last = last_seq_committed_.load();
    {
      storage::ReadTxn txn;
      if (env_->BeginRead(&txn).ok()) {
        const std::uint64_t want = 2000;
        std::uint64_t step = std::max<std::uint64_t>(1, last / want);
        for (std::uint64_t seq = last; seq >= 1 && samples.size() < want; seq = seq > step ? seq - step : 0) {
          char key[8];
          EncodeFixed64BE(key, seq);
          std::string_view rec, comp;
          storage::RecordHeader h;
          std::string body;
          if (txn.Get(Table::kStatements, std::string_view(key, 8), &rec).ok() &&
              storage::RecordCodec::DecodeHeader(rec, &h, &comp).ok() &&
              codec_.DecodeBody(h, comp, &body).ok())
            samples.push_back(std::move(body));
          if (seq <= step) break;
        }
      }
    }
    std::string dict = samples.size() >= 100 ? storage::RecordCodec::Train(samples, 32 * 1024) : "";
    if (!dict.empty()) {
      std::uint32_t id = codec_.current_dict_id() + 1;
      struct PutDict : WriteOp {
        std::string key, value;
        Status Apply(GroupContext&, storage::WriteTxn& txn) override {
          return txn.Put(Table::kMeta, key, value);
        }
      } op;
      op.key = "dict:";
      PutFixed32BE(&op.key, id);
      op.value = dict;
      if (Write(&op).ok()) codec_.AddDictionary(id, std::move(dict));
    }
    next_dict_at_ = next_dict_at_ < 100000 ? 100000 : UINT64_MAX;
    training_ = false;
  });
}

}  // namespace lrs::core
