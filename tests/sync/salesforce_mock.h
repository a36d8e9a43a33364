// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A loopback emulation of the parts of Salesforce the connector uses:
//  - POST /services/oauth2/token with grant_type client_credentials,
//    urn:ietf:params:oauth:grant-type:jwt-bearer (RS256 signature verified
//    with the test key's public half; iss, sub, aud, exp checked) and
//    refresh_token with rotation (each refresh issues a new refresh token
//    and voids the old one; reusing a voided one revokes the whole chain,
//    as Salesforce does). Errors as {"error","error_description"}.
//  - PATCH /services/data/v59.0/composite/sobjects/{object}/{extField}:
//    sObject Collections upsert keyed by the external id, with per-record
//    results, per-record failures on demand, 400 INVALID_FIELD for a field
//    the object lacks, 400 JSON_PARSER_ERROR for a string in Score__c (a
//    number field), 404 NOT_FOUND for an unknown object, 401
//    INVALID_SESSION_ID for an expired session, 403 REQUEST_LIMIT_EXCEEDED
//    on demand. It counts token requests, calls, creates and updates.

#ifndef LRS_TESTS_SYNC_SALESFORCE_MOCK_H_
#define LRS_TESTS_SYNC_SALESFORCE_MOCK_H_

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrs/http/message.h"
#include "lrs/json/json.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync::testing {

// An RSA test key pair (PEM private key; the EVP_PKEY for verification).
struct TestKey {
  std::string pem;
  std::shared_ptr<EVP_PKEY> key;

  static TestKey Generate() {
    TestKey k;
    k.key.reset(EVP_RSA_gen(2048), &EVP_PKEY_free);
    REQUIRE(k.key);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    REQUIRE(PEM_write_bio_PrivateKey(bio.get(), k.key.get(), nullptr, nullptr, 0, nullptr,
                                     nullptr) == 1);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    k.pem.assign(data, static_cast<std::size_t>(n));
    return k;
  }
};

inline bool DecodeBase64Url(std::string_view in, std::string* out) {
  out->clear();
  unsigned acc = 0;
  int bits = 0;
  for (char c : in) {
    int v;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '-')
      v = 62;
    else if (c == '_')
      v = 63;
    else
      return false;  // '=' padding or the standard alphabet: not base64url-no-pad
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

class SalesforceMock {
 public:
  struct Options {
    std::string client_id = "3MVG9client";
    std::string client_secret = "cs-very-secret";
    std::string username = "integration@example.com";
    std::string refresh_seed = "rt-seed";
    std::string object = "Learning_Event__c";
    std::string ext_field = "Statement_Id__c";
    std::set<std::string> fields = {"Statement_Id__c", "Email__c",  "Event__c",  "Occurred_At__c",
                                    "Score__c",        "Course__c", "Learner__c"};
    std::shared_ptr<EVP_PKEY> jwt_key;  // verifies jwt-bearer assertions
    std::string jwt_audience;           // default: this mock's URL (the login_url)
    // How long each API call takes (long enough for the concurrent calls
    // of one batch to overlap).
    std::chrono::milliseconds api_delay{30};
  };

  struct Row {
    std::string id;
    std::string fields;  // the last upserted record, JSON
    int writes = 0;
  };

  SalesforceMock(Options o, Clock* clock)
      : o_(std::move(o)), clock_(clock), server_([this](const Received& r) { return Handle(r); }) {
    valid_refresh_ = o_.refresh_seed;
  }

  std::string url() const { return server_.url(); }
  MockServer& server() { return server_; }

  // Knobs.
  // Every session issued so far dies (API calls get 401 INVALID_SESSION_ID).
  // Returns how many were alive.
  int ExpireSessions() {
    std::lock_guard<std::mutex> l(mu_);
    const int n = static_cast<int>(sessions_.size());
    sessions_.clear();
    return n;
  }
  // Sessions die as soon as they are issued (every API call gets 401).
  void RejectAllSessions(bool on) { reject_all_sessions_ = on; }
  // The record with this external id fails with `code`: the next `times`
  // upserts of it (0: every one).
  void FailRecord(const std::string& statement_id, const std::string& code, int times = 0) {
    std::lock_guard<std::mutex> l(mu_);
    fail_[statement_id] = {code, times};
  }
  // The next `n` API calls get 403 REQUEST_LIMIT_EXCEEDED (with Retry-After
  // when retry_after is not empty).
  void LimitExceeded(int n, std::string retry_after = {}) {
    std::lock_guard<std::mutex> l(mu_);
    limited_ = n;
    limit_retry_after_ = std::move(retry_after);
  }
  // The next API call gets this status and body.
  void FailNextCall(int status, std::string body, std::string retry_after = {}) {
    std::lock_guard<std::mutex> l(mu_);
    next_status_ = status;
    next_body_ = std::move(body);
    next_retry_after_ = std::move(retry_after);
  }
  void FailNextToken(int status, std::string body) {
    std::lock_guard<std::mutex> l(mu_);
    token_status_ = status;
    token_body_ = std::move(body);
  }
  // The operator authorized the app again: a new refresh token is valid.
  void Authorize(const std::string& refresh_token) {
    std::lock_guard<std::mutex> l(mu_);
    valid_refresh_ = refresh_token;
  }
  // Called with the access token before each API call is answered.
  void OnApiCall(std::function<void(const std::string& access_token)> f) {
    std::lock_guard<std::mutex> l(mu_);
    on_call_ = std::move(f);
  }

  // Observations.
  int token_requests() const { return token_requests_; }
  int api_calls() const { return api_calls_; }
  int creates() const { return creates_; }
  int updates() const { return updates_; }
  int max_in_flight() const { return max_in_flight_; }
  std::string valid_refresh() const {
    std::lock_guard<std::mutex> l(mu_);
    return valid_refresh_;
  }
  std::map<std::string, Row> rows() const {
    std::lock_guard<std::mutex> l(mu_);
    return rows_;
  }
  // External ids, in the order their records were created.
  std::vector<std::string> created() const {
    std::lock_guard<std::mutex> l(mu_);
    return created_;
  }
  std::vector<std::vector<std::pair<std::string, std::string>>> token_forms() const {
    std::lock_guard<std::mutex> l(mu_);
    return token_forms_;
  }
  std::vector<std::string> jwt_claims() const {
    std::lock_guard<std::mutex> l(mu_);
    return jwt_claims_;
  }

 private:
  static http::Response Errors(int status, std::string_view code, std::string_view message) {
    return Json(status, "[{\"message\":\"" + std::string(message) + "\",\"errorCode\":\"" +
                            std::string(code) + "\"}]");
  }
  static http::Response OAuthError(int status, std::string_view code, std::string_view desc) {
    return Json(status, "{\"error\":\"" + std::string(code) + "\",\"error_description\":\"" +
                            std::string(desc) + "\"}");
  }

  http::Response Handle(const Received& r) {
    if (r.path == "/services/oauth2/token") return Token(r);
    return Api(r);
  }

  // Field API names are case-insensitive in Salesforce.
  bool HasField(const std::string& name) const {
    for (const auto& f : o_.fields)
      if (http::EqualsIgnoreCase(f, name)) return true;
    return false;
  }

  static std::string Form(const std::vector<std::pair<std::string, std::string>>& f,
                          std::string_view name) {
    for (const auto& [k, v] : f)
      if (k == name) return v;
    return {};
  }

  // REQUIRES: mu_ held.
  http::Response Issue(bool rotate) {
    const std::string at = "00Dxx!at-" + std::to_string(++issued_);
    if (!reject_all_sessions_) sessions_.insert(at);
    std::string body = "{\"access_token\":\"" + at + "\",\"instance_url\":\"" + url() +
                       "\",\"id\":\"" + url() + "/id/00Dxx/005xx\",\"token_type\":\"Bearer\"," +
                       "\"issued_at\":\"1700000000000\",\"signature\":\"c2ln\"";
    if (rotate) {
      valid_refresh_ = "rt-" + std::to_string(issued_);
      body += ",\"refresh_token\":\"" + valid_refresh_ + "\"";
    }
    return Json(200, body + "}");
  }

  http::Response Token(const Received& r) {
    ++token_requests_;
    std::vector<std::pair<std::string, std::string>> f;
    if (r.method != "POST" || !http::ParseForm(r.body, &f))
      return OAuthError(400, "invalid_request", "bad request");
    std::lock_guard<std::mutex> l(mu_);
    token_forms_.push_back(f);
    if (token_status_) {
      int s = token_status_;
      token_status_ = 0;
      return Json(s, token_body_);
    }
    const std::string grant = Form(f, "grant_type");
    if (grant == "client_credentials") {
      if (Form(f, "client_id") != o_.client_id || Form(f, "client_secret") != o_.client_secret)
        return OAuthError(400, "invalid_client", "invalid client credentials");
      return Issue(false);
    }
    if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer") {
      std::string why = VerifyJwt(Form(f, "assertion"));
      if (!why.empty()) return OAuthError(400, "invalid_grant", why);
      return Issue(false);
    }
    if (grant == "refresh_token") {
      if (Form(f, "client_id") != o_.client_id)
        return OAuthError(400, "invalid_client_id", "client identifier invalid");
      const std::string rt = Form(f, "refresh_token");
      if (rt.empty() || rt != valid_refresh_) {
        // A voided token presented: Salesforce revokes the chain.
        valid_refresh_.clear();
        sessions_.clear();
        return OAuthError(400, "invalid_grant", "expired access/refresh token");
      }
      return Issue(true);
    }
    return OAuthError(400, "unsupported_grant_type", "grant type not supported");
  }

  // Empty when the assertion is a valid RS256 JWT for this app and user.
  // REQUIRES: mu_ held.
  std::string VerifyJwt(const std::string& jwt) {
    const auto d1 = jwt.find('.');
    const auto d2 = jwt.find('.', d1 == std::string::npos ? 0 : d1 + 1);
    if (d1 == std::string::npos || d2 == std::string::npos) return "malformed assertion";
    std::string header, claims, sig;
    if (!DecodeBase64Url(std::string_view(jwt).substr(0, d1), &header) ||
        !DecodeBase64Url(std::string_view(jwt).substr(d1 + 1, d2 - d1 - 1), &claims) ||
        !DecodeBase64Url(std::string_view(jwt).substr(d2 + 1), &sig))
      return "not base64url";
    json::Document h, c;
    if (!json::Parse(header, &h).ok() || json::StringOr(h, "alg") != "RS256") return "alg";
    if (!o_.jwt_key) return "no certificate";
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    const std::string signed_part = jwt.substr(0, d2);
    if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, o_.jwt_key.get()) != 1 ||
        EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(signed_part.data()),
                         signed_part.size()) != 1)
      return "invalid assertion signature";
    if (!json::Parse(claims, &c).ok() || !c.IsObject()) return "claims";
    jwt_claims_.push_back(claims);
    const std::string aud = o_.jwt_audience.empty() ? url() : o_.jwt_audience;
    if (json::StringOr(c, "iss") != o_.client_id) return "iss";
    if (json::StringOr(c, "sub") != o_.username) return "sub";
    if (json::StringOr(c, "aud") != aud) return "audience";
    const json::Value* exp = json::Member(c, "exp");
    const std::int64_t now_s = clock_->NowMicros() / 1000000;
    if (!exp || !exp->IsInt64() || exp->GetInt64() <= now_s || exp->GetInt64() > now_s + 180)
      return "expired authorization code";
    return {};
  }

  http::Response Api(const Received& r) {
    ++api_calls_;
    const int now = ++in_flight_;
    int seen = max_in_flight_.load();
    while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(o_.api_delay);
    http::Response resp = ApiLocked(r);
    --in_flight_;
    return resp;
  }

  http::Response ApiLocked(const Received& r) {
    std::string auth(r.headers.Get("Authorization").value_or(""));
    std::function<void(const std::string&)> hook;
    {
      std::lock_guard<std::mutex> l(mu_);
      hook = on_call_;
    }
    if (hook) hook(auth.substr(auth.rfind(' ') + 1));
    std::lock_guard<std::mutex> l(mu_);
    if (auth.rfind("Bearer ", 0) != 0 || !sessions_.count(auth.substr(7)))
      return Errors(401, "INVALID_SESSION_ID", "Session expired or invalid");
    if (limited_ > 0) {
      --limited_;
      http::Response resp = Errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
      if (!limit_retry_after_.empty()) resp.headers.Set("Retry-After", limit_retry_after_);
      return resp;
    }
    if (next_status_) {
      http::Response resp = Json(next_status_, next_body_);
      if (!next_retry_after_.empty()) resp.headers.Set("Retry-After", next_retry_after_);
      next_status_ = 0;
      return resp;
    }
    const std::string prefix = "/services/data/v59.0/composite/sobjects/";
    if (r.method != "PATCH" || r.path.rfind(prefix, 0) != 0)
      return Errors(404, "NOT_FOUND", "The requested resource does not exist");
    const std::string rest = r.path.substr(prefix.size());
    if (rest != o_.object + "/" + o_.ext_field)
      return Errors(404, "NOT_FOUND", "The requested resource does not exist");
    json::Document d;
    if (!json::Parse(r.body, &d).ok() || !d.IsObject())
      return Errors(400, "JSON_PARSER_ERROR", "Unexpected character");
    const json::Value* all = json::Member(d, "allOrNone");
    const json::Value* recs = json::Member(d, "records");
    if (!all || !all->IsBool() || all->GetBool() || !recs || !recs->IsArray() || recs->Empty() ||
        recs->Size() > 200)
      return Errors(400, "INVALID_FIELD", "bad collection");
    for (const json::Value& rec : recs->GetArray()) {
      const json::Value* at = json::Member(rec, "attributes");
      if (!at || json::StringOr(*at, "type") != o_.object)
        return Errors(400, "INVALID_FIELD", "attributes.type missing");
      for (const auto& m : rec.GetObject()) {
        const std::string name(json::View(m.name));
        if (name != "attributes" && !HasField(name))
          return Errors(400, "INVALID_FIELD",
                        "No such column '" + name + "' on sobject of type " + o_.object);
      }
      for (const auto& m : rec.GetObject()) {
        // Salesforce rejects the whole request when a value does not
        // deserialize into the field's type; the message has its position.
        if (http::EqualsIgnoreCase(json::View(m.name), "Score__c") && !m.value.IsNumber() &&
            !m.value.IsNull())
          return Errors(400, "JSON_PARSER_ERROR",
                        "Cannot deserialize instance of double from VALUE_STRING value at [line:1, "
                        "column:" +
                            std::to_string(r.body.find(json::View(m.name))) + "]");
      }
      if (json::StringOr(rec, o_.ext_field).empty())
        return Errors(400, "INVALID_FIELD", "external id missing");
    }
    std::string out = "[";
    for (const json::Value& rec : recs->GetArray()) {
      if (out.size() > 1) out += ',';
      const std::string key(json::StringOr(rec, o_.ext_field));
      if (auto it = fail_.find(key); it != fail_.end()) {
        const std::string code = it->second.first;
        if (it->second.second > 0 && --it->second.second == 0) fail_.erase(it);
        out += "{\"id\":null,\"success\":false,\"errors\":[{\"statusCode\":\"" + code +
               "\",\"message\":\"refused: " + code + "\",\"fields\":[\"Email__c\"]}]}";
        continue;
      }
      Row& row = rows_[key];
      const bool created = row.id.empty();
      if (created) {
        char id[32];
        std::snprintf(id, sizeof id, "a0B%012d", ++next_id_);
        row.id = id;
        created_.push_back(key);
        ++creates_;
      } else {
        ++updates_;
      }
      ++row.writes;
      row.fields = json::Write(rec);
      out += "{\"id\":\"" + row.id +
             "\",\"success\":true,\"created\":" + (created ? "true" : "false") + ",\"errors\":[]}";
    }
    return Json(200, out + "]");
  }

  Options o_;
  Clock* clock_;
  mutable std::mutex mu_;
  std::set<std::string> sessions_;
  std::string valid_refresh_;
  std::map<std::string, Row> rows_;
  std::map<std::string, std::pair<std::string, int>> fail_;  // ext id -> code, times left
  std::vector<std::string> created_;
  std::vector<std::vector<std::pair<std::string, std::string>>> token_forms_;
  std::vector<std::string> jwt_claims_;
  std::function<void(const std::string&)> on_call_;
  int issued_ = 0, next_id_ = 0, limited_ = 0;
  std::string limit_retry_after_;
  int next_status_ = 0;
  std::string next_body_, next_retry_after_;
  int token_status_ = 0;
  std::string token_body_;
  std::atomic<bool> reject_all_sessions_{false};
  std::atomic<int> token_requests_{0}, api_calls_{0}, in_flight_{0}, max_in_flight_{0};
  std::atomic<int> creates_{0}, updates_{0};
  MockServer server_;  // last: stops before the state above goes
};

// A mapped record with statement id ...-<n> (12 digits).
inline OutRecord SfRecord(int n,
                          std::string properties = R"({"score":0.9,"course":"Safety 101"})") {
  OutRecord r;
  char id[64];
  std::snprintf(id, sizeof id, "6a1f0c2e-0000-4000-8000-%012d", n);
  r.seq = static_cast<std::uint64_t>(n);
  r.statement_id = id;
  r.learner = "mailto:learner" + std::to_string(n) + "@example.com";
  r.idempotency_key = std::string(32, 'a');
  r.mapped.email = "learner" + std::to_string(n) + "@example.com";
  r.mapped.event = "completed";
  r.mapped.timestamp_ms = 1'700'000'000'000 + n;
  r.mapped.properties = std::move(properties);
  return r;
}

inline std::vector<const OutRecord*> Ptrs(const std::vector<OutRecord>& v) {
  std::vector<const OutRecord*> out;
  for (const auto& r : v) out.push_back(&r);
  return out;
}

// Settings for the mock: `auth` plus `extra` (",\"key\":value..." or empty).
inline std::string SfSettings(const SalesforceMock& m, const std::string& auth,
                              const std::string& extra = {}) {
  std::string s =
      "{\"login_url\":\"" + m.url() + "\",\"auth\":\"" + auth + "\",\"client_id\":\"3MVG9client\"";
  if (auth == "client_credentials") s += ",\"client_secret\":\"cs-very-secret\"";
  if (auth == "refresh_token") s += ",\"refresh_token\":\"rt-seed\"";
  if (auth == "jwt_bearer") s += ",\"username\":\"integration@example.com\"";
  return s + extra + "}";
}

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_SALESFORCE_MOCK_H_
