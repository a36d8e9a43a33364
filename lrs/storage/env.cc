// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/storage/env.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "lrs/common/coding.h"

namespace lrs::storage {
namespace {

struct TableSpec {
  const char* name;
  unsigned flags;
};

// Never reorder: names are the on-disk identity of each table.
constexpr TableSpec kTables[] = {
    {"meta", 0},
    {"statements", 0},
    {"statement_ids", 0},
    {"voided", 0},
    {"voids", MDB_DUPSORT | MDB_DUPFIXED},
    {"refs", MDB_DUPSORT | MDB_DUPFIXED},
    {"stored_time", 0},
    {"terms", 0},
    {"index", MDB_DUPSORT | MDB_DUPFIXED},
    {"attachments", 0},
    {"activities", 0},
    {"agents", 0},
    {"documents", 0},
    {"pending", 0},
    {"sync_cursors", 0},
    {"sync_retry", 0},
    {"sync_dlq", 0},
    {"sync_state", 0},
    // Added after format 1 shipped: created at open in stores that lack
    // them (every table is opened with MDB_CREATE below).
    {"audit", 0},
    {"agg", 0},
    {"agg_learners", 0},
    {"agg_pending", 0},
};
static_assert(sizeof(kTables) / sizeof(kTables[0]) == static_cast<int>(Table::kCount));

constexpr std::size_t kMaxMap64 = std::size_t{1} << 44;  // 16 TiB

}  // namespace

Status FromMdb(int rc, std::string_view what) {
  if (rc == MDB_SUCCESS) return Status::OK();
  std::string m(what);
  m += ": ";
  m += mdb_strerror(rc);
  switch (rc) {
    case MDB_NOTFOUND: return Status::NotFound(m);
    case MDB_MAP_FULL: return Status::NoSpace(m);
    case ENOSPC: return Status::NoSpace(m);
    case EDQUOT: return Status::NoSpace(m);
    case EFBIG: return Status::NoSpace(m);  // file size limit (RLIMIT_FSIZE)
    case MDB_KEYEXIST: return Status::Conflict(m);
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_VERSION_MISMATCH:
    case MDB_INVALID: return Status::Corruption(m);
    case MDB_READERS_FULL: return Status::Busy(m);
    case MDB_BAD_VALSIZE: return Status::InvalidArgument(m);
    default: return Status::IOError(m);
  }
}

// ---- ReadTxn ----------------------------------------------------------------

MDB_dbi ReadTxn::dbi(Table t) const { return env_->dbi(t); }

Status ReadTxn::Get(Table t, std::string_view key, std::string_view* value) const {
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn_, env_->dbi(t), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  if (rc != MDB_SUCCESS) return FromMdb(rc, "mdb_get");
  *value = View(v);
  return Status::OK();
}

void ReadTxn::Reset() {
  if (txn_) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
  if (lock_.owns_lock()) lock_.unlock();
}

// ---- WriteTxn ---------------------------------------------------------------

MDB_dbi WriteTxn::dbi(Table t) const { return env_->dbi(t); }

Status WriteTxn::Get(Table t, std::string_view key, std::string_view* value) const {
  MDB_val k = Val(key), v;
  int rc = mdb_get(txn_, env_->dbi(t), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  if (rc != MDB_SUCCESS) return FromMdb(rc, "mdb_get");
  *value = View(v);
  return Status::OK();
}

Status WriteTxn::Put(Table t, std::string_view key, std::string_view value, unsigned flags) {
  MDB_val k = Val(key), v = Val(value);
  int rc = mdb_put(txn_, env_->dbi(t), &k, &v, flags);
  if (rc == MDB_KEYEXIST && (flags & MDB_NODUPDATA)) return Status::OK();
  return FromMdb(rc, "mdb_put");
}

Status WriteTxn::Del(Table t, std::string_view key, const std::string_view* value) {
  MDB_val k = Val(key), v;
  if (value) v = Val(*value);
  int rc = mdb_del(txn_, env_->dbi(t), &k, value ? &v : nullptr);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  return FromMdb(rc, "mdb_del");
}

Status WriteTxn::Commit() {
  if (!txn_) return Status::Internal("commit without a transaction");
  int rc = mdb_txn_commit(txn_);
  txn_ = nullptr;  // committed or aborted by LMDB either way
  if (rc == MDB_SUCCESS) return Status::OK();
  return env_->ClassifyWriteError(rc, "mdb_txn_commit");
}

void WriteTxn::Abort() {
  if (txn_) {
    mdb_txn_abort(txn_);
    txn_ = nullptr;
  }
}

// ---- Cursor -----------------------------------------------------------------

Status Cursor::Open(MDB_txn* txn, MDB_dbi dbi) {
  if (c_) {
    mdb_cursor_close(c_);
    c_ = nullptr;
  }
  return FromMdb(mdb_cursor_open(txn, dbi, &c_), "mdb_cursor_open");
}

Status Cursor::Get(MDB_val* key, MDB_val* value, MDB_cursor_op op) {
  int rc = mdb_cursor_get(c_, key, value, op);
  if (rc == MDB_NOTFOUND) return Status::NotFound("");
  return FromMdb(rc, "mdb_cursor_get");
}

Status LastFixed64Key(MDB_txn* txn, MDB_dbi dbi, std::uint64_t* out) {
  *out = 0;
  MDB_cursor* c = nullptr;
  LRS_RETURN_IF_ERROR(FromMdb(mdb_cursor_open(txn, dbi, &c), "mdb_cursor_open"));
  MDB_val k, v;
  const int rc = mdb_cursor_get(c, &k, &v, MDB_LAST);
  Status s;
  if (rc == MDB_SUCCESS) {
    if (k.mv_size == 8) {
      *out = DecodeFixed64BE(static_cast<const char*>(k.mv_data));
    } else {
      s = Status::Corruption("a key that should be 8 bytes long");
    }
  } else if (rc != MDB_NOTFOUND) {
    s = FromMdb(rc, "mdb_cursor_get");
  }
  mdb_cursor_close(c);
  return s;
}

// ---- Env --------------------------------------------------------------------

Status Env::Open(const std::string& dir, const EnvOptions& options, std::unique_ptr<Env>* out) {
  struct stat st;
  if (stat(dir.c_str(), &st) != 0) {
    if (errno != ENOENT) return Status::IOError(dir + ": " + std::strerror(errno));
    if (!options.create_if_missing) return Status::NotFound(dir + ": no store here");
    if (mkdir(dir.c_str(), 0750) != 0 && errno != EEXIST)
      return Status::IOError("mkdir " + dir + ": " + std::strerror(errno));
  } else if (!S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(dir + ": not a directory");
  } else if (!options.create_if_missing) {
    // An existing directory without a store (an empty one, say) is not one.
    struct stat data;
    if (stat((dir + "/data.mdb").c_str(), &data) != 0)
      return Status::NotFound(dir + ": no store here");
  }

  std::unique_ptr<Env> env(new Env());
  const std::string lock_file = dir + "/LOCK";
  env->lock_fd_ = open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0640);
  if (env->lock_fd_ < 0) return Status::IOError(lock_file + ": " + std::strerror(errno));
  if (flock(env->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      return Status::Busy(dir + ": the store is in use (another process has it open, or it was "
                                "opened twice in this one)");
    return Status::IOError(lock_file + ": flock: " + std::strerror(errno));
  }
  env->dir_ = dir;
  env->options_ = options;
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_create(&env->env_), "mdb_env_create"));
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_set_maxdbs(env->env_, static_cast<int>(Table::kCount) + 4),
                              "mdb_env_set_maxdbs"));
  LRS_RETURN_IF_ERROR(
      FromMdb(mdb_env_set_maxreaders(env->env_, options.max_readers), "mdb_env_set_maxreaders"));

  // An existing store may already be larger than the initial size.
  std::size_t map = options.initial_map_size;
  std::string data_file = dir + "/data.mdb";
  if (stat(data_file.c_str(), &st) == 0 && static_cast<std::size_t>(st.st_size) > map) {
    while (map < static_cast<std::size_t>(st.st_size)) map *= 2;
  }
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_set_mapsize(env->env_, map), "mdb_env_set_mapsize"));

  // MDB_NOTLS: read transactions are not tied to threads. MDB_NORDAHEAD:
  // random access dominates. Sync behaviour per options.
  // With sync, MDB_NOMETASYNC: LMDB syncs a commit's data pages but not its
  // meta page, which the store syncs itself (Env::Sync) before telling
  // writers their data is stored, outside the write lock, so the next group
  // commits meanwhile. Integrity holds either way (LMDB docs).
  unsigned flags = MDB_NOTLS | MDB_NORDAHEAD;
  flags |= options.sync ? MDB_NOMETASYNC : MDB_NOSYNC;
  int rc = mdb_env_open(env->env_, dir.c_str(), flags, 0640);
  if (rc != MDB_SUCCESS) return FromMdb(rc, "mdb_env_open " + dir);

  MDB_envinfo info;
  mdb_env_info(env->env_, &info);
  env->map_size_ = info.me_mapsize;

  // Open (create) every table in one write transaction.
  MDB_txn* txn;
  LRS_RETURN_IF_ERROR(FromMdb(mdb_txn_begin(env->env_, nullptr, 0, &txn), "mdb_txn_begin"));
  for (int i = 0; i < static_cast<int>(Table::kCount); ++i) {
    rc = mdb_dbi_open(txn, kTables[i].name, kTables[i].flags | MDB_CREATE, &env->dbis_[i]);
    if (rc != MDB_SUCCESS) {
      mdb_txn_abort(txn);
      return FromMdb(rc, std::string("mdb_dbi_open ") + kTables[i].name);
    }
  }
  if (options.on_open) {
    WriteTxn w;
    w.env_ = env.get();
    w.txn_ = txn;
    Status s = options.on_open(w);
    w.txn_ = nullptr;  // still this function's: committed or aborted below
    if (!s.ok()) {
      mdb_txn_abort(txn);
      return s;
    }
  }
  env->options_.on_open = nullptr;  // it may refer to the caller's stack
  LRS_RETURN_IF_ERROR(FromMdb(mdb_txn_commit(txn), "mdb_txn_commit(open)"));
  *out = std::move(env);
  return Status::OK();
}

Env::~Env() {
  if (env_) mdb_env_close(env_);
  if (lock_fd_ >= 0) close(lock_fd_);  // releases the lock
}

Status Env::BeginRead(ReadTxn* txn) {
  txn->Reset();
  txn->lock_ = std::shared_lock<std::shared_mutex>(resize_mu_);
  txn->env_ = this;
  int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn->txn_);
  if (rc != MDB_SUCCESS) {
    txn->txn_ = nullptr;
    txn->lock_.unlock();
    return FromMdb(rc, "mdb_txn_begin(read)");
  }
  return Status::OK();
}

Status Env::BeginWrite(WriteTxn* txn) {
  txn->Abort();
  txn->env_ = this;
  return FromMdb(mdb_txn_begin(env_, nullptr, 0, &txn->txn_), "mdb_txn_begin(write)");
}

Status Env::Grow() {
  std::unique_lock<std::shared_mutex> lock(resize_mu_);
  std::size_t limit = options_.max_map_size;
  if (limit == 0) limit = sizeof(void*) >= 8 ? kMaxMap64 : (std::size_t{1} << 30);
  std::size_t cur = map_size_.load();
  if (cur >= limit) {
    return Status::NoSpace("store reached its maximum size of " + std::to_string(limit) +
                           " bytes (Options::max_map_size)");
  }
  std::size_t next = cur * 2 > limit ? limit : cur * 2;
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_set_mapsize(env_, next), "mdb_env_set_mapsize"));
  MDB_envinfo info;
  mdb_env_info(env_, &info);
  map_size_ = info.me_mapsize;
  return Status::OK();
}

Status Env::ClassifyWriteError(int rc, std::string_view what) {
  Status s = FromMdb(rc, what);
  if (rc != EIO && rc != ENOSPC && rc != EFBIG && rc != EDQUOT) return s;
  // LMDB reports a short write (what a full disk produces) as EIO. Tell a
  // full disk or a file-size limit from a failing device.
  std::string file = dir_ + "/data.mdb";
  struct statvfs vfs;
  if (statvfs(dir_.c_str(), &vfs) == 0) {
    std::uint64_t avail = static_cast<std::uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    if (avail < (std::uint64_t{16} << 20))
      // No path: this message reaches clients (507).
      return Status::NoSpace(std::string(what) + ": disk full (" + std::to_string(avail) +
                             " bytes free on the data directory's filesystem)");
  }
  struct rlimit rl;
  struct stat st;
  if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
      stat(file.c_str(), &st) == 0 &&
      static_cast<std::uint64_t>(st.st_size) + (std::uint64_t{1} << 20) >= rl.rlim_cur) {
    return Status::NoSpace(std::string(what) + ": the process file-size limit (" +
                           std::to_string(rl.rlim_cur) + " bytes) is reached");
  }
  return s;
}

Status Env::Sync(bool force) { return FromMdb(mdb_env_sync(env_, force ? 1 : 0), "mdb_env_sync"); }

Status Env::UsedBytes(std::size_t* used) {
  MDB_envinfo info;
  MDB_stat st;
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_info(env_, &info), "mdb_env_info"));
  LRS_RETURN_IF_ERROR(FromMdb(mdb_env_stat(env_, &st), "mdb_env_stat"));
  *used = (info.me_last_pgno + 1) * static_cast<std::size_t>(st.ms_psize);
  return Status::OK();
}

}  // namespace lrs::storage
