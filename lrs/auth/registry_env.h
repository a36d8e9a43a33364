// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/auth: the LMDB environment at DATA/registry, shared by
// every Registry of one process that opens the same directory (LMDB forbids
// opening one environment twice in a process: closing either handle would
// drop the other's locks). Other processes open their own.
//
// Tables: "meta" (format_version), "stores" (name -> {"created":ms}),
// "credentials" (key -> {"store","label","scopes","salt","hash","created",
// "revoked"}; salt and hash in hex, hash = SHA-256(salt || secret)).
//
// Thread safety: read transactions may be opened from any thread
// (MDB_NOTLS); LMDB serializes write transactions, also across processes.

#ifndef LRS_AUTH_REGISTRY_ENV_H_
#define LRS_AUTH_REGISTRY_ENV_H_

#include <lmdb.h>

#include <memory>
#include <string>
#include <string_view>

#include "lrs/status.h"

namespace lrs::auth::internal {

class RegistryEnv {
 public:
  // The environment of `dir` (created if missing), shared in this process.
  // REQUIRES: *out is empty.
  static Status Acquire(const std::string& dir, std::shared_ptr<RegistryEnv>* out);
  ~RegistryEnv();

  MDB_env* env() const { return env_; }
  MDB_dbi stores() const { return stores_; }
  MDB_dbi credentials() const { return credentials_; }

  // Begins a read-only or a write transaction.
  Status Begin(bool write, MDB_txn** txn);

 private:
  RegistryEnv() = default;
  Status Init(const std::string& dir);

  MDB_env* env_ = nullptr;
  MDB_dbi meta_ = 0;
  MDB_dbi stores_ = 0;
  MDB_dbi credentials_ = 0;
};

// Aborts a transaction unless it was committed (Release()).
class TxnGuard {
 public:
  explicit TxnGuard(MDB_txn* txn) : txn_(txn) {}
  ~TxnGuard() {
    if (txn_) mdb_txn_abort(txn_);
  }
  TxnGuard(const TxnGuard&) = delete;
  TxnGuard& operator=(const TxnGuard&) = delete;
  MDB_txn* get() const { return txn_; }
  // Commits; the guard no longer owns the transaction.
  Status Commit();

 private:
  MDB_txn* txn_;
};

}  // namespace lrs::auth::internal

#endif  // LRS_AUTH_REGISTRY_ENV_H_
