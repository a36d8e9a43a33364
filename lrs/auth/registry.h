// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::auth::Registry: the stores (tenants) of a data directory and their
// credentials, kept in a small LMDB environment at DATA/registry. Each
// store's own data lives at DATA/stores/<name>. Secrets are never stored:
// only a salted SHA-256 of each (secrets are generated with 256 bits of
// entropy, so a fast hash is safe and a check costs microseconds).
//
// Several processes may use one registry at once (`lrs credentials add`
// while `lrs serve` runs): Authenticate reads the current state every time.
// Thread safety: safe for concurrent use.

#ifndef LRS_AUTH_REGISTRY_H_
#define LRS_AUTH_REGISTRY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/auth/credentials.h"
#include "lrs/status.h"

namespace lrs::auth {

inline constexpr std::string_view kDefaultStore = "default";

// Store names: [a-z0-9][a-z0-9_-]{0,62}.
bool ValidStoreName(std::string_view name);

struct StoreInfo {
  std::string name;
  std::int64_t created_ms = 0;
};

struct CredentialInfo {
  std::string key;
  std::string secret;  // only right after creation; never stored
  std::string store;
  std::string label;
  std::uint32_t scopes = 0;
  std::int64_t created_ms = 0;
  std::int64_t revoked_ms = 0;  // 0: active
};

struct NewCredential {
  std::string store{kDefaultStore};
  std::string label;
  std::uint32_t scopes = kAll;
  // Both set: use this key and secret (LRS_BOOTSTRAP_CREDENTIAL); otherwise
  // both are generated.
  std::optional<std::string> key;
  std::optional<std::string> secret;
};

// The authority home page used when none is configured. xAPI requires an
// account's homePage to be an IRL; point it at a page describing this LRS's
// credentials when there is one.
inline constexpr std::string_view kDefaultAuthorityHomePage = "http://localhost/lrs/credentials";

struct RegistryOptions {
  // Principal::authority_json is
  // {"objectType":"Agent","name":"<label>","account":{"homePage":<this>,"name":"<key>"}}
  // ("name" omitted when the label is empty). Must be an absolute http(s) IRL.
  std::string authority_home_page{kDefaultAuthorityHomePage};
};

class Registry {
 public:
  // Opens (creating if missing) the registry of `data_dir`, and the default
  // store's entry. Instances opened on the same directory in one process
  // share one LMDB environment (LMDB forbids opening it twice); other
  // processes may open it at the same time.
  static Status Open(const std::string& data_dir, std::unique_ptr<Registry>* out);
  static Status Open(const std::string& data_dir, const RegistryOptions& options,
                     std::unique_ptr<Registry>* out);
  virtual ~Registry() = default;

  // Store names: [a-z0-9][a-z0-9_-]{0,62}. Conflict if it exists.
  virtual Status AddStore(std::string_view name) = 0;
  virtual Status ListStores(std::vector<StoreInfo>* out) = 0;
  virtual bool HasStore(std::string_view name) = 0;
  // DATA/stores/<name>
  virtual std::string StoreDir(std::string_view name) const = 0;

  // Creates a credential; out->secret holds the secret (shown once).
  // Conflict if the key exists; NotFound if the store does not.
  virtual Status AddCredential(const NewCredential& c, CredentialInfo* out) = 0;
  // Idempotent creation of a given key and secret (c.key and c.secret set,
  // as from LRS_BOOTSTRAP_CREDENTIAL): OK with *created = true when added,
  // OK with *created = false when the key already exists in c.store with
  // this secret and is active. Conflict when the key exists with another
  // secret or store, or was revoked; InvalidArgument when key or secret is
  // missing or malformed.
  virtual Status EnsureCredential(const NewCredential& c, bool* created) = 0;
  // Every credential (store empty) or those of one store; no secrets.
  virtual Status ListCredentials(std::string_view store, std::vector<CredentialInfo>* out) = 0;
  // Revokes at once (later requests with it get 401). NotFound if unknown.
  virtual Status RevokeCredential(std::string_view key) = 0;

  // Checks an Authorization header ("Basic base64(key:secret)"). Returns OK
  // and fills *who, or Unauthorized (message safe to show: never echoes the
  // secret). Compares in constant time.
  virtual Status Authenticate(std::string_view authorization, Principal* who) = 0;
};

}  // namespace lrs::auth

#endif  // LRS_AUTH_REGISTRY_H_
