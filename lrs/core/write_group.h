// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Group commit. Writers enqueue a WriteOp; the writer at the head of the
// queue becomes the leader, folds the queued ops into one LMDB write
// transaction (each op in its own child transaction, so a failing op undoes
// only its own writes), commits once (one fsync for the whole group) and
// wakes the others with their own status. Modeled on LevelDB's
// DBImpl::Write/BuildBatchGroup.

#ifndef LRS_CORE_WRITE_GROUP_H_
#define LRS_CORE_WRITE_GROUP_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "lrs/common/string_hash.h"
#include "lrs/core/aggregates.h"
#include "lrs/status.h"
#include "lrs/storage/env.h"

namespace lrs::core {

// An index posting to write at the end of the group, sorted, so that
// postings of the same term share one B-tree descent.
struct Posting {
  std::uint64_t key;   // PostingKey(kind, term id)
  std::uint64_t seq;
};

// An index key packed in 64 bits: the kind in the top byte, the term id
// below (term ids stay far below 2^56). Stored in LMDB as 9 bytes, see
// IndexKeyBytes().
inline std::uint64_t PostingKey(char kind, std::uint64_t term_id) {
  return (static_cast<std::uint64_t>(static_cast<unsigned char>(kind)) << 56) | term_id;
}
// A deferred table write's key: the table number, then the table's key.
inline std::string CatalogKey(storage::Table t, std::string_view key) {
  std::string s(1, static_cast<char>(t));
  s.append(key);
  return s;
}
inline std::string IndexKeyBytes(std::uint64_t key) {
  std::string s(9, '\0');
  s[0] = static_cast<char>(key >> 56);
  std::uint64_t id = key & ((std::uint64_t{1} << 56) - 1);
  for (int i = 8; i >= 1; --i) {
    s[i] = static_cast<char>(id & 0xff);
    id >>= 8;
  }
  return s;
}

// State shared by the ops of one commit group. Owned by the leader.
struct GroupContext {
  std::uint64_t next_seq = 0;        // next statement sequence to assign
  std::int64_t stored_ms = 0;        // "stored" of every statement in the group
  std::uint64_t next_term_id = 0;    // next term id to allocate
  std::vector<Posting> postings;     // flushed before commit
  // Terms and authorities created in this group (published after commit).
  StringMap<std::uint64_t> new_terms;
  std::unordered_map<std::uint64_t, std::string> new_authorities;
  // Statement ids stored in this group (id bytes -> seq).
  StringMap<std::uint64_t> new_ids;
  std::uint64_t first_seq = 0;
  // Deferred writes to the activities and agents tables (see MemIndex):
  // CatalogKey -> latest value.
  StringMap<std::string> catalog;
  // Hashes of activity definitions / agent names merged in this group
  // (published after commit so unchanged ones are skipped next time).
  std::vector<std::uint64_t> seen_hashes;
  bool time_index_written = false;
  std::uint64_t statements_added = 0;
  // Reporting aggregate deltas of the group (written before commit).
  agg::Deltas agg;
};

class WriteOp {
 public:
  virtual ~WriteOp() = default;
  // Applies the op. Called again from scratch if the group is retried
  // (after the map grew, or without an op that failed), so it must reset
  // any result it records. A non-OK status leaves the op out of the group:
  // the group's transaction is redone without it.
  virtual Status Apply(GroupContext& ctx, storage::WriteTxn& txn) = 0;
  // Called once the group is durably committed.
  virtual void Committed() {}
  // Approximate size, for bounding groups.
  std::size_t bytes = 0;
  // True: the op commits in a group of its own (no other op sees the index
  // buffer it leaves stale until Committed(); see erasure.cc).
  bool exclusive = false;
};

}  // namespace lrs::core

#endif  // LRS_CORE_WRITE_GROUP_H_
