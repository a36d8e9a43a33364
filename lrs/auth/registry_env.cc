// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/auth/registry_env.h"

#include <filesystem>
#include <iterator>
#include <map>
#include <mutex>

#include "lrs/storage/env.h"

namespace lrs::auth::internal {
namespace {

// 64 MiB of address space (the file grows only as used): room for about
// 200k credentials. Every process uses this size.
constexpr std::size_t kMapSize = std::size_t{64} << 20;
constexpr std::string_view kFormatVersion = "1";

std::mutex& EnvsMutex() {
  static auto* mu = new std::mutex;
  return *mu;
}
// Canonical directory -> environment. Leaked on purpose (no destruction
// order issues at exit).
std::map<std::string, std::weak_ptr<RegistryEnv>>& Envs() {
  static auto* envs = new std::map<std::string, std::weak_ptr<RegistryEnv>>;
  return *envs;
}

}  // namespace

Status TxnGuard::Commit() {
  MDB_txn* t = txn_;
  txn_ = nullptr;
  return storage::FromMdb(mdb_txn_commit(t), "registry: commit");
}

RegistryEnv::~RegistryEnv() {
  if (env_) mdb_env_close(env_);
}

Status RegistryEnv::Acquire(const std::string& dir, std::shared_ptr<RegistryEnv>* out) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IOError("registry: cannot create " + dir + ": " + ec.message());
  // The registry holds secret hashes: owner access only.
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, ec);
  std::string canonical = std::filesystem::canonical(dir, ec).string();
  if (ec) return Status::IOError("registry: " + dir + ": " + ec.message());

  std::lock_guard<std::mutex> lock(EnvsMutex());
  auto& envs = Envs();
  for (auto it = envs.begin(); it != envs.end();) {
    it = it->second.expired() ? envs.erase(it) : std::next(it);
  }
  if (auto it = envs.find(canonical); it != envs.end()) {
    if (auto env = it->second.lock()) {
      *out = std::move(env);
      return Status::OK();
    }
  }
  std::unique_ptr<RegistryEnv> fresh(new RegistryEnv());
  LRS_RETURN_IF_ERROR(fresh->Init(canonical));  // on failure closed here, under the lock
  // The last release closes the environment under the same lock, so a
  // closing handle never overlaps a new one on the same files.
  std::shared_ptr<RegistryEnv> env(fresh.release(), [](RegistryEnv* e) {
    std::lock_guard<std::mutex> close_lock(EnvsMutex());
    delete e;
  });
  envs[canonical] = env;
  *out = std::move(env);
  return Status::OK();
}

Status RegistryEnv::Init(const std::string& dir) {
  using storage::FromMdb;
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_create(&env_), "registry: mdb_env_create"));
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_set_maxdbs(env_, 4), "registry: mdb_env_set_maxdbs"));
  LRS_RETURN_IF_ERROR(
      FromMdb(mdb_env_set_mapsize(env_, kMapSize), "registry: mdb_env_set_mapsize"));
  LRS_RETURN_IF_ERROR(
      FromMdb(mdb_env_set_maxreaders(env_, 512), "registry: mdb_env_set_maxreaders"));
  Status s = FromMdb(mdb_env_open(env_, dir.c_str(), MDB_NOTLS, 0600), "registry: open " + dir);
  if (!s.ok()) return s;

  MDB_txn* raw = nullptr;
  LRS_RETURN_IF_ERROR(Begin(/*write=*/true, &raw));
  TxnGuard txn(raw);
  LRS_RETURN_IF_ERROR(
      FromMdb(mdb_dbi_open(raw, "meta", MDB_CREATE, &meta_), "registry: open meta"));
  LRS_RETURN_IF_ERROR(
      FromMdb(mdb_dbi_open(raw, "stores", MDB_CREATE, &stores_), "registry: open stores"));
  LRS_RETURN_IF_ERROR(FromMdb(mdb_dbi_open(raw, "credentials", MDB_CREATE, &credentials_),
                              "registry: open credentials"));
  MDB_val k = storage::Val("format_version"), v;
  int rc = mdb_get(raw, meta_, &k, &v);
  if (rc == MDB_NOTFOUND) {
    v = storage::Val(kFormatVersion);
    LRS_RETURN_IF_ERROR(FromMdb(mdb_put(raw, meta_, &k, &v, 0), "registry: put format_version"));
  } else if (rc != MDB_SUCCESS) {
    return FromMdb(rc, "registry: get format_version");
  } else if (storage::View(v) != kFormatVersion) {
    return Status::NotSupported("registry: " + dir + " has format version " +
                                std::string(storage::View(v)) + "; this lrs reads version " +
                                std::string(kFormatVersion));
  }
  return txn.Commit();
}

Status RegistryEnv::Begin(bool write, MDB_txn** txn) {
  // Every process maps kMapSize, so MDB_MAP_RESIZED (another process grew
  // the map) cannot happen; adopting a new size would need every
  // transaction of this process closed.
  return storage::FromMdb(mdb_txn_begin(env_, nullptr, write ? 0 : MDB_RDONLY, txn),
                          "registry: mdb_txn_begin");
}

}  // namespace lrs::auth::internal
