// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/core/store_impl.h"

#include <openssl/sha.h>

#include <algorithm>
#include <cstring>

#include "lrs/common/coding.h"

namespace lrs {

Status Store::Open(const Options& options, const std::string& dir, std::unique_ptr<Store>* out) {
  storage::EnvOptions eo;
  eo.initial_map_size = options.initial_map_size;
  eo.max_map_size = options.max_map_size;
  eo.sync = options.sync;
  eo.max_readers = options.max_readers;
  eo.create_if_missing = options.create_if_missing;
  std::unique_ptr<storage::Env> env;
  LRS_RETURN_IF_ERROR(storage::Env::Open(dir, eo, &env));
  auto impl = std::make_unique<core::StoreImpl>(options, std::move(env));
  LRS_RETURN_IF_ERROR(impl->Init());
  *out = std::move(impl);
  return Status::OK();
}

namespace core {
namespace {

using storage::Table;

constexpr std::string_view kMetaFormat = "format_version";
constexpr std::string_view kMetaNextTerm = "next_term_id";
constexpr std::string_view kMetaDictPrefix = "dict:";
constexpr std::string_view kMetaAuthPrefix = "auth:";
constexpr std::size_t kMaxTermKey = 400;
constexpr std::size_t kMaxTermCache = 1 << 20;

bool IsMapFull(const Status& s) {
  return s.IsNoSpace() && s.message().find("MDB_MAP_FULL") != std::string::npos;
}

std::string Be64(std::uint64_t v) {
  std::string s;
  PutFixed64BE(&s, v);
  return s;
}

}  // namespace

StoreImpl::StoreImpl(const Options& options, std::unique_ptr<storage::Env> env)
    : options_(options),
      clock_(options.clock ? options.clock : Clock::System()),
      env_(std::move(env)) {}

StoreImpl::~StoreImpl() {
  if (trainer_.joinable()) trainer_.join();  // a dictionary training run
}

bool StoreImpl::Seen(std::uint64_t hash) {
  std::shared_lock<std::shared_mutex> l(cache_mu_);
  return seen_.count(hash) != 0;
}

Status StoreImpl::Init() {
  storage::WriteTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginWrite(&txn));
  std::string_view v;
  Status s = txn.Get(Table::kMeta, kMetaFormat, &v);
  if (s.IsNotFound()) {
    LRS_RETURN_IF_ERROR(txn.Put(Table::kMeta, kMetaFormat, std::to_string(kFormatVersion)));
  } else if (!s.ok()) {
    return s;
  } else if (std::string(v) != std::to_string(kFormatVersion)) {
    return Status::NotSupported("store format version " + std::string(v) +
                                " is not supported by this library (format " +
                                std::to_string(kFormatVersion) + ")");
  }
  s = txn.Get(Table::kMeta, kMetaNextTerm, &v);
  if (s.ok() && v.size() == 8) next_term_id_ = DecodeFixed64BE(v.data());

  storage::Cursor c;
  MDB_val key, val;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
  s = c.Get(&key, &val, MDB_LAST);
  if (s.ok()) {
    next_seq_ = DecodeFixed64BE(static_cast<const char*>(key.mv_data)) + 1;
    storage::RecordHeader h;
    std::string_view body;
    LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(val), &h, &body));
    last_stored_ms_ = h.stored_ms;
  } else if (!s.IsNotFound()) {
    return s;
  }
  last_seq_committed_ = next_seq_ - 1;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStoredTime)));
  s = c.Get(&key, &val, MDB_LAST);
  if (s.ok()) last_time_index_ms_ = static_cast<std::int64_t>(DecodeFixed64BE(
                  static_cast<const char*>(key.mv_data)));

  // Dictionaries.
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kMeta)));
  key = storage::Val(kMetaDictPrefix);
  s = c.Get(&key, &val, MDB_SET_RANGE);
  int dicts = 0;
  while (s.ok()) {
    std::string_view k = storage::View(key);
    if (k.substr(0, kMetaDictPrefix.size()) != kMetaDictPrefix) break;
    if (k.size() == kMetaDictPrefix.size() + 4) {
      codec_.AddDictionary(DecodeFixed32BE(k.data() + kMetaDictPrefix.size()),
                           std::string(storage::View(val)));
      ++dicts;
    }
    s = c.Get(&key, &val, MDB_NEXT);
  }
  next_dict_at_ = dicts == 0 ? 1000 : dicts == 1 ? 100000 : UINT64_MAX;
  return txn.Commit();
}

// ---- Group commit -------------------------------------------------------------

Status StoreImpl::Write(WriteOp* op) {
  Writer w;
  w.op = op;
  std::unique_lock<std::mutex> l(mu_);
  writers_.push_back(&w);
  while (!w.done && &w != writers_.front()) w.cv.wait(l);
  if (w.done) return w.status;

  // This writer leads: take the waiting writers up to the group limits.
  std::vector<Writer*> group;
  std::size_t bytes = 0;
  for (Writer* x : writers_) {
    if (!group.empty() &&
        (static_cast<int>(group.size()) >= options_.max_group_writers ||
         bytes + x->op->bytes > options_.max_group_bytes))
      break;
    group.push_back(x);
    bytes += x->op->bytes;
  }
  l.unlock();
  Status s = CommitGroup(group);
  l.lock();
  for (Writer* x : group) {
    writers_.pop_front();
    if (!s.ok()) x->status = s;
    x->done = true;
    if (x != &w) x->cv.notify_one();
  }
  if (!writers_.empty()) writers_.front()->cv.notify_one();
  l.unlock();
  if (last_seq_committed_.load() >= next_dict_at_) MaybeTrainDictionary();
  return w.status;
}

Status StoreImpl::ApplyGroup(std::vector<Writer*>& group, storage::WriteTxn& txn,
                             GroupContext& ctx, std::vector<Status>* op_status) {
  op_status->assign(group.size(), Status::OK());
  for (std::size_t i = 0; i < group.size(); ++i) {
    // Savepoint of the group state, restored if this op fails.
    const auto seq0 = ctx.next_seq;
    const auto term0 = ctx.next_term_id;
    const auto postings0 = ctx.postings.size();
    const auto added0 = ctx.statements_added;
    const auto seen0 = ctx.seen_hashes.size();
    const bool time0 = ctx.time_index_written;
    const auto terms0 = ctx.new_term_log.size();
    const auto auth0 = ctx.new_authority_log.size();

    storage::WriteTxn child;
    LRS_RETURN_IF_ERROR(txn.BeginChild(&child));
    Status s = group[i]->op->Apply(ctx, child);
    if (s.ok()) s = child.Commit();
    if (!s.ok()) {
      child.Abort();
      if (IsMapFull(s)) return s;  // the whole group retries after growing
      (*op_status)[i] = s;
      ctx.next_seq = seq0;
      ctx.next_term_id = term0;
      ctx.postings.resize(postings0);
      ctx.statements_added = added0;
      ctx.seen_hashes.resize(seen0);
      ctx.time_index_written = time0;
      for (auto j = terms0; j < ctx.new_term_log.size(); ++j) ctx.new_terms.erase(ctx.new_term_log[j]);
      ctx.new_term_log.resize(terms0);
      for (auto j = auth0; j < ctx.new_authority_log.size(); ++j)
        ctx.new_authorities.erase(ctx.new_authority_log[j]);
      ctx.new_authority_log.resize(auth0);
    }
  }
  return Status::OK();
}

Status StoreImpl::FlushPostings(GroupContext& ctx, storage::WriteTxn& txn) {
  auto& p = ctx.postings;
  if (p.empty()) return Status::OK();
  std::stable_sort(p.begin(), p.end(), [](const Posting& a, const Posting& b) {
    return a.key != b.key ? a.key < b.key : a.seq < b.seq;
  });
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kIndex)));
  char seqbuf[8];
  for (const Posting& x : p) {
    EncodeFixed64BE(seqbuf, x.seq);
    MDB_val k = storage::Val(x.key), v{8, seqbuf};
    // Postings for the newest statements go at the end of their term's list.
    int rc = mdb_cursor_put(c.get(), &k, &v, x.append ? MDB_APPENDDUP : MDB_NODUPDATA);
    if (rc == MDB_KEYEXIST && x.append) {  // not the largest after all
      rc = mdb_cursor_put(c.get(), &k, &v, MDB_NODUPDATA);
    }
    if (rc == MDB_KEYEXIST) continue;
    LRS_RETURN_IF_ERROR(storage::FromMdb(rc, "index put"));
  }
  return Status::OK();
}

Status StoreImpl::CommitGroup(std::vector<Writer*>& group) {
  for (int attempt = 0;; ++attempt) {
    GroupContext ctx;
    ctx.next_seq = next_seq_;
    ctx.stored_ms = std::max(NowMs(), last_stored_ms_);
    ctx.next_term_id = next_term_id_;
    ctx.time_index_written = ctx.stored_ms == last_time_index_ms_;

    storage::WriteTxn txn;
    Status s = env_->BeginWrite(&txn);
    std::vector<Status> op_status;
    if (s.ok()) s = ApplyGroup(group, txn, ctx, &op_status);
    if (s.ok()) s = FlushPostings(ctx, txn);
    if (s.ok() && ctx.next_term_id != next_term_id_)
      s = txn.Put(Table::kMeta, kMetaNextTerm, Be64(ctx.next_term_id));
    if (s.ok()) s = txn.Commit();
    if (!s.ok()) {
      txn.Abort();
      if (IsMapFull(s) && attempt < 64) {
        LRS_RETURN_IF_ERROR(env_->Grow());
        continue;
      }
      return s;
    }
    // Durable. Publish the new state.
    commits_.fetch_add(1, std::memory_order_relaxed);
    grouped_writes_.fetch_add(group.size(), std::memory_order_relaxed);
    next_seq_ = ctx.next_seq;
    next_term_id_ = ctx.next_term_id;
    if (ctx.statements_added > 0) {
      last_stored_ms_ = ctx.stored_ms;
      last_time_index_ms_ = ctx.stored_ms;
    }
    last_seq_committed_.store(next_seq_ - 1);
    if (!ctx.new_terms.empty() || !ctx.new_authorities.empty()) {
      std::unique_lock<std::shared_mutex> l(cache_mu_);
      if (term_cache_.size() + ctx.new_terms.size() > kMaxTermCache) term_cache_.clear();
      term_cache_.insert(ctx.new_terms.begin(), ctx.new_terms.end());
      authority_cache_.insert(ctx.new_authorities.begin(), ctx.new_authorities.end());
    }
    if (!ctx.seen_hashes.empty()) {
      std::unique_lock<std::shared_mutex> l(cache_mu_);
      if (seen_.size() + ctx.seen_hashes.size() > kMaxTermCache) seen_.clear();
      seen_.insert(ctx.seen_hashes.begin(), ctx.seen_hashes.end());
    }
    for (std::size_t i = 0; i < group.size(); ++i) {
      group[i]->status = op_status[i];
      if (op_status[i].ok()) group[i]->op->Committed();
    }
    return Status::OK();
  }
}

// ---- Terms ----------------------------------------------------------------------

std::string StoreImpl::TermKey(std::string_view term) {
  if (term.size() <= kMaxTermKey) return std::string(term);
  // LMDB keys are at most 511 bytes: keep a prefix and add a SHA-256.
  std::string k(term.substr(0, kMaxTermKey - 33));
  k.push_back('\0');
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(term.data()), term.size(), md);
  k.append(reinterpret_cast<const char*>(md), sizeof md);
  return k;
}

Status StoreImpl::LookupTerm(const storage::ReadTxn& txn, std::string_view term,
                             std::uint64_t* id) {
  {
    std::shared_lock<std::shared_mutex> l(cache_mu_);
    auto it = term_cache_.find(std::string(term));
    if (it != term_cache_.end()) {
      *id = it->second;
      return Status::OK();
    }
  }
  std::string_view v;
  Status s = txn.Get(Table::kTerms, TermKey(term), &v);
  if (!s.ok()) return s;
  if (v.size() != 8) return Status::Corruption("term id");
  *id = DecodeFixed64BE(v.data());
  return Status::OK();
}

Status StoreImpl::InternTerm(GroupContext& ctx, storage::WriteTxn& txn, std::string_view term,
                             std::uint64_t* id) {
  std::string t(term);
  {
    std::shared_lock<std::shared_mutex> l(cache_mu_);
    auto it = term_cache_.find(t);
    if (it != term_cache_.end()) {
      *id = it->second;
      return Status::OK();
    }
  }
  auto it = ctx.new_terms.find(t);
  if (it != ctx.new_terms.end()) {
    *id = it->second;
    return Status::OK();
  }
  std::string key = TermKey(term);
  std::string_view v;
  Status s = txn.Get(Table::kTerms, key, &v);
  if (s.ok()) {
    if (v.size() != 8) return Status::Corruption("term id");
    *id = DecodeFixed64BE(v.data());
    // Committed before this group began: safe to cache now.
    std::unique_lock<std::shared_mutex> l(cache_mu_);
    if (term_cache_.size() >= kMaxTermCache) term_cache_.clear();
    term_cache_.emplace(std::move(t), *id);
    return Status::OK();
  }
  if (!s.IsNotFound()) return s;
  *id = ctx.next_term_id++;
  LRS_RETURN_IF_ERROR(txn.Put(Table::kTerms, key, Be64(*id)));
  ctx.new_term_log.push_back(t);
  ctx.new_terms.emplace(std::move(t), *id);
  return Status::OK();
}

Status StoreImpl::AuthorityJson(const storage::ReadTxn* rtxn, const storage::WriteTxn* wtxn,
                                std::uint64_t id, std::string* json) {
  {
    std::shared_lock<std::shared_mutex> l(cache_mu_);
    auto it = authority_cache_.find(id);
    if (it != authority_cache_.end()) {
      *json = it->second;
      return Status::OK();
    }
  }
  std::string key(kMetaAuthPrefix);
  PutFixed64BE(&key, id);
  std::string_view v;
  Status s = rtxn ? rtxn->Get(Table::kMeta, key, &v) : wtxn->Get(Table::kMeta, key, &v);
  if (s.IsNotFound()) return Status::Corruption("missing authority " + std::to_string(id));
  LRS_RETURN_IF_ERROR(s);
  json->assign(v);
  if (rtxn) {  // committed: cacheable
    std::unique_lock<std::shared_mutex> l(cache_mu_);
    authority_cache_.emplace(id, *json);
  }
  return Status::OK();
}

// ---- Monitoring ---------------------------------------------------------------

Status StoreImpl::GetStats(StoreStats* st) {
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  MDB_stat ms;
  LRS_RETURN_IF_ERROR(storage::FromMdb(mdb_stat(txn.txn(), txn.dbi(Table::kStatements), &ms),
                                       "mdb_stat"));
  st->statements = ms.ms_entries;
  st->last_sequence = last_seq_committed_.load();
  st->map_size = env_->map_size();
  std::size_t used = 0;
  txn.Reset();
  LRS_RETURN_IF_ERROR(env_->UsedBytes(&used));
  st->map_used = used;
  st->commits = commits_.load();
  st->grouped_writes = grouped_writes_.load();
  return Status::OK();
}

}  // namespace core
}  // namespace lrs
