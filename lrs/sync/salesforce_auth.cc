// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// OAuth 2.0 for the Salesforce connector; see salesforce_auth.h for the
// flows, the state kept and the documentation they follow.

#include "lrs/common/encoding.h"
#include "lrs/sync/salesforce_auth.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>

namespace lrs::sync {
namespace {

constexpr std::string_view kSessionKey = "session";
constexpr std::string_view kRefreshKey = "refresh_token";
constexpr std::string_view kSeedKey = "refresh_token_seed";
constexpr std::int64_t kJwtLifetimeS = 180;     // Salesforce accepts up to 3 minutes
constexpr std::int64_t kExpirySlackMs = 60000;  // renew this long before expires_in ends

bool IsHttpUrl(std::string_view u) {
  return u.rfind("http://", 0) == 0 || u.rfind("https://", 0) == 0;
}

std::string StripSlash(std::string_view u) {
  while (!u.empty() && u.back() == '/') u.remove_suffix(1);
  return std::string(u);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

// An optional URL setting; *out keeps its value when absent.
Status UrlSetting(const json::Value& s, std::string_view name, std::string* out) {
  const json::Value* v = json::Member(s, name);
  if (!v) return Status::OK();
  if (!v->IsString() || !IsHttpUrl(json::View(*v)))
    return Status::InvalidArgument(std::string(name) + ": must be an http:// or https:// URL");
  *out = StripSlash(json::View(*v));
  return Status::OK();
}

std::string Truncate(std::string_view s, std::size_t n) {
  return std::string(s.substr(0, n)) + (s.size() > n ? "..." : "");
}

}  // namespace

Status SignJwtRs256(std::string_view pem, std::string_view claims_json, std::string* jwt) {
  if (pem.size() > INT_MAX) return Status::InvalidArgument("private_key: too large");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  // A null callback would prompt on the terminal for an encrypted key.
  pem_password_cb* no_passphrase = [](char*, int, int, void*) { return 0; };
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr) : nullptr,
      &EVP_PKEY_free);
  if (!key) {
    ERR_clear_error();
    return Status::InvalidArgument("private_key: not an unencrypted PEM private key");
  }
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
    return Status::InvalidArgument("private_key: must be an RSA key (RS256)");
  const std::string input =
      Base64UrlEncode(R"({"alg":"RS256"})") + "." + Base64UrlEncode(claims_json);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t len = 0;
  const auto* in = reinterpret_cast<const unsigned char*>(input.data());
  std::string sig;
  bool ok = md && EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_DigestSign(md.get(), nullptr, &len, in, input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in,
                        input.size()) == 1;
    sig.resize(len);
  }
  if (!ok) {
    ERR_clear_error();
    return Status::InvalidArgument("private_key: RS256 signing failed");
  }
  *jwt = input + "." + Base64UrlEncode(sig);
  return Status::OK();
}

SalesforceAuth::SalesforceAuth(const ConnectorContext& ctx) : ctx_(ctx) {}
SalesforceAuth::~SalesforceAuth() = default;

Status SalesforceAuth::Create(const ConnectorContext& ctx, std::unique_ptr<SalesforceAuth>* out) {
  std::unique_ptr<SalesforceAuth> a(new SalesforceAuth(ctx));
  LRS_RETURN_IF_ERROR(a->Init());
  *out = std::move(a);
  return Status::OK();
}

Status SalesforceAuth::Init() {
  const json::Value& s = *ctx_.settings;
  login_url_ = "https://login.salesforce.com";
  LRS_RETURN_IF_ERROR(UrlSetting(s, "login_url", &login_url_));
  token_url_ = login_url_ + "/services/oauth2/token";
  LRS_RETURN_IF_ERROR(UrlSetting(s, "instance_url", &instance_setting_));
  LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
  flow_ = std::string(json::StringOr(s, "auth"));
  LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_id", &client_id_));
  if (flow_ == "client_credentials") {
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_secret", &client_secret_));
  } else if (flow_ == "jwt_bearer") {
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "username", &username_));
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "private_key", &private_key_pem_));
    audience_ = login_url_;
    if (const json::Value* a = json::Member(s, "jwt_audience")) {
      if (!a->IsString() || a->GetStringLength() == 0)
        return Status::InvalidArgument("jwt_audience: must be a non-empty string");
      audience_ = std::string(json::View(*a));
    }
    std::string probe;  // refuse an unusable key now, not at the first delivery
    LRS_RETURN_IF_ERROR(SignJwtRs256(private_key_pem_, "{}", &probe));
  } else if (flow_ == "refresh_token") {
    if (HasSecret(s, "client_secret"))
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_secret", &client_secret_));
    LRS_RETURN_IF_ERROR(ResolveSecret(s, "refresh_token", &refresh_seed_));
    seed_hash_ = Sha256Hex(refresh_seed_);
  } else {
    return Status::InvalidArgument(
        "auth: must be \"client_credentials\", \"jwt_bearer\" or \"refresh_token\"");
  }
  // What identifies the org and the user the session belongs to. The
  // refresh token seed counts: one app may be authorized in several orgs.
  fingerprint_ = Sha256Hex(login_url_ + '\n' + flow_ + '\n' + client_id_ + '\n' + username_ + '\n' +
                           instance_setting_ + '\n' + seed_hash_)
                     .substr(0, 32);
  return Status::OK();
}

std::uint64_t SalesforceAuth::token_requests() const {
  std::lock_guard<std::mutex> l(mu_);
  return token_requests_;
}

bool SalesforceAuth::Valid(std::int64_t now_ms) const {
  return !session_.access_token.empty() &&
         (expires_ms_ == 0 || now_ms + kExpirySlackMs < expires_ms_);
}

Status SalesforceAuth::Current(SalesforceSession* out, std::chrono::milliseconds* retry_after) {
  std::lock_guard<std::mutex> l(mu_);
  *retry_after = std::chrono::milliseconds(-1);
  if (rotation_pending_) LRS_RETURN_IF_ERROR(PersistRotation());
  const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
  if (!Valid(now_ms) && !state_loaded_) {
    state_loaded_ = true;
    std::string v;
    json::Document d;
    if (ctx_.state->Get(kSessionKey, &v).ok() && json::Parse(v, &d).ok() && d.IsObject() &&
        json::StringOr(d, "fp") == fingerprint_) {
      const json::Value* e = json::Member(d, "expires_ms");
      session_.access_token = std::string(json::StringOr(d, "access_token"));
      session_.instance_url = std::string(json::StringOr(d, "instance_url"));
      session_.generation = ++generation_;
      expires_ms_ = e && e->IsInt64() ? e->GetInt64() : 0;
      if (session_.instance_url.empty()) session_.access_token.clear();
    }
  }
  if (!Valid(now_ms)) LRS_RETURN_IF_ERROR(Fetch(retry_after));
  *out = session_;
  return Status::OK();
}

Status SalesforceAuth::Renew(const SalesforceSession& stale, SalesforceSession* out,
                             std::chrono::milliseconds* retry_after) {
  std::lock_guard<std::mutex> l(mu_);
  *retry_after = std::chrono::milliseconds(-1);
  if (rotation_pending_) LRS_RETURN_IF_ERROR(PersistRotation());
  state_loaded_ = true;  // what the state held is no better than `stale`
  if (session_.generation != stale.generation && Valid(ctx_.clock->NowMicros() / 1000)) {
    *out = session_;  // another caller renewed it meanwhile
    return Status::OK();
  }
  session_.access_token.clear();
  (void)ctx_.state->Delete(kSessionKey);
  LRS_RETURN_IF_ERROR(Fetch(retry_after));
  *out = session_;
  return Status::OK();
}

std::string SalesforceAuth::LoadRefreshToken() {
  std::string token, seed;
  if (ctx_.state->Get(kRefreshKey, &token).ok() && ctx_.state->Get(kSeedKey, &seed).ok() &&
      seed == seed_hash_ && !token.empty())
    return token;
  return refresh_seed_;
}

Status SalesforceAuth::BuildGrant(std::string* body) {
  if (flow_ == "client_credentials") {
    *body = "grant_type=client_credentials&client_id=" + PercentEncode(client_id_) +
            "&client_secret=" + PercentEncode(client_secret_);
  } else if (flow_ == "jwt_bearer") {
    json::Document c;
    c.SetObject();
    auto& a = c.GetAllocator();
    c.AddMember("iss", json::StringValue(client_id_, a), a);
    c.AddMember("sub", json::StringValue(username_, a), a);
    c.AddMember("aud", json::StringValue(audience_, a), a);
    c.AddMember("exp", ctx_.clock->NowMicros() / 1000000 + kJwtLifetimeS, a);
    std::string jwt;
    LRS_RETURN_IF_ERROR(SignJwtRs256(private_key_pem_, json::Write(c), &jwt));
    *body = "grant_type=" + PercentEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
            "&assertion=" + jwt;
  } else {
    if (refresh_token_.empty()) refresh_token_ = LoadRefreshToken();
    *body = "grant_type=refresh_token&client_id=" + PercentEncode(client_id_) +
            "&refresh_token=" + PercentEncode(refresh_token_);
    if (!client_secret_.empty()) *body += "&client_secret=" + PercentEncode(client_secret_);
  }
  return Status::OK();
}

Status SalesforceAuth::Fetch(std::chrono::milliseconds* retry_after) {
  HttpRequest req;
  req.method = "POST";
  req.url = token_url_;
  req.timeout = timeout_;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Accept", "application/json"}};
  LRS_RETURN_IF_ERROR(BuildGrant(&req.body));
  ++token_requests_;
  const HttpResponse r = ctx_.transport->Send(req);
  const std::string what = "Salesforce token endpoint (" + flow_ + " grant)";
  if (r.status == 0) return Status::Busy(what + ": " + (r.error.empty() ? "no response" : r.error));
  json::Document d;
  const bool is_object = json::Parse(r.body, &d).ok() && d.IsObject();
  if (r.status != 200) {
    *retry_after = ParseRetryAfter(r.Header("retry-after"), ctx_.clock->NowMicros() / 1000);
    std::string msg = what + ": HTTP " + std::to_string(r.status);
    std::string_view code = is_object ? json::StringOr(d, "error") : std::string_view();
    if (!code.empty()) msg += ": " + Truncate(code, 60);
    std::string_view desc = is_object ? json::StringOr(d, "error_description") : std::string_view();
    if (!desc.empty()) msg += " (" + Truncate(desc, 200) + ")";
    if (code == "invalid_grant" && flow_ == "refresh_token")
      msg +=
          "; the refresh token is expired, revoked or was rotated out: authorize again and "
          "set a new refresh_token";
    if (code == "invalid_grant" && flow_ == "jwt_bearer")
      msg +=
          "; check that the user is pre-authorized for the app and that its certificate "
          "matches private_key";
    if (r.status == 429 || r.status >= 500) return Status::Busy(msg);
    return Status::Unauthorized(msg);
  }
  std::string_view token = is_object ? json::StringOr(d, "access_token") : std::string_view();
  std::string_view instance = instance_setting_;
  if (instance.empty() && is_object) instance = json::StringOr(d, "instance_url");
  if (token.empty()) return Status::Unauthorized(what + ": the response has no access_token");
  if (!IsHttpUrl(instance))
    return Status::Unauthorized(what +
                                ": the response has no usable instance_url (set instance_url)");
  SalesforceSession next;
  next.access_token = std::string(token);
  next.instance_url = StripSlash(instance);
  next.generation = ++generation_;
  std::int64_t expires_ms = 0;
  if (const json::Value* e = json::Member(d, "expires_in"); e && e->IsInt64() && e->GetInt64() > 0)
    expires_ms = ctx_.clock->NowMicros() / 1000 + e->GetInt64() * 1000;
  std::string_view rotated = json::StringOr(d, "refresh_token");
  if (flow_ == "refresh_token" && !rotated.empty() && rotated != refresh_token_) {
    // The old refresh token is void from now on: keep the new one in
    // memory whatever happens, and make it durable before the access
    // token it came with is used.
    refresh_token_ = std::string(rotated);
    pending_ = std::move(next);
    pending_expires_ms_ = expires_ms;
    rotation_pending_ = true;
    return PersistRotation();
  }
  session_ = std::move(next);
  expires_ms_ = expires_ms;
  SaveSession();
  return Status::OK();
}

Status SalesforceAuth::PersistRotation() {
  Status s = ctx_.state->Put(kSeedKey, seed_hash_);
  if (s.ok()) s = ctx_.state->Put(kRefreshKey, refresh_token_);
  if (!s.ok())
    return Status::IOError("Salesforce: cannot store the rotated refresh token (" + s.message() +
                           "); its access token stays unused until it is stored");
  rotation_pending_ = false;
  session_ = std::move(pending_);
  pending_ = SalesforceSession();
  expires_ms_ = pending_expires_ms_;
  SaveSession();
  return Status::OK();
}

void SalesforceAuth::SaveSession() {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  d.AddMember("fp", json::StringValue(fingerprint_, a), a);
  d.AddMember("access_token", json::StringValue(session_.access_token, a), a);
  d.AddMember("instance_url", json::StringValue(session_.instance_url, a), a);
  d.AddMember("expires_ms", expires_ms_, a);
  (void)ctx_.state->Put(kSessionKey, json::Write(d));  // a cache: losing it costs a token request
}

}  // namespace lrs::sync
