// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Registry over the LMDB environment of registry_env.h. Credential records
// are small JSON objects (see registry_env.h); secrets exist only in memory
// while a credential is created or checked.

#include "lrs/auth/registry.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <filesystem>

#include "lrs/auth/registry_env.h"
#include "lrs/auth/secret.h"
#include "lrs/clock.h"
#include "lrs/json/json.h"
#include "lrs/storage/env.h"

namespace lrs::auth {
namespace {

using internal::RegistryEnv;
using internal::TxnGuard;
using storage::FromMdb;

constexpr std::size_t kMaxLabelBytes = 200;
constexpr std::uint32_t kKnownScopes = (kAdmin << 1) - 1;  // every Scope bit

// At most kMaxLabelBytes of UTF-8 text without control characters.
bool ValidLabel(std::string_view s) {
  if (s.size() > kMaxLabelBytes) return false;
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int follow;
    if (c < 0x80)
      follow = 0;
    else if ((c & 0xe0) == 0xc0 && c >= 0xc2)
      follow = 1;
    else if ((c & 0xf0) == 0xe0)
      follow = 2;
    else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
      follow = 3;
    else
      return false;
    if (c < 0x20 || c == 0x7f) return false;
    if (i + follow >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= follow; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += static_cast<std::size_t>(follow) + 1;
  }
  return true;
}

std::int64_t NowMs() { return Clock::System()->NowMicros() / 1000; }

// A credential record as stored.
struct Record {
  std::string store;
  std::string label;
  std::uint32_t scopes = 0;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes
  std::int64_t created_ms = 0;
  std::int64_t revoked_ms = 0;
};

std::string EncodeRecord(const Record& r) {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  d.AddMember("store", json::StringValue(r.store, a), a);
  d.AddMember("label", json::StringValue(r.label, a), a);
  d.AddMember("scopes", json::StringValue(ScopesToString(r.scopes), a), a);
  d.AddMember("salt", json::StringValue(internal::HexEncode(r.salt), a), a);
  d.AddMember("hash", json::StringValue(internal::HexEncode(r.hash), a), a);
  d.AddMember("created", static_cast<int64_t>(r.created_ms), a);
  d.AddMember("revoked", static_cast<int64_t>(r.revoked_ms), a);
  return json::Write(d);
}

Status DecodeRecord(std::string_view key, std::string_view text, Record* r) {
  json::Document d;
  Status s = json::Parse(text, &d);
  auto bad = [&] {
    return Status::Corruption("registry: bad credential record for " + std::string(key));
  };
  if (!s.ok() || !d.IsObject()) return bad();
  r->store = json::StringOr(d, "store");
  r->label = json::StringOr(d, "label");
  std::string why;
  if (!ParseScopes(json::StringOr(d, "scopes"), &r->scopes, &why)) return bad();
  if (!internal::HexDecode(json::StringOr(d, "salt"), &r->salt) ||
      !internal::HexDecode(json::StringOr(d, "hash"), &r->hash) ||
      r->hash.size() != internal::kHashBytes) {
    return bad();
  }
  const json::Value* created = json::Member(d, "created");
  const json::Value* revoked = json::Member(d, "revoked");
  if (!created || !created->IsInt64() || !revoked || !revoked->IsInt64()) return bad();
  r->created_ms = created->GetInt64();
  r->revoked_ms = revoked->GetInt64();
  return Status::OK();
}

CredentialInfo InfoOf(std::string_view key, const Record& r) {
  CredentialInfo info;
  info.key = std::string(key);
  info.store = r.store;
  info.label = r.label;
  info.scopes = r.scopes;
  info.created_ms = r.created_ms;
  info.revoked_ms = r.revoked_ms;
  return info;
}

class RegistryImpl final : public Registry {
 public:
  RegistryImpl(std::string data_dir, RegistryOptions options, std::shared_ptr<RegistryEnv> env)
      : data_dir_(std::move(data_dir)), options_(std::move(options)), env_(std::move(env)) {}

  Status AddStore(std::string_view name) override;
  Status ListStores(std::vector<StoreInfo>* out) override;
  bool HasStore(std::string_view name) override;
  std::string StoreDir(std::string_view name) const override {
    return (std::filesystem::path(data_dir_) / "stores" / std::string(name)).string();
  }
  Status AddCredential(const NewCredential& c, CredentialInfo* out) override;
  Status EnsureCredential(const NewCredential& c, bool* created) override;
  Status ListCredentials(std::string_view store, std::vector<CredentialInfo>* out) override;
  Status RevokeCredential(std::string_view key) override;
  Status Authenticate(std::string_view authorization, Principal* who) override;

 private:
  // Looks up one credential in its own read transaction.
  Status Lookup(std::string_view key, Record* r);
  std::string AuthorityJson(std::string_view key, std::string_view label) const;

  const std::string data_dir_;
  const RegistryOptions options_;
  const std::shared_ptr<RegistryEnv> env_;
};

Status RegistryImpl::AddStore(std::string_view name) {
  if (!ValidStoreName(name)) {
    return Status::InvalidArgument("store name \"" + std::string(name.substr(0, 80)) +
                                   "\": must match [a-z0-9][a-z0-9_-]{0,62}");
  }
  MDB_txn* raw;
  LRS_RETURN_IF_ERROR(env_->Begin(true, &raw));
  TxnGuard txn(raw);
  std::string value = "{\"created\":" + std::to_string(NowMs()) + "}";
  MDB_val k = storage::Val(name), v = storage::Val(value);
  int rc = mdb_put(raw, env_->stores(), &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) return Status::Conflict("store \"" + std::string(name) + "\" exists");
  LRS_RETURN_IF_ERROR(FromMdb(rc, "registry: put store"));
  return txn.Commit();
}

Status RegistryImpl::ListStores(std::vector<StoreInfo>* out) {
  out->clear();
  MDB_txn* raw;
  LRS_RETURN_IF_ERROR(env_->Begin(false, &raw));
  TxnGuard txn(raw);
  storage::Cursor cur;
  LRS_RETURN_IF_ERROR(cur.Open(raw, env_->stores()));
  MDB_val k, v;
  for (Status s = cur.Get(&k, &v, MDB_FIRST); !s.IsNotFound(); s = cur.Get(&k, &v, MDB_NEXT)) {
    LRS_RETURN_IF_ERROR(s);
    StoreInfo info;
    info.name = std::string(storage::View(k));
    json::Document d;
    if (json::Parse(storage::View(v), &d).ok() && d.IsObject()) {
      if (const json::Value* c = json::Member(d, "created"); c && c->IsInt64())
        info.created_ms = c->GetInt64();
    }
    out->push_back(std::move(info));
  }
  return Status::OK();
}

bool RegistryImpl::HasStore(std::string_view name) {
  MDB_txn* raw;
  if (!env_->Begin(false, &raw).ok()) return false;
  TxnGuard txn(raw);
  MDB_val k = storage::Val(name), v;
  return mdb_get(raw, env_->stores(), &k, &v) == MDB_SUCCESS;
}

Status RegistryImpl::AddCredential(const NewCredential& c, CredentialInfo* out) {
  if (c.key.has_value() != c.secret.has_value())
    return Status::InvalidArgument("credential: give both key and secret, or neither");
  std::string key, secret;
  if (c.key) {
    if (!internal::ValidKey(*c.key))
      return Status::InvalidArgument("credential key: 1 to 128 characters of [A-Za-z0-9._~-]");
    if (!internal::ValidSecret(*c.secret))
      return Status::InvalidArgument("credential secret: 1 to 256 printable ASCII characters");
    key = *c.key;
    secret = *c.secret;
  } else {
    LRS_RETURN_IF_ERROR(internal::GenerateKey(&key));
    LRS_RETURN_IF_ERROR(internal::GenerateSecret(&secret));
  }
  if (c.scopes == 0 || (c.scopes & ~kKnownScopes) != 0)
    return Status::InvalidArgument("credential: scopes must be a non-empty set of xAPI scopes");
  if (!ValidLabel(c.label))
    return Status::InvalidArgument("credential label: at most 200 bytes of UTF-8 text");

  Record r;
  r.store = c.store;
  r.label = c.label;
  r.scopes = c.scopes;
  LRS_RETURN_IF_ERROR(internal::RandomBytes(internal::kSaltBytes, &r.salt));
  r.hash = internal::SaltedHash(r.salt, secret);
  r.created_ms = NowMs();

  MDB_txn* raw;
  LRS_RETURN_IF_ERROR(env_->Begin(true, &raw));
  TxnGuard txn(raw);
  MDB_val sk = storage::Val(c.store), sv;
  int rc = mdb_get(raw, env_->stores(), &sk, &sv);
  if (rc == MDB_NOTFOUND) return Status::NotFound("no store named \"" + c.store + "\"");
  LRS_RETURN_IF_ERROR(FromMdb(rc, "registry: get store"));
  std::string value = EncodeRecord(r);
  MDB_val k = storage::Val(key), v = storage::Val(value);
  rc = mdb_put(raw, env_->credentials(), &k, &v, MDB_NOOVERWRITE);
  if (rc == MDB_KEYEXIST) return Status::Conflict("a credential with this key exists");
  LRS_RETURN_IF_ERROR(FromMdb(rc, "registry: put credential"));
  LRS_RETURN_IF_ERROR(txn.Commit());
  if (out) {
    *out = InfoOf(key, r);
    out->secret = std::move(secret);
  }
  return Status::OK();
}

Status RegistryImpl::EnsureCredential(const NewCredential& c, bool* created) {
  *created = false;
  if (!c.key || !c.secret)
    return Status::InvalidArgument("credential: key and secret are required");
  Status s = AddCredential(c, nullptr);
  if (s.ok()) {
    *created = true;
    return s;
  }
  if (!s.IsConflict()) return s;
  Record r;
  LRS_RETURN_IF_ERROR(Lookup(*c.key, &r));
  const std::string hash = internal::SaltedHash(r.salt, *c.secret);
  if (CRYPTO_memcmp(hash.data(), r.hash.data(), internal::kHashBytes) != 0)
    return Status::Conflict("credential " + *c.key + " exists with another secret");
  if (r.store != c.store)
    return Status::Conflict("credential " + *c.key + " belongs to store \"" + r.store + "\"");
  if (r.revoked_ms != 0) return Status::Conflict("credential " + *c.key + " was revoked");
  return Status::OK();
}

Status RegistryImpl::ListCredentials(std::string_view store, std::vector<CredentialInfo>* out) {
  out->clear();
  MDB_txn* raw;
  LRS_RETURN_IF_ERROR(env_->Begin(false, &raw));
  TxnGuard txn(raw);
  storage::Cursor cur;
  LRS_RETURN_IF_ERROR(cur.Open(raw, env_->credentials()));
  MDB_val k, v;
  for (Status s = cur.Get(&k, &v, MDB_FIRST); !s.IsNotFound(); s = cur.Get(&k, &v, MDB_NEXT)) {
    LRS_RETURN_IF_ERROR(s);
    Record r;
    LRS_RETURN_IF_ERROR(DecodeRecord(storage::View(k), storage::View(v), &r));
    if (!store.empty() && r.store != store) continue;
    out->push_back(InfoOf(storage::View(k), r));
  }
  std::stable_sort(out->begin(), out->end(), [](const CredentialInfo& a, const CredentialInfo& b) {
    return a.created_ms < b.created_ms;
  });
  return Status::OK();
}

Status RegistryImpl::RevokeCredential(std::string_view key) {
  MDB_txn* raw;
  LRS_RETURN_IF_ERROR(env_->Begin(true, &raw));
  TxnGuard txn(raw);
  MDB_val k = storage::Val(key), v;
  int rc = mdb_get(raw, env_->credentials(), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("no credential with key " + std::string(key));
  LRS_RETURN_IF_ERROR(FromMdb(rc, "registry: get credential"));
  Record r;
  LRS_RETURN_IF_ERROR(DecodeRecord(key, storage::View(v), &r));
  if (r.revoked_ms != 0) return Status::OK();  // already revoked
  r.revoked_ms = NowMs();
  std::string value = EncodeRecord(r);
  v = storage::Val(value);
  LRS_RETURN_IF_ERROR(FromMdb(mdb_put(raw, env_->credentials(), &k, &v, 0), "registry: revoke"));
  return txn.Commit();
}

Status RegistryImpl::Lookup(std::string_view key, Record* r) {
  MDB_txn* raw;
  LRS_RETURN_IF_ERROR(env_->Begin(false, &raw));
  TxnGuard txn(raw);
  MDB_val k = storage::Val(key), v;
  int rc = mdb_get(raw, env_->credentials(), &k, &v);
  if (rc == MDB_NOTFOUND) return Status::NotFound("no such credential");
  LRS_RETURN_IF_ERROR(FromMdb(rc, "registry: get credential"));
  return DecodeRecord(key, storage::View(v), r);
}

std::string RegistryImpl::AuthorityJson(std::string_view key, std::string_view label) const {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  d.AddMember("objectType", "Agent", a);
  if (!label.empty()) d.AddMember("name", json::StringValue(label, a), a);
  json::Value account(rapidjson::kObjectType);
  account.AddMember("homePage", json::StringValue(options_.authority_home_page, a), a);
  account.AddMember("name", json::StringValue(key, a), a);
  d.AddMember("account", account, a);
  return json::Write(d);
}

Status RegistryImpl::Authenticate(std::string_view authorization, Principal* who) {
  static const Status kInvalid = Status::Unauthorized("invalid credentials");
  std::string key, secret;
  LRS_RETURN_IF_ERROR(internal::ParseBasic(authorization, &key, &secret));
  Record r;
  Status s = internal::ValidKey(key) ? Lookup(key, &r) : Status::NotFound("");
  if (s.IsNotFound()) {
    // Hash anyway, so an unknown key costs what a wrong secret costs.
    static const std::string kDummySalt(internal::kSaltBytes, '\0');
    (void)internal::SaltedHash(kDummySalt, secret);
    OPENSSL_cleanse(secret.data(), secret.size());
    return kInvalid;
  }
  if (!s.ok()) {
    OPENSSL_cleanse(secret.data(), secret.size());
    return s;
  }
  const std::string hash = internal::SaltedHash(r.salt, secret);
  OPENSSL_cleanse(secret.data(), secret.size());
  if (CRYPTO_memcmp(hash.data(), r.hash.data(), internal::kHashBytes) != 0) return kInvalid;
  if (r.revoked_ms != 0) return Status::Unauthorized("credential revoked");
  who->store = std::move(r.store);
  who->authority_json = AuthorityJson(key, r.label);
  who->key = std::move(key);
  who->label = std::move(r.label);
  who->scopes = r.scopes;
  return Status::OK();
}

}  // namespace

bool ValidStoreName(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

Status Registry::Open(const std::string& data_dir, std::unique_ptr<Registry>* out) {
  return Open(data_dir, RegistryOptions(), out);
}

Status Registry::Open(const std::string& data_dir, const RegistryOptions& options,
                      std::unique_ptr<Registry>* out) {
  std::shared_ptr<RegistryEnv> env;
  LRS_RETURN_IF_ERROR(
      RegistryEnv::Acquire((std::filesystem::path(data_dir) / "registry").string(), &env));
  auto reg = std::make_unique<RegistryImpl>(data_dir, options, std::move(env));
  if (!reg->HasStore(kDefaultStore)) {
    Status s = reg->AddStore(kDefaultStore);
    if (!s.ok() && !s.IsConflict()) return s;  // Conflict: another process won
  }
  *out = std::move(reg);
  return Status::OK();
}

}  // namespace lrs::auth
