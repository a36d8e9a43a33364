// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// SalesforceAuth: OAuth 2.0 access tokens for the Salesforce connector
// (salesforce_connector.cc). Three flows, all against
// <login_url>/services/oauth2/token:
//
//  - "client_credentials" (client_id, client_secret): an integration user's
//    token. Salesforce serves this flow on the org's My Domain login URL
//    only (https://MyDomain.my.salesforce.com), not on login.salesforce.com.
//    https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_client_credentials_flow.htm
//  - "jwt_bearer" (client_id, username, private_key: PEM RSA): a JWT
//    {"alg":"RS256"} . {iss: client_id, sub: username, aud: login_url (or
//    "jwt_audience"), exp: now + 180 s} signed with RS256, base64url
//    without padding, posted as grant_type=urn:ietf:params:oauth:grant-type:
//    jwt-bearer&assertion=<jwt>. Salesforce accepts exp up to 3 minutes
//    ahead. https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm
//  - "refresh_token" (client_id, client_secret optional, refresh_token):
//    grant_type=refresh_token. With refresh token rotation enabled on the
//    app, every answer carries a new refresh token and the old one is
//    invalidated; reusing a rotated-out token revokes the whole chain.
//    https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_refresh_token_flow.htm
//
// Token responses carry access_token and instance_url (the org's API host),
// usually without expires_in: a session lasts until the API answers 401
// INVALID_SESSION_ID, then Renew() fetches another one.
//
// Destination state (StateStore keys):
//   "session"            {"fp":..,"access_token":..,"instance_url":..,"expires_ms":..}
//                        "fp" fingerprints login_url, flow, client_id,
//                        username, the instance_url setting and the
//                        configured refresh token, so a cached session of
//                        another org, app or user is ignored.
//   "refresh_token"      the newest rotated refresh token. Written before
//                        the access token that came with it is used.
//   "refresh_token_seed" SHA-256 of the configured refresh token it
//                        descends from. The configured value seeds the
//                        chain; the persisted one wins while the seed is
//                        unchanged; a new configured value (the operator
//                        authorized again) starts a new chain.
//
// Thread safety: thread-safe. Token requests are single flight: callers
// that find their session stale while another caller fetches wait for it
// and share its result.

#ifndef LRS_SYNC_SALESFORCE_AUTH_H_
#define LRS_SYNC_SALESFORCE_AUTH_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "lrs/status.h"
#include "lrs/sync/connector.h"

namespace lrs::sync {

// An access token and the instance it is valid on.
struct SalesforceSession {
  std::string access_token;
  std::string instance_url;      // "https://host" (no trailing slash)
  std::uint64_t generation = 0;  // bumps with each token obtained
};

class SalesforceAuth {
 public:
  // Reads "login_url" (default https://login.salesforce.com), "auth",
  // "instance_url", "jwt_audience", "timeout_ms" and the secrets of the
  // chosen flow from ctx.settings. InvalidArgument names the bad setting,
  // never a secret's value. `ctx` must outlive the object.
  static Status Create(const ConnectorContext& ctx, std::unique_ptr<SalesforceAuth>* out);

  // Sets *out to the current session: from memory, else the destination's
  // state, else the token endpoint. On failure returns a Status whose
  // message is safe to show (the endpoint's error code and description,
  // never a secret) and sets *retry_after (-1 when the endpoint gave none).
  Status Current(SalesforceSession* out, std::chrono::milliseconds* retry_after);

  // The API refused `stale` (401). Fetches a new token unless another
  // caller already replaced that generation, in which case *out is the
  // newer session and no request is made (single flight).
  Status Renew(const SalesforceSession& stale, SalesforceSession* out,
               std::chrono::milliseconds* retry_after);

  // Token endpoint requests sent so far (for tests and metrics).
  std::uint64_t token_requests() const;

  ~SalesforceAuth();

 private:
  explicit SalesforceAuth(const ConnectorContext& ctx);
  Status Init();
  // The rest REQUIRES: mu_ held.
  Status Fetch(std::chrono::milliseconds* retry_after);
  Status BuildGrant(std::string* body);
  Status PersistRotation();
  void SaveSession();
  std::string LoadRefreshToken();
  bool Valid(std::int64_t now_ms) const;

  const ConnectorContext ctx_;
  std::string login_url_, token_url_, audience_, instance_setting_;
  std::string flow_, client_id_, client_secret_, username_, private_key_pem_;
  std::string refresh_seed_, seed_hash_, fingerprint_;
  std::chrono::milliseconds timeout_{30000};

  mutable std::mutex mu_;
  SalesforceSession session_;    // GUARDED_BY(mu_); empty token: none
  std::int64_t expires_ms_ = 0;  // GUARDED_BY(mu_); 0: until a 401
  bool state_loaded_ = false;    // GUARDED_BY(mu_)
  std::string refresh_token_;    // GUARDED_BY(mu_); the one to use next
  // A rotated refresh token and its session not yet durable: retried
  // before the session is used.
  bool rotation_pending_ = false;        // GUARDED_BY(mu_)
  SalesforceSession pending_;            // GUARDED_BY(mu_)
  std::int64_t pending_expires_ms_ = 0;  // GUARDED_BY(mu_)
  std::uint64_t generation_ = 0;         // GUARDED_BY(mu_)
  std::uint64_t token_requests_ = 0;     // GUARDED_BY(mu_)
};

// Signs `claims_json` as a JWS compact serialization with header
// {"alg":"RS256"} and the PEM private key (RSA; an encrypted key is
// refused). InvalidArgument("private_key: ...") when the key is unusable.
Status SignJwtRs256(std::string_view pem_private_key, std::string_view claims_json,
                    std::string* jwt);

}  // namespace lrs::sync

#endif  // LRS_SYNC_SALESFORCE_AUTH_H_
