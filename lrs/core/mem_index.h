// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// MemIndex: the write buffer of the statement indexes.
//
// LMDB rewrites every B-tree page a transaction touches. Index postings of
// high-cardinality terms (agents, registrations, statement ids) land on
// random pages, so writing them per commit would rewrite megabytes per
// group. Instead each commit appends its postings and new terms to the
// sequential "pending" table (durable in the same transaction as the
// statements) and publishes them here; queries read LMDB and this buffer
// together; and when the buffer is large, one flush merges it into the
// LMDB tables in key order, touching each page once. At open the buffer is
// rebuilt from the pending table. (An LSM memtable over a B-tree.)
//
// Thread safety: readers hold mu() shared for the whole of a query (so a
// flush cannot drop entries they have not yet seen in LMDB); Publish and
// Clear take it exclusively. Lock order: mu() before any read transaction.

#ifndef LRS_CORE_MEM_INDEX_H_
#define LRS_CORE_MEM_INDEX_H_

#include <cstdint>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lrs/common/string_hash.h"
#include "lrs/core/write_group.h"

namespace lrs::core {

class MemIndex {
 public:
  std::shared_mutex& mu() { return mu_; }

  // ---- REQUIRES: mu() held (shared or exclusive) ----
  // Sorted sequences of an index key, or nullptr.
  const std::vector<std::uint64_t>* Postings(std::uint64_t key) const;
  bool FindId(std::string_view id_bytes, std::uint64_t* seq) const;
  bool FindTerm(std::string_view term, std::uint64_t* id) const;
  // A buffered value of the activities or agents table (CatalogKey).
  const std::string* FindCatalog(std::string_view catalog_key) const;
  const StringMap<std::string>& catalog() const { return catalog_; }
  // Statements with seq <= this are committed and indexed (visible).
  std::uint64_t visible_seq() const { return visible_seq_; }
  std::size_t statements() const { return statements_; }
  const std::unordered_map<std::uint64_t, std::vector<std::uint64_t>>& postings() const {
    return postings_;
  }
  const StringMap<std::uint64_t>& ids() const { return ids_; }
  const StringMap<std::uint64_t>& terms() const { return terms_; }

  // ---- REQUIRES: mu() held exclusively ----
  void AddPosting(std::uint64_t key, std::uint64_t seq);
  void AddId(std::string id_bytes, std::uint64_t seq) { ids_[std::move(id_bytes)] = seq; }
  void AddTerm(std::string term, std::uint64_t id) { terms_[std::move(term)] = id; }
  void PutCatalog(std::string catalog_key, std::string value) {
    catalog_[std::move(catalog_key)] = std::move(value);
  }
  // Moves a group's entries in (their nodes, without copying the keys);
  // later values win, as with AddId/AddTerm/PutCatalog. Empties the sources.
  void TakeIds(StringMap<std::uint64_t>& from) { MoveEntries(from, ids_); }
  void TakeTerms(StringMap<std::uint64_t>& from) { MoveEntries(from, terms_); }
  void TakeCatalog(StringMap<std::string>& from) { MoveEntries(from, catalog_); }
  void SetVisible(std::uint64_t seq, std::size_t added) {
    visible_seq_ = seq;
    statements_ += added;
  }
  void Clear();
  // Erasure (erasure.cc): drops one posting; an id while it still maps to
  // `seq`; a catalog value. Absent entries are fine.
  void RemovePosting(std::uint64_t key, std::uint64_t seq);
  void RemoveId(std::string_view id_bytes, std::uint64_t seq);
  void RemoveCatalog(std::string_view catalog_key);

  // Encodes the durable part of a group (its postings and new terms) as a
  // pending-table value, and decodes it back into this index.
  static void EncodePending(const GroupContext& ctx, std::string* out);
  // REQUIRES: mu() held exclusively.
  bool LoadPending(std::string_view value);

 private:
  template <typename Map>
  static void MoveEntries(Map& from, Map& to) {
    while (!from.empty()) {
      auto r = to.insert(from.extract(from.begin()));
      if (!r.inserted) r.position->second = std::move(r.node.mapped());
    }
  }

  std::shared_mutex mu_;
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> postings_;  // PostingKey -> seqs
  StringMap<std::uint64_t> ids_;    // id bytes -> seq
  StringMap<std::uint64_t> terms_;  // term -> id
  StringMap<std::string> catalog_;  // CatalogKey -> value
  std::uint64_t visible_seq_ = 0;
  std::size_t statements_ = 0;
};

}  // namespace lrs::core

#endif  // LRS_CORE_MEM_INDEX_H_
