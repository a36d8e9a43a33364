// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/core/store_impl.h"

#include <openssl/sha.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <cstring>

#include "lrs/common/coding.h"

namespace lrs {
namespace core {
Status StampNewStore(storage::WriteTxn& txn, bool aggregates, bool* created);
}  // namespace core

Status Store::Open(const Options& options, const std::string& dir, std::unique_ptr<Store>* out) {
  storage::EnvOptions eo;
  eo.initial_map_size = options.initial_map_size;
  eo.max_map_size = options.max_map_size;
  eo.sync = options.sync;
  eo.max_readers = options.max_readers;
  eo.create_if_missing = options.create_if_missing;
  bool created = false;
  eo.on_open = [&created, &options](storage::WriteTxn& txn) {
    return core::StampNewStore(txn, options.aggregates, &created);
  };
  std::unique_ptr<storage::Env> env;
  LRS_RETURN_IF_ERROR(storage::Env::Open(dir, eo, &env));
  // An existing store: what the previous process committed last may still
  // wait for its meta page's sync (it stopped before syncing); make it
  // durable before it is read. A new store was made by one commit whose data
  // LMDB synced, and holds nothing to lose: its first write syncs the rest.
  if (options.sync && !created) LRS_RETURN_IF_ERROR(env->Sync(true));
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
constexpr std::string_view kMetaMergedUpto = "index_merged_upto";
constexpr std::string_view kMetaSeqHighWater = "seq_high_water";  // written by erasure.cc
constexpr std::size_t kMaxTermKey = 400;
constexpr std::size_t kMaxTermCache = 1 << 20;

bool IsMapFull(const Status& s) {
  return s.IsNoSpace() && s.message().find("MDB_MAP_FULL") != std::string::npos;
}

}  // namespace

// A new store's format version (and, when they are kept, its empty
// aggregates' "complete" mark), written in the commit that creates its
// tables (one sync for both; Init then finds them).
Status StampNewStore(storage::WriteTxn& txn, bool aggregates, bool* created) {
  std::string_view v;
  Status s = txn.Get(Table::kMeta, kMetaFormat, &v);
  if (!s.IsNotFound()) return s.ok() ? Status::OK() : s;  // Init checks the version
  *created = true;
  if (aggregates) LRS_RETURN_IF_ERROR(txn.Put(Table::kMeta, agg::kMetaAggState, "1"));
  return txn.Put(Table::kMeta, kMetaFormat, std::to_string(kFormatVersion));
}

StoreImpl::StoreImpl(const Options& options, std::unique_ptr<storage::Env> env)
    : options_(options),
      clock_(options.clock ? options.clock : Clock::System()),
      env_(std::move(env)) {}

StoreImpl::~StoreImpl() {
  if (trainer_.joinable()) trainer_.join();  // a dictionary training run
  // Merge the index buffer so the next open has nothing to rebuild. Nothing
  // is lost if this fails: the pending table still holds it.
  std::size_t pending;
  {
    std::shared_lock<std::shared_mutex> l(mem_.mu());
    pending = mem_.statements() + mem_.terms().size() + mem_.catalog().size();
  }
  {
    std::shared_lock<std::shared_mutex> l(agg_mu_);
    pending += agg_pending_.size();
  }
  if (pending > 0) (void)FlushIndexBuffer();
  if (options_.sync) (void)env_->Sync(true);
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

  int dicts = 0;
  {
  // LMDB frees a write transaction's cursors at commit: this one must be
  // closed before that.
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
  // Erased statements leave gaps, and may have been the newest: sequences
  // are never reused (the sync cursors and the stored-time index name them),
  // nor does stored time go back before an erased statement's.
  s = txn.Get(Table::kMeta, kMetaSeqHighWater, &v);
  if (s.ok() && v.size() == 8) next_seq_ = std::max(next_seq_, DecodeFixed64BE(v.data()) + 1);
  last_seq_committed_ = next_seq_ - 1;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStoredTime)));
  s = c.Get(&key, &val, MDB_LAST);
  if (s.ok()) last_time_index_ms_ = static_cast<std::int64_t>(DecodeFixed64BE(
                  static_cast<const char*>(key.mv_data)));
  last_stored_ms_ = std::max(last_stored_ms_.load(), last_time_index_ms_);

  // Dictionaries.
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kMeta)));
  key = storage::Val(kMetaDictPrefix);
  s = c.Get(&key, &val, MDB_SET_RANGE);
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
  }
  next_dict_at_ = dicts == 0 ? 1000 : dicts == 1 ? 100000 : UINT64_MAX;
  LRS_RETURN_IF_ERROR(txn.Commit());  // nothing written: Store::Open stamped a new store
  LRS_RETURN_IF_ERROR(RebuildIndexBuffer());
  return PrepareAggregates();
}

// ---- Group commit -------------------------------------------------------------

Status StoreImpl::Write(WriteOp* op) {
  Writer w;
  w.op = op;
  std::unique_lock<std::mutex> l(mu_);
  writers_.push_back(&w);
  // A writer whose group is committing has left the queue: it waits for done.
  while (!w.done && (writers_.empty() || &w != writers_.front())) w.cv.wait(l);
  if (w.done) return w.status;

  // This writer leads: take the waiting writers up to the group limits.
  std::vector<Writer*> group;
  std::size_t bytes = 0;
  for (Writer* x : writers_) {
    if (!group.empty() &&
        (static_cast<int>(group.size()) >= options_.max_group_writers ||
         bytes + x->op->bytes > options_.max_group_bytes || x->op->exclusive ||
         group.front()->op->exclusive))
      break;
    group.push_back(x);
    bytes += x->op->bytes;
  }
  l.unlock();
  Status s = CommitGroup(group);
  l.lock();
  for (std::size_t i = 0; i < group.size(); ++i) writers_.pop_front();
  if (!writers_.empty()) writers_.front()->cv.notify_one();  // the next group starts
  l.unlock();
  // Durability: LMDB synced the data pages in the commit (MDB_NOMETASYNC);
  // the meta page is synced here, while the next group commits. Only then
  // are the writers told their data is stored.
  if (s.ok() && options_.sync) s = env_->Sync(true);
  l.lock();
  for (Writer* x : group) {
    if (!s.ok()) x->status = s;
    x->done = true;
    if (x != &w) x->cv.notify_one();
  }
  l.unlock();
  if (last_seq_committed_.load() >= next_dict_at_) MaybeTrainDictionary();
  return w.status;
}

Status StoreImpl::ApplyGroup(std::vector<Writer*>& group, storage::WriteTxn& txn,
                             GroupContext& ctx, std::vector<Status>* op_status, bool* redo) {
  *redo = false;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (!(*op_status)[i].ok()) continue;  // failed in an earlier attempt: left out
    Status s = group[i]->op->Apply(ctx, txn);
    if (s.ok()) continue;
    if (IsMapFull(s)) return s;  // the whole group retries after growing
    // The op failed (a conflict, a precondition...). Its partial writes are
    // in the transaction: the caller aborts it and applies the group again
    // without this op. Failures are rare, and a fresh transaction costs less
    // than a nested one per op (LMDB allocates megabytes for each).
    (*op_status)[i] = s;
    *redo = true;
    return Status::OK();
  }
  return Status::OK();
}

Status StoreImpl::RunWriteTxn(const std::function<Status(storage::WriteTxn&)>& fn) {
  for (int attempt = 0;; ++attempt) {
    storage::WriteTxn txn;
    Status s = env_->BeginWrite(&txn);
    if (s.ok()) s = fn(txn);
    if (s.ok()) s = txn.Commit();
    if (s.ok()) return s;
    txn.Abort();
    if (!IsMapFull(s) || attempt >= 64) return s;
    // LMDB found the map full: grow it (waits for readers) and redo it all.
    LRS_RETURN_IF_ERROR(env_->Grow());
  }
}

Status StoreImpl::CommitGroup(std::vector<Writer*>& group) {
  GroupContext ctx;
  std::vector<Status> op_status(group.size(), Status::OK());
  bool redo = false;
  Status s;
  do {
  s = RunWriteTxn([&](storage::WriteTxn& txn) {
    ctx = GroupContext();
    ctx.next_seq = next_seq_;
    ctx.stored_ms = std::max(NowMs(), last_stored_ms_.load());
    ctx.next_term_id = next_term_id_;
    ctx.time_index_written = ctx.stored_ms == last_time_index_ms_;
    LRS_RETURN_IF_ERROR(ApplyGroup(group, txn, ctx, &op_status, &redo));
    if (redo) return Status::Busy("redo the group without a failed op");
    if (options_.aggregates && !ctx.agg.empty()) {
      // Durable with the statements; merged into the tables by the next
      // FlushIndexBuffer.
      std::string rec;
      agg::EncodeDeltas(ctx.agg, &rec);
      LRS_RETURN_IF_ERROR(
          txn.Put(Table::kAggPending, Fixed64BE(agg_pending_next_), rec, MDB_APPEND));
    }
    if ((!ctx.postings.empty() || !ctx.catalog.empty()) && ctx.first_seq != 0) {
      // The group's index entries, durable with its statements (MemIndex).
      std::string pending;
      MemIndex::EncodePending(ctx, &pending);
      LRS_RETURN_IF_ERROR(txn.Put(Table::kPending, Fixed64BE(ctx.first_seq), pending, MDB_APPEND));
    }
    if (ctx.next_term_id != next_term_id_)
      LRS_RETURN_IF_ERROR(txn.Put(Table::kMeta, kMetaNextTerm, Fixed64BE(ctx.next_term_id)));
    return Status::OK();
  });
  } while (redo);
  if (!s.ok()) return s;
  {
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
    std::size_t agg_pending = 0;
    if (options_.aggregates && !ctx.agg.empty()) {
      ++agg_pending_next_;
      std::unique_lock<std::shared_mutex> l(agg_mu_);
      agg_pending_.Merge(ctx.agg);
      agg_pending = agg_pending_.size();
    }
    {
      // Publish the group's index entries; from here queries see it.
      std::unique_lock<std::shared_mutex> l(mem_.mu());
      for (const auto& p : ctx.postings) mem_.AddPosting(p.key, p.seq);
      mem_.TakeIds(ctx.new_ids);
      mem_.TakeTerms(ctx.new_terms);
      mem_.TakeCatalog(ctx.catalog);
      mem_.SetVisible(next_seq_ - 1, ctx.statements_added);
    }
    if (!ctx.new_authorities.empty()) {
      std::unique_lock<std::shared_mutex> l(cache_mu_);
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
    if (ctx.statements_added > 0) {
      std::lock_guard<std::mutex> l(listener_mu_);
      if (commit_listener_) commit_listener_();
    }
    if (agg_pending >= kAggPendingEntries && mem_.statements() < options_.index_buffer_statements) {
      // Memory bound of the pending aggregates (about 350 bytes an entry);
      // failing leaves them pending, as below.
      (void)FlushAggregates();
    }
    if (mem_.statements() >= options_.index_buffer_statements) {
      // The group's own writes are durable already; a failed flush leaves
      // the buffer as it is and is retried after the next commit.
      (void)FlushIndexBuffer();
    }
    return Status::OK();
  }
}

std::uint64_t StoreImpl::AggGeneration() const {
  for (;;) {
    {
      std::shared_lock<std::shared_mutex> l(agg_mu_);
      if (agg_gen_ % 2 == 0) return agg_gen_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

bool StoreImpl::PendingAgg(std::uint64_t gen, bool learners, const std::string& from,
                           const std::string& to,
                           std::vector<std::pair<std::string, std::string>>* out) const {
  out->clear();
  std::shared_lock<std::shared_mutex> l(agg_mu_);
  if (agg_gen_ != gen) return false;
  std::string buf;
  const auto& m = learners ? agg_pending_.learners : agg_pending_.cells;
  for (auto it = m.lower_bound(from); it != m.end() && it->first <= to; ++it) {
    buf.clear();
    agg::EncodeTally(it->second, &buf);
    out->emplace_back(it->first, buf);
  }
  if (!learners) {
    for (auto it = agg_pending_.marks.lower_bound(from);
         it != agg_pending_.marks.end() && it->first <= to; ++it)
      out->emplace_back(it->first, it->second);
    // A deleted 'N' marker: an empty value (a name never is).
    for (auto it = agg_pending_.unmarks.lower_bound(from);
         it != agg_pending_.unmarks.end() && *it <= to; ++it)
      out->emplace_back(*it, std::string());
    // Cells and markers have distinct leading bytes: one sort keeps both.
    std::sort(out->begin(), out->end());
  }
  return true;
}

bool StoreImpl::BeginAggFlush() {
  // Reports see agg_gen_ odd from here until EndAggFlush (AggGeneration).
  std::unique_lock<std::shared_mutex> l(agg_mu_);
  if (agg_pending_.empty()) return false;
  ++agg_gen_;
  return true;
}

Status StoreImpl::MoveAggregates(storage::WriteTxn& txn) {
  // agg_pending_ changes only in the leader, which is here.
  LRS_RETURN_IF_ERROR(agg::Apply(txn, agg_pending_));
  return storage::FromMdb(mdb_drop(txn.txn(), txn.dbi(Table::kAggPending), 0),
                          "mdb_drop agg_pending");
}

void StoreImpl::EndAggFlush(bool committed) {
  std::unique_lock<std::shared_mutex> l(agg_mu_);
  if (committed) agg_pending_.Clear();
  ++agg_gen_;
}

Status StoreImpl::FlushAggregates() {
  if (!BeginAggFlush()) return Status::OK();
  Status s = RunWriteTxn([&](storage::WriteTxn& txn) { return MoveAggregates(txn); });
  EndAggFlush(s.ok());
  return s;
}

Status StoreImpl::FlushIndexBuffer() {
  // The pending aggregates move with the indexes.
  const bool agg = BeginAggFlush();
  Status s = RunWriteTxn([&](storage::WriteTxn& txn) {
    if (agg) LRS_RETURN_IF_ERROR(MoveAggregates(txn));
    // Postings, ids and terms in key order: each page is touched once.
    std::vector<const std::pair<const std::uint64_t, std::vector<std::uint64_t>>*> keys;
    for (const auto& kv : mem_.postings()) keys.push_back(&kv);
    std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return a->first < b->first; });
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kIndex)));
    char seqbuf[8];
    for (const auto* kv : keys) {
      const std::string kb = IndexKeyBytes(kv->first);
      MDB_val k = storage::Val(kb);
      for (std::uint64_t seq : kv->second) {
        EncodeFixed64BE(seqbuf, seq);
        MDB_val v{8, seqbuf};
        int rc = mdb_cursor_put(c.get(), &k, &v, MDB_APPENDDUP);
        if (rc == MDB_KEYEXIST) rc = mdb_cursor_put(c.get(), &k, &v, MDB_NODUPDATA);
        if (rc != MDB_SUCCESS && rc != MDB_KEYEXIST) return storage::FromMdb(rc, "index flush");
      }
    }
    std::vector<const std::pair<const std::string, std::uint64_t>*> ids;
    for (const auto& kv : mem_.ids()) ids.push_back(&kv);
    std::sort(ids.begin(), ids.end(), [](auto* a, auto* b) { return a->first < b->first; });
    for (const auto* kv : ids)
      LRS_RETURN_IF_ERROR(txn.Put(Table::kStatementIds, kv->first, Fixed64BE(kv->second)));
    std::vector<std::pair<std::string, std::uint64_t>> terms;
    for (const auto& [t, id] : mem_.terms()) terms.emplace_back(TermKey(t), id);
    std::sort(terms.begin(), terms.end());
    for (const auto& [key, id] : terms) LRS_RETURN_IF_ERROR(txn.Put(Table::kTerms, key, Fixed64BE(id)));
    std::vector<const std::pair<const std::string, std::string>*> catalog;
    for (const auto& kv : mem_.catalog()) catalog.push_back(&kv);
    std::sort(catalog.begin(), catalog.end(), [](auto* a, auto* b) { return a->first < b->first; });
    for (const auto* kv : catalog) {
      auto table = static_cast<Table>(static_cast<unsigned char>(kv->first[0]));
      LRS_RETURN_IF_ERROR(txn.Put(table, std::string_view(kv->first).substr(1), kv->second));
    }
    LRS_RETURN_IF_ERROR(
        storage::FromMdb(mdb_drop(txn.txn(), txn.dbi(Table::kPending), 0), "mdb_drop"));
    return txn.Put(Table::kMeta, kMetaMergedUpto, Fixed64BE(next_seq_ - 1));
  });
  if (agg) EndAggFlush(s.ok());
  if (!s.ok()) return s;
  std::unique_lock<std::shared_mutex> l(mem_.mu());
  mem_.Clear();
  return Status::OK();
}

Status StoreImpl::RebuildIndexBuffer() {
  // Lock order, everywhere: mem_.mu() before a read transaction (which holds
  // the env's resize lock).
  std::unique_lock<std::shared_mutex> l(mem_.mu());
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  std::uint64_t merged = 0;
  std::string_view v;
  Status s = txn.Get(Table::kMeta, kMetaMergedUpto, &v);
  if (s.ok() && v.size() == 8) merged = DecodeFixed64BE(v.data());
  mem_.Clear();
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
  std::string start = Fixed64BE(merged + 1);
  MDB_val key = storage::Val(start), val;
  std::size_t count = 0;
  for (s = c.Get(&key, &val, MDB_SET_RANGE); s.ok(); s = c.Get(&key, &val, MDB_NEXT)) {
    storage::RecordHeader h;
    std::string_view body;
    LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(storage::View(val), &h, &body));
    mem_.AddId(std::string(reinterpret_cast<const char*>(h.id.data()), 16),
               DecodeFixed64BE(static_cast<const char*>(key.mv_data)));
    ++count;
  }
  if (!s.IsNotFound()) return s;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kPending)));
  for (s = c.Get(&key, &val, MDB_FIRST); s.ok(); s = c.Get(&key, &val, MDB_NEXT)) {
    if (!mem_.LoadPending(storage::View(val))) return Status::Corruption("pending index entry");
  }
  if (!s.IsNotFound()) return s;
  mem_.SetVisible(next_seq_ - 1, count);

  // The aggregate deltas not yet merged into their tables.
  std::unique_lock<std::shared_mutex> al(agg_mu_);
  agg_pending_.Clear();
  agg_pending_next_ = 1;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kAggPending)));
  for (s = c.Get(&key, &val, MDB_FIRST); s.ok(); s = c.Get(&key, &val, MDB_NEXT)) {
    if (key.mv_size != 8 || !agg::DecodeDeltas(storage::View(val), &agg_pending_))
      return Status::Corruption("pending aggregate entry");
    agg_pending_next_ = DecodeFixed64BE(static_cast<const char*>(key.mv_data)) + 1;
  }
  if (!s.IsNotFound()) return s;
  return Status::OK();
}

Status StoreImpl::CatalogGet(const GroupContext* ctx, MDB_txn* txn, storage::Table table,
                             std::string_view key, std::string* value) {
  const std::string ck = CatalogKey(table, key);
  if (ctx) {
    auto it = ctx->catalog.find(ck);
    if (it != ctx->catalog.end()) {
      *value = it->second;
      return Status::OK();
    }
  }
  if (const std::string* v = mem_.FindCatalog(ck)) {
    *value = *v;
    return Status::OK();
  }
  MDB_val k = storage::Val(key), v;
  int rc = mdb_get(txn, env_->dbi(table), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  LRS_RETURN_IF_ERROR(storage::FromMdb(rc, "mdb_get(catalog)"));
  value->assign(storage::View(v));
  return Status::OK();
}

void StoreImpl::CatalogPut(GroupContext& ctx, storage::Table table, std::string_view key,
                           std::string value) {
  std::string ck = CatalogKey(table, key);
  auto it = ctx.catalog.find(ck);
  if (it != ctx.catalog.end()) it->second = std::move(value);
  else ctx.catalog.emplace(std::move(ck), std::move(value));
}

Status StoreImpl::FindSeq(const GroupContext* ctx, MDB_txn* txn, std::string_view id_bytes,
                          std::uint64_t* seq) {
  if (ctx) {
    auto it = ctx->new_ids.find(id_bytes);
    if (it != ctx->new_ids.end()) {
      *seq = it->second;
      return Status::OK();
    }
  }
  if (mem_.FindId(id_bytes, seq)) return Status::OK();
  MDB_val k = storage::Val(id_bytes), v;
  int rc = mdb_get(txn, env_->dbi(Table::kStatementIds), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  LRS_RETURN_IF_ERROR(storage::FromMdb(rc, "mdb_get(statement id)"));
  if (v.mv_size != 8) return Status::Corruption("statement id entry");
  *seq = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
  return Status::OK();
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

bool StoreImpl::FindCachedTerm(std::string_view term, std::uint64_t* id) {
  if (mem_.FindTerm(term, id)) return true;  // REQUIRES: mem_.mu() held, or the leader
  std::shared_lock<std::shared_mutex> l(cache_mu_);
  auto it = term_cache_.find(term);
  if (it == term_cache_.end()) return false;
  *id = it->second;
  return true;
}

Status StoreImpl::FindStoredTerm(MDB_txn* txn, std::string_view term, std::uint64_t* id) {
  const std::string key = TermKey(term);
  MDB_val k = storage::Val(key), v;
  int rc = mdb_get(txn, env_->dbi(Table::kTerms), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  LRS_RETURN_IF_ERROR(storage::FromMdb(rc, "mdb_get(term)"));
  if (v.mv_size != 8) return Status::Corruption("term id");
  *id = DecodeFixed64BE(static_cast<const char*>(v.mv_data));
  // Term ids never change once stored: safe to cache.
  std::unique_lock<std::shared_mutex> l(cache_mu_);
  if (term_cache_.size() >= kMaxTermCache) term_cache_.clear();
  term_cache_.emplace(std::string(term), *id);
  return Status::OK();
}

Status StoreImpl::LookupTerm(const storage::ReadTxn& txn, std::string_view term,
                             std::uint64_t* id) {
  if (FindCachedTerm(term, id)) return Status::OK();
  return FindStoredTerm(txn.txn(), term, id);
}

Status StoreImpl::InternTerm(GroupContext& ctx, storage::WriteTxn& txn, std::string_view term,
                             std::uint64_t* id) {
  auto it = ctx.new_terms.find(term);
  if (it != ctx.new_terms.end()) {
    *id = it->second;
    return Status::OK();
  }
  // The leader is the only writer of mem_, so it may read it unlocked.
  if (FindCachedTerm(term, id)) return Status::OK();
  Status s = FindStoredTerm(txn.txn(), term, id);
  if (!s.IsNotFound()) return s;
  *id = ctx.next_term_id++;  // stored in kTerms at the next flush
  ctx.new_terms.emplace(std::string(term), *id);
  return Status::OK();
}

Status StoreImpl::ResolveTerms(const std::vector<std::pair<char, std::string>>& terms,
                               std::vector<std::uint64_t>* keys,
                               std::vector<std::pair<char, std::string>>* unresolved) {
  std::shared_lock<std::shared_mutex> mem_lock(mem_.mu());
  storage::ReadTxn txn;
  bool txn_open = false;
  // A term string often comes with two kinds (e.g. actor and related
  // agent): look each string up once.
  struct Done {
    std::string_view term;
    bool found;
    std::uint64_t id;
  };
  std::vector<Done> done;
  done.reserve(terms.size());
  keys->reserve(keys->size() + terms.size());
  for (const auto& [kind, term] : terms) {
    std::uint64_t id = 0;
    bool found = false, known = false;
    for (const Done& d : done) {
      if (d.term == term) {
        found = d.found;
        id = d.id;
        known = true;
        break;
      }
    }
    if (known) {
      if (found) keys->push_back(PostingKey(kind, id));
      else unresolved->emplace_back(kind, term);
      continue;
    }
    found = FindCachedTerm(term, &id);
    if (!found) {
      if (!txn_open) {  // opened only when a term is not cached
        LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
        txn_open = true;
      }
      Status s = FindStoredTerm(txn.txn(), term, &id);
      if (!s.ok() && !s.IsNotFound()) return s;
      found = s.ok();
    }
    done.push_back(Done{term, found, id});
    if (found) keys->push_back(PostingKey(kind, id));
    else unresolved->emplace_back(kind, term);
  }
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
