// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Env: the LMDB environment of one store, its named tables, and RAII
// transactions. The only place (with env.cc) that knows LMDB's error codes;
// everything above sees Status.
//
// Threading: read transactions may be opened from any thread at any time
// (MDB_NOTLS); at most one write transaction exists at a time, opened by the
// write-group leader. Growing the map waits for open read transactions.

#ifndef LRS_STORAGE_ENV_H_
#define LRS_STORAGE_ENV_H_

#include <lmdb.h>

#include <atomic>
#include <cstddef>
#include <functional>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "lrs/status.h"

namespace lrs::storage {

// The tables of a store; see FORMAT.md for keys and values.
enum class Table : int {
  kMeta = 0,      // name -> value (format version, dictionaries)
  kStatements,    // seq -> statement record
  kStatementIds,  // uuid(16) -> seq
  kVoided,        // seq of a voided statement -> seq of its voiding statement
  kVoids,         // target uuid(16) -> seq of a voiding statement (DUPSORT)
  kRefs,          // target uuid(16) -> seq of a statement referring to it (DUPSORT)
  kStoredTime,    // stored ms -> first seq stored at that ms
  kTerms,         // term string -> term id
  kIndex,         // index kind + term id -> seq (DUPSORT, DUPFIXED)
  kAttachments,   // sha2 -> content type + data
  kActivities,    // activity IRI (term key) -> canonical Activity JSON
  kAgents,        // agent identity key (term key) -> names JSON
  kDocuments,     // document key -> document record
  kPending,       // first seq of a group -> its index postings and new terms
  // The sync module's state, per destination (keys start with the
  // destination name and a NUL; see lrs/storage/FORMAT.md):
  kSyncCursors,   // destination -> last outbox seq handled
  kSyncRetry,     // destination, learner, seq -> attempts, next attempt, error
  kSyncDlq,       // destination, seq -> dead-lettered record
  kSyncState,     // destination, key -> connector state (tokens, remote ids)
  kAudit,         // counter (8) -> audit record of a destructive operation (JSON)
  kAgg,           // reporting cells and markers (lrs/core/aggregates.h)
  kAggLearners,   // reporting cells per learner (lrs/core/aggregates.h)
  kAggPending,    // counter (8) -> aggregate deltas of a commit, not yet in agg/agg_learners
  kCount
};

class WriteTxn;

struct EnvOptions {
  std::size_t initial_map_size = std::size_t{64} << 20;
  std::size_t max_map_size = 0;  // 0: address-space bound
  bool sync = true;
  unsigned max_readers = 512;
  bool create_if_missing = true;
  // Runs in the transaction that opens the tables (creating them in a new
  // store), before it commits: what it writes shares that commit and its
  // sync. Called once, during Open. May be empty.
  std::function<Status(WriteTxn&)> on_open;
};

// Translates an LMDB return code; `what` names the operation.
Status FromMdb(int rc, std::string_view what);

inline MDB_val Val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
inline std::string_view View(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

class Env;

// A read-only snapshot. Values returned by Get() point into the map and
// stay valid until the transaction ends.
class ReadTxn {
 public:
  ReadTxn() = default;
  ~ReadTxn() { Reset(); }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;

  MDB_txn* txn() const { return txn_; }
  Env* env() const { return env_; }
  MDB_dbi dbi(Table t) const;
  // OK and *value set, NotFound, or another error.
  Status Get(Table t, std::string_view key, std::string_view* value) const;
  void Reset();

 private:
  friend class Env;
  Env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
  std::shared_lock<std::shared_mutex> lock_;
};

// The write transaction of a commit group, and nested child transactions
// (one per operation, so one operation's failure undoes only its own writes).
class WriteTxn {
 public:
  WriteTxn() = default;
  ~WriteTxn() { Abort(); }
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  MDB_txn* txn() const { return txn_; }
  Env* env() const { return env_; }
  MDB_dbi dbi(Table t) const;
  Status Get(Table t, std::string_view key, std::string_view* value) const;
  // flags: MDB_APPEND, MDB_APPENDDUP, MDB_NOOVERWRITE, MDB_NODUPDATA...
  Status Put(Table t, std::string_view key, std::string_view value, unsigned flags = 0);
  // Deletes key (all duplicates) or, with value, one duplicate. NotFound if absent.
  Status Del(Table t, std::string_view key, const std::string_view* value = nullptr);
  Status Commit();
  void Abort();

 private:
  friend class Env;
  Env* env_ = nullptr;
  MDB_txn* txn_ = nullptr;
};

// The last key of table `dbi` read as an 8-byte big-endian number (a seq,
// a counter); 0 when the table is empty. Corruption when that key is not 8
// bytes long.
Status LastFixed64Key(MDB_txn* txn, MDB_dbi dbi, std::uint64_t* out);

// RAII cursor over one table of a transaction. REQUIRES: destroyed before
// its transaction ends when that is a write transaction (LMDB frees write
// cursors at commit/abort).
class Cursor {
 public:
  Cursor() = default;
  ~Cursor() { if (c_) mdb_cursor_close(c_); }
  Cursor(const Cursor&) = delete;
  Cursor& operator=(const Cursor&) = delete;
  Cursor(Cursor&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  Status Open(MDB_txn* txn, MDB_dbi dbi);
  // Returns OK, NotFound (no such position), or an error.
  Status Get(MDB_val* key, MDB_val* value, MDB_cursor_op op);
  MDB_cursor* get() const { return c_; }

 private:
  MDB_cursor* c_ = nullptr;
};

class Env {
 public:
  // Opens (creating with options.create_if_missing) the environment in
  // `dir`. A store is used by one Env at a time: Open holds an exclusive
  // lock on DIR/LOCK until the Env is destroyed, so a second opener (another
  // process, or this one again) gets Busy instead of a diverging view.
  static Status Open(const std::string& dir, const EnvOptions& options, std::unique_ptr<Env>* out);
  ~Env();

  MDB_env* env() const { return env_; }
  MDB_dbi dbi(Table t) const { return dbis_[static_cast<int>(t)]; }

  Status BeginRead(ReadTxn* txn);
  // REQUIRES: no other write transaction is open (the caller is the leader).
  Status BeginWrite(WriteTxn* txn);

  // Doubles the map size (bounded by max_map_size). Waits for every read
  // transaction to end. REQUIRES: no write transaction is open.
  Status Grow();

  // Maps a failed write/commit: NoSpace when the disk is full or the file
  // size limit is reached (LMDB reports short writes as EIO), else IOError.
  Status ClassifyWriteError(int rc, std::string_view what);

  // Flushes committed data to disk (used when options.sync is false).
  Status Sync(bool force);

  std::size_t map_size() const { return map_size_.load(std::memory_order_relaxed); }
  Status UsedBytes(std::size_t* used);
  const std::string& dir() const { return dir_; }

 private:
  Env() = default;
  MDB_env* env_ = nullptr;
  int lock_fd_ = -1;  // DIR/LOCK, flock()ed exclusively while open
  MDB_dbi dbis_[static_cast<int>(Table::kCount)] = {};
  std::string dir_;
  EnvOptions options_;
  std::atomic<std::size_t> map_size_{0};
  // Readers hold it shared; Grow() takes it exclusively, as LMDB requires
  // that no transaction is active while the map is resized.
  std::shared_mutex resize_mu_;
};

}  // namespace lrs::storage

#endif  // LRS_STORAGE_ENV_H_
