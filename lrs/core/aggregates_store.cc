// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The store's side of the reporting aggregates (aggregates.h): term
// resolution in the commit, subtraction of voided and deleted statements,
// and the build from existing statements at open.

#include <string>

#include "lrs/common/coding.h"
#include "lrs/core/aggregates.h"
#include "lrs/core/store_impl.h"

namespace lrs::core {
namespace {

using storage::Table;

// Statements per transaction when aggregates are built at open.
constexpr std::size_t kBuildBatch = 20000;

}  // namespace

Status StoreImpl::ResolveAggTerms(GroupContext& ctx, storage::WriteTxn& txn,
                                  const agg::Contribution& c, agg::ResolvedTerms* out) {
  *out = agg::ResolvedTerms();
  if (!c.actor.empty()) LRS_RETURN_IF_ERROR(InternTerm(ctx, txn, c.actor, &out->actor));
  if (!c.verb.empty()) LRS_RETURN_IF_ERROR(InternTerm(ctx, txn, c.verb, &out->verb));
  if (!c.object.empty()) LRS_RETURN_IF_ERROR(InternTerm(ctx, txn, c.object, &out->object));
  out->context.resize(c.context.size());
  for (std::size_t i = 0; i < c.context.size(); ++i)
    LRS_RETURN_IF_ERROR(InternTerm(ctx, txn, c.context[i], &out->context[i]));
  return Status::OK();
}

Status StoreImpl::SubtractFromAggregates(GroupContext& ctx, storage::WriteTxn& txn,
                                         std::string_view record, bool voided) {
  if (voided) return Status::OK();  // its voiding took it out already
  storage::RecordHeader h;
  std::string_view body;
  LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(record, &h, &body));
  if (h.voiding) return Status::OK();  // voiding statements never count
  std::string text;
  LRS_RETURN_IF_ERROR(RenderRecord(nullptr, &txn, record, StatementFormat::kExact, {}, &text));
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(text, &d, json::Limits{1u << 30, 1 << 10}));
  agg::Contribution c;
  agg::Extract(d, &c);
  if (!c.counted) return Status::OK();
  agg::ResolvedTerms rt;
  LRS_RETURN_IF_ERROR(ResolveAggTerms(ctx, txn, c, &rt));
  agg::Accumulate(c, rt, h.stored_ms, -1, &ctx.agg);
  return Status::OK();
}

Status StoreImpl::UnmarkPendingAgg(storage::WriteTxn& txn, const std::string& marker) {
  std::vector<std::pair<std::string, std::string>> rewrites;
  {
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kAggPending)));
    MDB_val k, v;
    Status s;
    for (s = c.Get(&k, &v, MDB_FIRST); s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
      agg::Deltas d;
      if (!agg::DecodeDeltas(storage::View(v), &d)) return Status::Corruption("pending aggregate entry");
      if (d.marks.erase(marker) == 0) continue;
      std::string out;
      agg::EncodeDeltas(d, &out);
      rewrites.emplace_back(std::string(storage::View(k)), std::move(out));
    }
    if (!s.IsNotFound()) return s;
  }  // the cursor closes before the writes
  for (const auto& [key, value] : rewrites) LRS_RETURN_IF_ERROR(txn.Put(Table::kAggPending, key, value));
  return Status::OK();
}

Status StoreImpl::PrepareAggregates() {
  std::string state;
  {
    storage::ReadTxn r;
    LRS_RETURN_IF_ERROR(env_->BeginRead(&r));
    std::string_view v;
    Status s = r.Get(Table::kMeta, agg::kMetaAggState, &v);
    if (s.ok()) state = std::string(v);
    else if (!s.IsNotFound()) return s;
  }
  if (!options_.aggregates) {
    if (state.empty()) return Status::OK();
    // Writes from now on are not counted: the cells go stale, and a later
    // open with aggregates on must build them again.
    {
      std::unique_lock<std::shared_mutex> l(agg_mu_);
      agg_pending_.Clear();
    }
    return RunWriteTxn([&](storage::WriteTxn& txn) {
      LRS_RETURN_IF_ERROR(storage::FromMdb(
          mdb_drop(txn.txn(), txn.dbi(Table::kAggPending), 0), "mdb_drop agg_pending"));
      return txn.Del(Table::kMeta, agg::kMetaAggState);
    });
  }
  if (state == "1") return Status::OK();

  // Build from every statement, in batches; each batch commits its cells,
  // and only the last one marks them complete, so an interrupted build
  // starts over at the next open.
  {
    std::unique_lock<std::shared_mutex> l(agg_mu_);
    agg_pending_.Clear();
  }
  LRS_RETURN_IF_ERROR(RunWriteTxn([&](storage::WriteTxn& txn) {
    LRS_RETURN_IF_ERROR(storage::FromMdb(
        mdb_drop(txn.txn(), txn.dbi(Table::kAggPending), 0), "mdb_drop agg_pending"));
    LRS_RETURN_IF_ERROR(
        storage::FromMdb(mdb_drop(txn.txn(), txn.dbi(Table::kAgg), 0), "mdb_drop agg"));
    return storage::FromMdb(mdb_drop(txn.txn(), txn.dbi(Table::kAggLearners), 0),
                            "mdb_drop agg_learners");
  }));
  // Every term a contribution names is an index term of its statement,
  // interned when it was stored (in the buffer or the terms table).
  auto find = [&](storage::WriteTxn& txn, const std::string& term) -> std::uint64_t {
    std::uint64_t id = 0;
    if (term.empty()) return 0;
    if (FindCachedTerm(term, &id)) return id;
    return FindStoredTerm(txn.txn(), term, &id).ok() ? id : 0;
  };
  std::uint64_t after = 0;
  bool done = false;
  while (!done) {
    LRS_RETURN_IF_ERROR(RunWriteTxn([&](storage::WriteTxn& txn) {
      agg::Deltas deltas;
      std::uint64_t last = after;
      std::size_t n = 0;
      done = true;
      {
        storage::Cursor c;
        LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
        std::string start = Fixed64BE(after + 1);
        MDB_val key = storage::Val(start), val;
        Status s;
        for (s = c.Get(&key, &val, MDB_SET_RANGE); s.ok(); s = c.Get(&key, &val, MDB_NEXT)) {
          if (n == kBuildBatch) {
            done = false;
            break;
          }
          ++n;
          last = DecodeFixed64BE(static_cast<const char*>(key.mv_data));
          const std::string_view record = storage::View(val);
          storage::RecordHeader h;
          std::string_view body;
          LRS_RETURN_IF_ERROR(storage::RecordCodec::DecodeHeader(record, &h, &body));
          if (h.voiding) continue;
          std::string_view unused;
          Status vs = txn.Get(Table::kVoided, storage::View(key), &unused);
          if (vs.ok()) continue;
          if (!vs.IsNotFound()) return vs;
          std::string text;
          LRS_RETURN_IF_ERROR(
              RenderRecord(nullptr, &txn, record, StatementFormat::kExact, {}, &text));
          json::Document d;
          LRS_RETURN_IF_ERROR(json::Parse(text, &d, json::Limits{1u << 30, 1 << 10}));
          agg::Contribution contrib;
          agg::Extract(d, &contrib);
          if (!contrib.counted) continue;
          agg::ResolvedTerms rt;
          rt.actor = find(txn, contrib.actor);
          rt.verb = find(txn, contrib.verb);
          rt.object = find(txn, contrib.object);
          for (const auto& t : contrib.context) rt.context.push_back(find(txn, t));
          agg::Accumulate(contrib, rt, h.stored_ms, +1, &deltas);
        }
        if (!s.ok() && !s.IsNotFound()) return s;
      }
      LRS_RETURN_IF_ERROR(agg::Apply(txn, deltas));
      if (done) LRS_RETURN_IF_ERROR(txn.Put(Table::kMeta, agg::kMetaAggState, "1"));
      after = last;
      return Status::OK();
    }));
  }
  return Status::OK();
}

}  // namespace lrs::core
