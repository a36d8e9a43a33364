// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The table-level steps of EraseAgent and PurgeStatements (see erasure.h),
// and ListAudit.

#include "lrs/core/erasure.h"

#include <openssl/sha.h>

#include <cctype>
#include <utility>

#include "lrs/common/coding.h"
#include "lrs/common/time.h"
#include "lrs/common/uuid.h"
#include "lrs/core/mem_index.h"
#include "lrs/core/store_impl.h"
#include "lrs/json/json.h"

namespace lrs::core {
namespace {

using storage::Table;

bool IgnoreNotFound(const Status& s) { return s.ok() || s.IsNotFound(); }

std::string Lower(std::string_view s) {
  std::string r(s);
  for (auto& c : r) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return r;
}

std::string HexSha256(std::string_view s) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : md) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

// Appends the keys of `t`, from `from` on (empty: the first), whose entries
// `pred(key, value)` selects: 1 take, 0 skip, -1 stop.
template <typename Pred>
Status SelectKeys(storage::WriteTxn& txn, Table t, std::string_view from, Pred pred,
                  std::vector<std::string>* keys) {
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(t)));
  MDB_val k = storage::Val(from), v;
  Status s = c.Get(&k, &v, from.empty() ? MDB_FIRST : MDB_SET_RANGE);
  for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
    int verdict = pred(storage::View(k), storage::View(v));
    if (verdict < 0) break;
    if (verdict > 0) keys->emplace_back(storage::View(k));
  }
  return IgnoreNotFound(s) ? Status::OK() : s;
}

}  // namespace

namespace erasure {

Status RewritePending(storage::WriteTxn& txn, const std::set<std::uint64_t>& gone,
                      const std::vector<Posting>& dropped, std::string_view catalog_key) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> drop;
  for (const Posting& p : dropped) drop.emplace(p.key, p.seq);
  const Status bad = Status::Corruption("pending index entry");
  std::vector<std::pair<std::string, std::string>> rewrites;
  {
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kPending)));
    MDB_val k, v;
    Status s = c.Get(&k, &v, MDB_FIRST);
    for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
      std::string_view in = storage::View(v);
      GroupContext g;  // only what EncodePending writes
      bool changed = false;
      std::uint64_t n;
      if (!GetVarint64(&in, &n)) return bad;
      for (std::uint64_t i = 0; i < n; ++i) {
        std::string_view term;
        std::uint64_t id;
        if (!GetLengthPrefixed(&in, &term) || !GetVarint64(&in, &id)) return bad;
        g.new_terms.emplace(std::string(term), id);
      }
      if (!GetVarint64(&in, &n)) return bad;
      for (std::uint64_t i = 0; i < n; ++i) {
        Posting p;
        if (!GetVarint64(&in, &p.key) || !GetVarint64(&in, &p.seq)) return bad;
        if (gone.count(p.seq) || drop.count({p.key, p.seq})) changed = true;
        else g.postings.push_back(p);
      }
      if (!GetVarint64(&in, &n)) return bad;
      for (std::uint64_t i = 0; i < n; ++i) {
        std::string_view key, value;
        if (!GetLengthPrefixed(&in, &key) || !GetLengthPrefixed(&in, &value)) return bad;
        if (key == catalog_key) changed = true;
        else g.catalog.emplace(std::string(key), std::string(value));
      }
      if (!in.empty()) return bad;
      if (!changed) continue;
      std::string out;
      MemIndex::EncodePending(g, &out);
      rewrites.emplace_back(std::string(storage::View(k)), std::move(out));
    }
    if (!IgnoreNotFound(s)) return s;
  }  // the cursor closes before the writes
  for (const auto& [key, value] : rewrites) LRS_RETURN_IF_ERROR(txn.Put(Table::kPending, key, value));
  return Status::OK();
}

// Keys (documents.cc): state 's' activity(8) agent(8) ..., agent profile
// 'g' agent(8) ...
Status DeleteDocuments(storage::WriteTxn& txn, std::uint64_t tid, std::uint64_t* count) {
  std::vector<std::string> keys;
  const std::string profiles = "g" + Fixed64BE(tid);
  LRS_RETURN_IF_ERROR(SelectKeys(txn, Table::kDocuments, profiles, [&](std::string_view k, auto) {
    return k.substr(0, profiles.size()) == profiles ? 1 : -1;
  }, &keys));
  // State: one seek to (activity, agent) per activity that has state, not a
  // scan of every state document.
  {
    storage::Cursor c;
    LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kDocuments)));
    std::uint64_t activity = 0;
    for (;;) {
      const std::string prefix = "s" + Fixed64BE(activity) + Fixed64BE(tid);
      MDB_val k = storage::Val(prefix), v;
      Status s = c.Get(&k, &v, MDB_SET_RANGE);
      if (s.IsNotFound()) break;
      LRS_RETURN_IF_ERROR(s);
      std::string_view key = storage::View(k);
      if (key.size() < prefix.size() || key[0] != 's') break;
      const std::uint64_t a = DecodeFixed64BE(key.data() + 1);
      if (a != activity) {  // the next activity that has state
        activity = a;
        continue;
      }
      for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) {
        key = storage::View(k);
        if (key.substr(0, prefix.size()) != prefix) break;
        keys.emplace_back(key);
      }
      if (!IgnoreNotFound(s)) return s;
      if (activity == UINT64_MAX) break;
      ++activity;
    }
  }
  for (const auto& k : keys) LRS_RETURN_IF_ERROR(txn.Del(Table::kDocuments, k));
  *count = keys.size();
  return Status::OK();
}

// Key layouts: FORMAT.md (sync_retry, sync_dlq, sync_state).
Status DeleteSyncEntries(storage::WriteTxn& txn, const std::set<std::uint64_t>& gone,
                         const std::set<std::string>& gone_ids, std::string_view email,
                         std::uint64_t* count) {
  std::vector<std::pair<Table, std::string>> del;
  std::vector<std::string> keys;
  // sync_retry: destination NUL learner-hash(32) seq(8).
  LRS_RETURN_IF_ERROR(SelectKeys(txn, Table::kSyncRetry, "", [&](std::string_view k, auto) {
    std::size_t nul = k.find('\0');
    if (nul == std::string_view::npos || k.size() != nul + 1 + 32 + 8) return 0;
    return gone.count(DecodeFixed64BE(k.data() + k.size() - 8)) ? 1 : 0;
  }, &keys));
  for (auto& k : keys) del.emplace_back(Table::kSyncRetry, std::move(k));
  keys.clear();
  // sync_dlq: destination NUL seq(8) -> {"statement_id", ...}.
  LRS_RETURN_IF_ERROR(SelectKeys(txn, Table::kSyncDlq, "", [&](std::string_view k,
                                                               std::string_view v) {
    std::size_t nul = k.find('\0');
    if (nul == std::string_view::npos || k.size() != nul + 1 + 8) return 0;
    if (gone.count(DecodeFixed64BE(k.data() + nul + 1))) return 1;
    json::Document d;
    Uuid id;
    bool named = json::Parse(v, &d).ok() && d.IsObject() &&
                 Uuid::Parse(json::StringOr(d, "statement_id"), &id) &&
                 gone_ids.count(std::string(id.AsBytes())) != 0;
    return named ? 1 : 0;
  }, &keys));
  for (auto& k : keys) del.emplace_back(Table::kSyncDlq, std::move(k));
  keys.clear();
  // sync_state: destination NUL 's' key. Remote ids are "<kind>:<email>"
  // with the e-mail lowercased (hubspot_connector.cc, marketo_connector.cc)
  // or "<kind>:<statement id>" (salesforce_connector.cc).
  std::set<std::string> id_texts;
  for (const auto& b : gone_ids) id_texts.insert(Uuid::FromBytes(b).ToString());
  const std::string suffix = ":" + std::string(email);
  LRS_RETURN_IF_ERROR(SelectKeys(txn, Table::kSyncState, "", [&](std::string_view k, auto) {
    std::size_t nul = k.find('\0');
    if (nul == std::string_view::npos || k.size() < nul + 2 || k[nul + 1] != 's') return 0;
    const std::string name = Lower(k.substr(nul + 2));
    const std::size_t colon = name.rfind(':');
    bool match = (!email.empty() && name.size() > suffix.size() &&
                  name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0) ||
                 (colon != std::string::npos && id_texts.count(name.substr(colon + 1)) != 0);
    return match ? 1 : 0;
  }, &keys));
  for (auto& k : keys) del.emplace_back(Table::kSyncState, std::move(k));
  for (const auto& [table, key] : del) LRS_RETURN_IF_ERROR(txn.Del(table, key));
  *count = del.size();
  return Status::OK();
}

// Key: a big-endian counter, so records list oldest first.
Status PutAuditRecord(storage::WriteTxn& txn, std::string_view record, std::uint64_t* key) {
  if (*key != 0) return txn.Put(Table::kAudit, Fixed64BE(*key), record);
  std::uint64_t n;
  LRS_RETURN_IF_ERROR(storage::LastFixed64Key(txn.txn(), txn.dbi(Table::kAudit), &n));
  ++n;
  LRS_RETURN_IF_ERROR(txn.Put(Table::kAudit, Fixed64BE(n), record, MDB_APPEND));
  *key = n;
  return Status::OK();
}

Status AppendAuditRecord(storage::WriteTxn& txn, std::string_view identity_key,
                         std::int64_t now_ms, ErasureReport* report) {
  report->audit_id = Uuid::Random().ToString();
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  d.AddMember("id", json::StringValue(report->audit_id, a), a);
  d.AddMember("op", "erase_agent", a);
  d.AddMember("at", json::StringValue(FormatIso8601Millis(now_ms * 1000), a), a);
  d.AddMember("agent_sha256", json::StringValue(HexSha256(identity_key), a), a);
  d.AddMember("statements", report->statements, a);
  d.AddMember("documents", report->documents, a);
  d.AddMember("sync_records", report->sync_records, a);
  std::uint64_t key = 0;
  return PutAuditRecord(txn, json::Write(d), &key);
}

}  // namespace erasure

Status StoreImpl::ListAudit(std::vector<std::string>* records) {
  records->clear();
  storage::ReadTxn txn;
  LRS_RETURN_IF_ERROR(env_->BeginRead(&txn));
  storage::Cursor c;
  LRS_RETURN_IF_ERROR(c.Open(txn.txn(), txn.dbi(Table::kAudit)));
  MDB_val k, v;
  Status s = c.Get(&k, &v, MDB_FIRST);
  for (; s.ok(); s = c.Get(&k, &v, MDB_NEXT)) records->emplace_back(storage::View(v));
  return IgnoreNotFound(s) ? Status::OK() : s;
}

}  // namespace lrs::core
