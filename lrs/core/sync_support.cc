// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// StoreImpl's support for the sync module: the outbox (the stored-order
// sequence read past a position) and the sync tables, written through
// group commit so they share commits (and fsyncs) with statements.

#include <unordered_set>

#include "lrs/common/coding.h"
#include "lrs/core/store_impl.h"

namespace lrs::core {
namespace {

using storage::Table;

bool IsSyncTable(Table t) {
  return t == Table::kSyncCursors || t == Table::kSyncRetry || t == Table::kSyncDlq ||
         t == Table::kSyncState;
}

class SyncWriteOp final : public WriteOp {
 public:
  explicit SyncWriteOp(std::vector<StoreImpl::SyncMutation> m) : muts_(std::move(m)) {
    for (const auto& x : muts_) bytes += x.key.size() + (x.value ? x.value->size() : 0);
  }
  Status Apply(GroupContext&, storage::WriteTxn& txn) override {
    for (const auto& m : muts_) {
      if (m.value) {
        LRS_RETURN_IF_ERROR(txn.Put(m.table, m.key, *m.value));
      } else {
        Status s = txn.Del(m.table, m.key);
        if (!s.ok() && !s.IsNotFound()) return s;
      }
    }
    return Status::OK();
  }

 private:
  std::vector<StoreImpl::SyncMutation> muts_;
};

}  // namespace

Status StoreImpl::ReadOutbox(std::uint64_t after, std::size_t max, bool with_attachments,
                             std::vector<OutboxEntry>* out) {
  out->clear();
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  const std::uint64_t last = last_seq_committed_.load();
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kStatements)));
  std::string start = Fixed64BE(after + 1);
  MDB_val k = storage::Val(start), v;
  Status s = c.Get(&k, &v, MDB_SET_RANGE);
  while (s.ok() && out->size() < max) {
    std::uint64_t seq = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
    if (seq > last) break;  // not yet published
    OutboxEntry e;
    e.seq = seq;
    LRS_RETURN_IF_ERROR(
        RenderRecord(&txn, nullptr, storage::View(v), StatementFormat::kExact, {}, &e.json));
    if (with_attachments && e.json.find("\"attachments\"") != std::string::npos) {
      std::unordered_set<std::string> seen;
      LRS_RETURN_IF_ERROR(CollectAttachments(txn, e.json, &seen, &e.attachments));
    }
    out->push_back(std::move(e));
    s = c.Get(&k, &v, MDB_NEXT);
  }
  if (!s.ok() && !s.IsNotFound()) return s;
  return Status::OK();
}

Status StoreImpl::SyncGet(Table t, std::string_view key, std::string* value) {
  if (!IsSyncTable(t)) return Status::InvalidArgument("not a sync table");
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  std::string_view v;
  LRS_RETURN_IF_ERROR(txn.Get(t, key, &v));
  value->assign(v);
  return Status::OK();
}

Status StoreImpl::SyncScan(Table t, std::string_view prefix, std::string_view from,
                           std::size_t max, std::vector<std::pair<std::string, std::string>>* out) {
  out->clear();
  if (!IsSyncTable(t)) return Status::InvalidArgument("not a sync table");
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(t)));
  std::string start(from < prefix ? prefix : from);
  MDB_val k = storage::Val(start), v;
  Status s = c.Get(&k, &v, MDB_SET_RANGE);
  while (s.ok() && out->size() < max) {
    std::string_view key = storage::View(k);
    if (key.substr(0, prefix.size()) != prefix) break;
    out->emplace_back(std::string(key), std::string(storage::View(v)));
    s = c.Get(&k, &v, MDB_NEXT);
  }
  if (!s.ok() && !s.IsNotFound()) return s;
  return Status::OK();
}

Status StoreImpl::SyncWrite(std::vector<SyncMutation> mutations) {
  for (const auto& m : mutations) {
    if (!IsSyncTable(m.table)) return Status::InvalidArgument("not a sync table");
    if (m.key.empty() || m.key.size() > 500)
      return Status::InvalidArgument("sync key: must be 1..500 bytes");
  }
  if (mutations.empty()) return Status::OK();
  SyncWriteOp op(std::move(mutations));
  return Write(&op);
}

void StoreImpl::SetCommitListener(std::function<void()> listener) {
  std::lock_guard<std::mutex> l(listener_mu_);
  commit_listener_ = std::move(listener);
}

}  // namespace lrs::core
