// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A loopback upstream LRS for the xapi connector's tests: the statement
// resource as xAPI Communication 2.1 states it (/work/spec, "Comm" =
// xAPI-Communication 2.0.0) and an OAuth2 client-credentials token endpoint,
// with knobs for the failures an upstream may answer.

#ifndef LRS_TESTS_SYNC_XAPI_LRS_MOCK_H_
#define LRS_TESTS_SYNC_XAPI_LRS_MOCK_H_

#include <openssl/evp.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lrs/http/multipart.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync::testing {

// Credentials. The base64 forms are computed outside the code under test
// (printf 'edge-key:s3cr3t-Pa55' | base64).
inline constexpr const char* kKey = "edge-key";
inline constexpr const char* kSecret = "s3cr3t-Pa55";
inline constexpr const char* kBasic = "Basic ZWRnZS1rZXk6czNjcjN0LVBhNTU=";
inline constexpr const char* kStaticToken = "st4tic-B3arer-T0ken";
inline constexpr const char* kClientId = "edge-client";
inline constexpr const char* kClientSecret = "cl1ent-S3cret";
inline constexpr const char* kClientBasic = "Basic ZWRnZS1jbGllbnQ6Y2wxZW50LVMzY3JldA==";

inline std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr) != 1) return "";
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    out += kHex[md[i] >> 4];
    out += kHex[md[i] & 15];
  }
  return out;
}

inline std::string Header(const Received& r, std::string_view name) {
  return std::string(r.headers.Get(name).value_or(""));
}

inline std::string QueryParam(const Received& r, const std::string& name) {
  std::vector<std::pair<std::string, std::string>> q;
  if (!http::ParseForm(r.query, &q)) return "";
  for (auto& [k, v] : q)
    if (k == name) return v;
  return "";
}

// An upstream LRS on 127.0.0.1, serving /xapi/statements as xAPI
// Communication 2.1 describes it, and an OAuth2 token endpoint
// (/oauth/token, RFC 6749 4.4 client credentials). Statements are kept in
// memory with their attachments.
class UpstreamLrs {
 public:
  enum class Auth { kBasic, kStaticBearer, kOAuth2 };
  // What it answers to a statement whose id it holds with equal content:
  // Comm 2.1.1 / 2.1.2 allow either ("Whether it responds with 409
  // Conflict or 204 No Content, it MUST NOT modify the Statement").
  enum class Repeat { kAccept, kConflict };

  explicit UpstreamLrs(Auth auth = Auth::kBasic) : auth_(auth) {}

  // ---- Knobs (set before the requests they affect) ----
  std::atomic<int> fail_status{0};        // answer this to every statement request (0: behave)
  std::atomic<std::size_t> max_body{0};   // larger bodies get 413 (0: no limit)
  std::atomic<Repeat> repeat{Repeat::kAccept};
  std::atomic<bool> echo_credentials{false};  // error messages quote the Authorization header
  std::atomic<bool> refuse_tokens{false};     // every bearer token gets 401
  std::atomic<bool> forbid_reads{false};      // GET gets 403 (a write-only credential)
  std::atomic<int> token_ttl{3600};           // expires_in of issued tokens
  std::atomic<int> token_fail_status{0};      // the token endpoint answers this
  std::atomic<int> delay_ms{0};               // statement requests take this long
  std::string fail_marker;                    // requests whose body holds this get 503
  std::string retry_after;                    // with fail_status / token_fail_status
  std::string token_fail_body;                // with token_fail_status

  std::string endpoint() const { return server_.url() + "/xapi/"; }
  std::string token_url() const { return server_.url() + "/oauth/token"; }

  // Holds `statement_json` under `id` already (as if posted before).
  void Preload(const std::string& id, const std::string& statement_json) {
    std::lock_guard<std::mutex> l(mu_);
    stored_[id] = statement_json;
    order_.push_back(id);
  }
  // Forgets the tokens it issued (they get 401 from now on).
  void RevokeTokens() {
    std::lock_guard<std::mutex> l(mu_);
    tokens_.clear();
  }
  // Ids stored, in the order they were stored.
  std::vector<std::string> order() const {
    std::lock_guard<std::mutex> l(mu_);
    return order_;
  }
  std::string statement(const std::string& id) const {
    std::lock_guard<std::mutex> l(mu_);
    auto it = stored_.find(id);
    return it == stored_.end() ? "" : it->second;
  }
  std::map<std::string, std::string> attachments() const {  // sha2 -> data
    std::lock_guard<std::mutex> l(mu_);
    return attachments_;
  }
  // The most statement requests it was handling at once.
  int max_in_flight() const { return max_in_flight_.load(); }
  int token_requests() const {
    std::lock_guard<std::mutex> l(mu_);
    return token_requests_;
  }
  // Requests to the statement resource, in arrival order.
  std::vector<Received> statement_requests() const {
    std::vector<Received> out;
    for (auto& r : server_.received())
      if (r.path == "/xapi/statements") out.push_back(r);
    return out;
  }
  std::vector<Received> token_requests_received() const {
    std::vector<Received> out;
    for (auto& r : server_.received())
      if (r.path == "/oauth/token") out.push_back(r);
    return out;
  }

 private:
  http::Response Error(int status, const std::string& message, const Received& r) {
    std::string m = message;
    if (echo_credentials.load())
      m += " (request had Authorization: " + Header(r, "Authorization") + ")";
    json::Document d;
    d.SetObject();
    d.AddMember("error", true, d.GetAllocator());
    d.AddMember("message", json::StringValue(m, d.GetAllocator()), d.GetAllocator());
    http::Response resp = Json(status, json::Write(d));
    resp.headers.Set("X-Experience-API-Version", "2.0.0");
    return resp;
  }

  http::Response Handle(const Received& r) {
    if (r.path == "/oauth/token") return Token(r);
    if (r.path != "/xapi/statements") return Error(404, "no such resource", r);
    const int now = ++in_flight_;
    for (int m = max_in_flight_.load(); now > m && !max_in_flight_.compare_exchange_weak(m, now);) {
    }
    if (int ms = delay_ms.load()) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    http::Response resp = Statements(r);
    --in_flight_;
    return resp;
  }

  http::Response Statements(const Received& r) {
    if (!Authorized(r)) return Error(401, "credentials refused", r);
    // Comm 3.3: a request without a 1.0.x / 2.0.x version header is rejected with 400.
    const std::string version = Header(r, "X-Experience-API-Version");
    if (version.rfind("1.0", 0) != 0 && version.rfind("2.0", 0) != 0)
      return Error(400, "X-Experience-API-Version header missing or unsupported", r);
    if (!fail_marker.empty() && r.body.find(fail_marker) != std::string::npos)
      return Error(503, "overloaded", r);
    if (int s = fail_status.load()) {
      http::Response resp = Error(s, "unavailable", r);
      if (!retry_after.empty()) resp.headers.Set("Retry-After", retry_after);
      return resp;
    }
    if (r.method == "GET")
      return forbid_reads.load() ? Error(403, "no statements/read scope", r) : Get(r);
    // Comm 3.2: 413 for a request larger than the LRS allows.
    if (max_body.load() && r.body.size() > max_body.load())
      return Error(413, "request larger than " + std::to_string(max_body.load()) + " bytes", r);
    std::vector<std::string> statements;
    std::map<std::string, std::string> payloads;
    if (std::string why; !Decode(r, &statements, &payloads, &why)) return Error(400, why, r);
    if (r.method == "PUT") {
      // Comm 2.1.1: one statement; its id must match statementId.
      if (statements.size() != 1) return Error(400, "PUT takes one statement", r);
      json::Document d;
      if (!json::Parse(statements[0], &d).ok()) return Error(500, "mock: unparsable JSON", r);
      if (QueryParam(r, "statementId") != json::StringOr(d, "id"))
        return Error(400, "statementId does not match the statement's id", r);
    } else if (r.method != "POST") {
      return Error(405, "method not allowed", r);
    }
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < statements.size(); ++i) {
      json::Document d;
      if (!json::Parse(statements[i], &d).ok()) return Error(500, "mock: unparsable JSON", r);
      const std::string at = "statements[" + std::to_string(i) + "]";
      std::string id(json::StringOr(d, "id"));
      if (id.empty()) return Error(400, at + ": this mock needs client-set ids", r);
      for (const char* p : {"actor", "verb", "object"})
        if (!json::Member(d, p) || !json::Member(d, p)->IsObject())
          return Error(400, at + "." + p + ": missing", r);
      // Data 2.4.10: a 2.0.0 statement is not a 1.0.x statement.
      if (json::StringOr(d, "version").substr(0, 2) == "2." && version.rfind("1.0", 0) == 0)
        return Error(400, at + ".version: 2.0.0 under X-Experience-API-Version " + version, r);
      // Comm 1.5.2: an attachment without fileUrl needs a part with its hash.
      if (const json::Value* a = json::Member(d, "attachments"); a && a->IsArray()) {
        for (const json::Value& x : a->GetArray()) {
          if (json::Member(x, "fileUrl")) continue;
          if (!payloads.count(std::string(json::StringOr(x, "sha2"))))
            return Error(400, at + ".attachments: no part matches sha2", r);
        }
      }
      // Comm 2.1.1: the same id twice in one batch is rejected.
      if (!seen.insert(id).second) return Error(400, at + ": id repeated in the batch", r);
      ids.push_back(id);
    }
    std::lock_guard<std::mutex> l(mu_);
    // Comm 2.1.1 / 2.1.2: a known id never modifies anything; 409 when the
    // content differs (or, Repeat::kConflict, whenever the id is known).
    // Comm 3.2: "MUST reject a batch of statements if any Statement within
    // that batch is rejected" - nothing is stored then.
    for (std::size_t i = 0; i < statements.size(); ++i) {
      auto it = stored_.find(ids[i]);
      if (it == stored_.end()) continue;
      json::Document a, b;
      if (!json::Parse(statements[i], &a).ok()) return Error(500, "mock: unparsable JSON", r);
      if (!json::Parse(it->second, &b).ok()) return Error(500, "mock: unparsable JSON", r);
      if (!json::Equal(a, b))
        return Error(409, "statement " + ids[i] + " exists with different content", r);
      if (repeat.load() == Repeat::kConflict)
        return Error(409, "statement " + ids[i] + " exists", r);
    }
    for (std::size_t i = 0; i < statements.size(); ++i) {
      if (stored_.emplace(ids[i], statements[i]).second) order_.push_back(ids[i]);
    }
    for (auto& [sha2, data] : payloads) attachments_[sha2] = data;
    if (r.method == "PUT") return Json(204, "");
    std::string out = "[";
    for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? ",\"" : "\"") + ids[i] + "\"";
    return Json(200, out + "]");
  }

  // GET /statements?statementId=ID (Comm 2.1.3): the statement as stored,
  // with the properties an LRS assigns (stored, authority) its own.
  http::Response Get(const Received& r) {
    const std::string id = QueryParam(r, "statementId");
    std::lock_guard<std::mutex> l(mu_);
    auto it = stored_.find(id);
    if (id.empty() || it == stored_.end()) return Error(404, "no statement " + id, r);
    json::Document d;
    if (!json::Parse(it->second, &d).ok()) return Error(500, "mock: unparsable JSON", r);
    auto& a = d.GetAllocator();
    d.RemoveMember("stored");
    d.RemoveMember("authority");
    d.AddMember("stored", "2026-03-02T00:00:00.000Z", a);
    json::Document auth;
    if (!json::Parse(R"({"objectType":"Agent",)"
                     R"("account":{"homePage":"https://up.example.com","name":"edge"}})",
                     &auth)
             .ok())
      return Error(500, "mock: unparsable JSON", r);
    d.AddMember("authority", json::Value(auth, a), a);
    return Json(200, json::Write(d));
  }

  bool Authorized(const Received& r) {
    const std::string got = Header(r, "Authorization");
    switch (auth_) {
      case Auth::kBasic: return got == kBasic;
      case Auth::kStaticBearer: return got == std::string("Bearer ") + kStaticToken;
      case Auth::kOAuth2: {
        if (refuse_tokens.load() || got.rfind("Bearer ", 0) != 0) return false;
        std::lock_guard<std::mutex> l(mu_);
        return tokens_.count(got.substr(7)) > 0;
      }
    }
    return false;
  }

  // The statements of a JSON or multipart/mixed body (Comm 1.5), and the
  // attachment parts by hash. False with *why when malformed.
  bool Decode(const Received& r, std::vector<std::string>* statements,
              std::map<std::string, std::string>* payloads, std::string* why) {
    const std::string type = Header(r, "Content-Type");
    std::string json_text = r.body;
    if (type.rfind("multipart/mixed", 0) == 0) {
      std::string boundary;
      std::vector<http::MultipartPart> parts;
      if (!http::BoundaryOf(type, &boundary).ok() ||
          !http::ParseMultipart(r.body, boundary, &parts).ok() || parts.empty()) {
        *why = "malformed multipart/mixed body";
        return false;
      }
      // Comm 1.5.2: the first part holds the statements, as application/json.
      if (parts[0].headers.Get("Content-Type").value_or("") != "application/json") {
        *why = "the first part must be application/json";
        return false;
      }
      json_text = std::string(parts[0].body);
      for (std::size_t i = 1; i < parts.size(); ++i) {
        // Comm 1.5.2: every further part has X-Experience-API-Hash and
        // Content-Transfer-Encoding: binary; matched by the SHA-2 of its data.
        auto hash = parts[i].headers.Get("X-Experience-API-Hash");
        if (!hash || parts[i].headers.Get("Content-Transfer-Encoding").value_or("") != "binary") {
          *why = "part " + std::to_string(i) + ": missing X-Experience-API-Hash or binary encoding";
          return false;
        }
        if (Sha256Hex(parts[i].body) != *hash) {
          *why = "part " + std::to_string(i) + ": data does not match its hash";
          return false;
        }
        (*payloads)[std::string(*hash)] = std::string(parts[i].body);
      }
    } else if (type != "application/json") {
      *why = "unsupported Content-Type " + type;
      return false;
    }
    json::Document d;
    if (!json::Parse(json_text, &d).ok() || !(d.IsObject() || d.IsArray())) {
      *why = "malformed JSON";
      return false;
    }
    if (d.IsObject()) {
      statements->push_back(json::Write(d));
    } else {
      for (const json::Value& v : d.GetArray()) statements->push_back(json::Write(v));
    }
    return true;
  }

  // RFC 6749 4.4: client credentials, authenticated with HTTP Basic (2.3.1).
  http::Response Token(const Received& r) {
    {
      std::lock_guard<std::mutex> l(mu_);
      ++token_requests_;
    }
    if (int s = token_fail_status.load()) {
      http::Response resp = Json(s, token_fail_body);
      if (!retry_after.empty()) resp.headers.Set("Retry-After", retry_after);
      return resp;
    }
    if (r.method != "POST" ||
        Header(r, "Content-Type") != "application/x-www-form-urlencoded" ||
        Header(r, "Authorization") != kClientBasic || r.body != "grant_type=client_credentials")
      return Json(401, R"({"error":"invalid_client"})");
    std::lock_guard<std::mutex> l(mu_);
    std::string token = "at-" + std::to_string(token_requests_) + "-Xy9";
    tokens_.insert(token);
    return Json(200, R"({"access_token":")" + token +
                                  R"(","token_type":"Bearer","expires_in":)" +
                                  std::to_string(token_ttl.load()) + "}");
  }

  const Auth auth_;
  mutable std::mutex mu_;
  std::map<std::string, std::string> stored_;  // id -> statement JSON as received
  std::vector<std::string> order_;
  std::map<std::string, std::string> attachments_;
  std::set<std::string> tokens_;
  int token_requests_ = 0;
  std::atomic<int> in_flight_{0}, max_in_flight_{0};
  MockServer server_{[this](const Received& r) { return Handle(r); }};
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_XAPI_LRS_MOCK_H_
