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
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "lrs/status.h"
#include "lrs/storage/env.h"

namespace lrs::core {

// An index posting to write at the end of the group, sorted, so that
// postings of the same term share one B-tree descent.
struct Posting {
  std::string key;     // index kind (1 byte) + term id (8 bytes BE)
  std::uint64_t seq;
  bool append;         // seq is the largest for its key (MDB_APPENDDUP)
};

// State shared by the ops of one commit group. Owned by the leader.
struct GroupContext {
  std::uint64_t next_seq = 0;        // next statement sequence to assign
  std::int64_t stored_ms = 0;        // "stored" of every statement in the group
  std::uint64_t next_term_id = 0;    // next term id to allocate
  std::vector<Posting> postings;     // flushed before commit
  // Terms and authorities created in this group (published after commit).
  std::unordered_map<std::string, std::uint64_t> new_terms;
  std::unordered_map<std::uint64_t, std::string> new_authorities;
  std::vector<std::string> new_term_log;         // insertion order, for rollback
  std::vector<std::uint64_t> new_authority_log;  // likewise
  // Hashes of activity definitions / agent names merged in this group
  // (published after commit so unchanged ones are skipped next time).
  std::vector<std::uint64_t> seen_hashes;
  bool time_index_written = false;
  std::uint64_t statements_added = 0;
};

class WriteOp {
 public:
  virtual ~WriteOp() = default;
  // Applies the op. Called again from scratch if the group is retried
  // (after the map grew), so it must reset any result it records.
  // A non-OK status undoes this op's writes (its child transaction).
  virtual Status Apply(GroupContext& ctx, storage::WriteTxn& txn) = 0;
  // Called once the group is durably committed.
  virtual void Committed() {}
  // Approximate size, for bounding groups.
  std::size_t bytes = 0;
};

}  // namespace lrs::core

#endif  // LRS_CORE_WRITE_GROUP_H_
