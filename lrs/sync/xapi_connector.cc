// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Upstream xAPI LRS connector (xAPI Communication 2.1): statements are
// POSTed in batches with their own ids, so a repeat is harmless. Each
// statement goes with the X-Experience-API-Version it was stored under
// (a batch is split by version). Statements whose attachments have no
// fileUrl go as multipart/mixed with their payloads (Communication 1.5.2).
//
// Settings: "url" (the xAPI endpoint, e.g. "https://lrs.example.com/xapi/");
// auth by "key" + "secret" (Basic), or "token" (a bearer token), or
// "token_url" + "client_id" + "client_secret" (OAuth2 client credentials;
// the token is cached in the destination's state until it expires);
// "batch_size" (default 500); "timeout_ms" (default 30000).
//
// Responses: 200 delivers the batch. A 409 (an id already stored: equal,
// or different) or a 400 / 413 for a batch falls back to one PUT per
// statement, where 204 delivers, 409 means the upstream holds different
// content under that id (dead-lettered), and 400 rejects that statement.
// 401 / 403 (after one token refresh), 429, 5xx and transport errors make
// the destination unavailable (with Retry-After when given).

#include <map>

#include "lrs/common/encoding.h"
#include "lrs/common/uuid.h"
#include "lrs/sync/connector.h"

namespace lrs::sync {
namespace {

constexpr std::string_view kTokenKey = "oauth2_token";  // state: "<expiry ms> <token>"

std::string VersionOf(const std::string& statement_json) {
  json::Document d;
  if (!json::Parse(statement_json, &d).ok() || !d.IsObject()) return "1.0.3";
  std::string_view v = json::StringOr(d, "version");
  return v.substr(0, 2) == "2." ? "2.0.0" : "1.0.3";
}

std::string ErrorSnippet(const HttpResponse& r) {
  if (r.status == 0) return r.error;
  std::string s = "HTTP " + std::to_string(r.status);
  if (!r.body.empty()) {
    json::Document d;
    std::string msg;
    if (json::Parse(r.body, &d).ok() && d.IsObject()) {
      std::string_view m = json::StringOr(d, "message");
      if (m.empty()) m = json::StringOr(d, "error");
      msg = std::string(m);
    }
    if (msg.empty()) msg = r.body.substr(0, 200);
    s += ": " + msg;
  }
  return s;
}

bool DestinationLevel(int status) {
  return status == 0 || status == 401 || status == 403 || status == 408 || status == 429 ||
         status >= 500;
}

class XapiConnector final : public Connector {
 public:
  explicit XapiConnector(const ConnectorContext& ctx) : ctx_(ctx) {}

  Status Init() {
    const json::Value& s = *ctx_.settings;
    std::string_view url = json::StringOr(s, "url");
    if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
      return Status::InvalidArgument("url: must be the http:// or https:// xAPI endpoint");
    base_ = std::string(url);
    if (base_.back() != '/') base_ += '/';
    LRS_RETURN_IF_ERROR(UintSetting(s, "batch_size", 1, 10000, &batch_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    if (HasSecret(s, "key") || HasSecret(s, "secret")) {
      std::string key, secret;
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "key", &key));
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "secret", &secret));
      auth_ = "Basic " + Base64Encode(key + ":" + secret);
    } else if (HasSecret(s, "token")) {
      std::string token;
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "token", &token));
      auth_ = "Bearer " + token;
    } else if (json::Member(s, "token_url")) {
      std::string_view tu = json::StringOr(s, "token_url");
      if (tu.rfind("http://", 0) != 0 && tu.rfind("https://", 0) != 0)
        return Status::InvalidArgument("token_url: must be an http:// or https:// URL");
      token_url_ = std::string(tu);
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_id", &client_id_));
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_secret", &client_secret_));
    } else {
      return Status::InvalidArgument(
          "auth: set key and secret (Basic), token (bearer), or token_url, client_id and "
          "client_secret (OAuth2 client credentials)");
    }
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_; }
  bool uses_mapping() const override { return false; }
  bool preserves_batch_order() const override { return true; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    // Split by xAPI version, keeping stored order within each part.
    std::map<std::string, std::vector<std::size_t>> parts;
    for (std::size_t i = 0; i < records.size(); ++i)
      parts[VersionOf(records[i]->statement)].push_back(i);
    DeliveryResult result;
    result.records.assign(records.size(), RecordResult{});
    for (const auto& [version, idx] : parts) {
      DeliveryResult r = DeliverPart(records, idx, version);
      if (r.kind != DeliveryResult::Kind::kDone) return r;
      for (std::size_t k = 0; k < idx.size(); ++k) result.records[idx[k]] = r.records[k];
    }
    return result;
  }

 private:
  DeliveryResult DeliverPart(const std::vector<const OutRecord*>& all,
                             const std::vector<std::size_t>& idx, const std::string& version) {
    HttpRequest req;
    req.method = "POST";
    req.url = base_ + "statements";
    req.timeout = timeout_;
    std::vector<const OutRecord*> recs;
    for (std::size_t i : idx) recs.push_back(all[i]);
    BuildBody(recs, version, &req);
    HttpResponse resp;
    if (!SendAuthorized(&req, &resp)) return Unavailable(resp);
    DeliveryResult out;
    out.records.assign(recs.size(), RecordResult{});
    if (resp.status == 200 || resp.status == 204) return out;
    if (DestinationLevel(resp.status)) return Unavailable(resp);
    if (resp.status != 409 && resp.status != 400 && resp.status != 413) {
      // Another 4xx for the whole batch: the upstream refuses this kind of
      // request (404: wrong URL...). A configuration problem, not a record's.
      return Unavailable(resp);
    }
    // Find out statement by statement.
    for (std::size_t k = 0; k < recs.size(); ++k) {
      HttpRequest one;
      one.method = "PUT";
      const std::string& id = recs[k]->statement_id;
      one.url = base_ + "statements?statementId=" + id;
      one.timeout = timeout_;
      BuildBody({recs[k]}, version, &one, /*single=*/true);
      HttpResponse r;
      if (!SendAuthorized(&one, &r)) return Unavailable(r);
      if (r.status == 204 || r.status == 200) continue;
      if (DestinationLevel(r.status)) return Unavailable(r);
      out.records[k].outcome = Outcome::kReject;
      out.records[k].error = r.status == 409
                                 ? "the upstream LRS holds different content under this id: " +
                                       ErrorSnippet(r)
                                 : ErrorSnippet(r);
    }
    return out;
  }

  DeliveryResult Unavailable(const HttpResponse& r) {
    return DeliveryResult::Unavailable(
        ErrorSnippet(r),
        ParseRetryAfter(r.Header("retry-after"), ctx_.clock->NowMicros() / 1000));
  }

  void BuildBody(const std::vector<const OutRecord*>& recs, const std::string& version,
                 HttpRequest* req, bool single = false) {
    std::string json;
    if (!single) json += '[';
    std::map<std::string, const AttachmentPayload*> payloads;
    for (std::size_t i = 0; i < recs.size(); ++i) {
      if (i) json += ',';
      json += recs[i]->statement;
      for (const auto& p : recs[i]->attachments) payloads.emplace(p.sha2, &p);
    }
    if (!single) json += ']';
    req->headers = {{"X-Experience-API-Version", version}};
    if (payloads.empty()) {
      req->headers.emplace_back("Content-Type", "application/json");
      req->body = std::move(json);
      return;
    }
    std::string boundary = "lrs-" + Uuid::Random().ToString();
    req->headers.emplace_back("Content-Type", "multipart/mixed; boundary=" + boundary);
    std::string& b = req->body;
    b = "--" + boundary + "\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n";
    for (const auto& [sha2, p] : payloads) {
      b += "--" + boundary + "\r\nContent-Type: " +
           (p->content_type.empty() ? std::string("application/octet-stream") : p->content_type) +
           "\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: " + sha2 +
           "\r\n\r\n";
      b += p->data;
      b += "\r\n";
    }
    b += "--" + boundary + "--\r\n";
  }

  // Sends with the Authorization header; with OAuth2, fetches a token
  // first and once more after a 401. False when no token could be had
  // (*resp then holds the token endpoint's answer).
  bool SendAuthorized(HttpRequest* req, HttpResponse* resp) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      std::string auth = auth_;
      if (!token_url_.empty()) {
        if (!BearerToken(attempt > 0, &auth, resp)) return false;
      }
      HttpRequest r = *req;
      r.headers.emplace_back("Authorization", auth);
      *resp = ctx_.transport->Send(r);
      if (resp->status != 401 || token_url_.empty()) return true;
    }
    return true;
  }

  bool BearerToken(bool refresh, std::string* auth, HttpResponse* fail) {
    const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
    if (!refresh && token_.empty()) {
      std::string v;
      if (ctx_.state->Get(kTokenKey, &v).ok()) {
        auto sp = v.find(' ');
        if (sp != std::string::npos) {
          token_expiry_ms_ = std::stoll(v.substr(0, sp));
          token_ = v.substr(sp + 1);
        }
      }
    }
    if (!refresh && !token_.empty() && now_ms + 30000 < token_expiry_ms_) {
      *auth = "Bearer " + token_;
      return true;
    }
    HttpRequest t;
    t.method = "POST";
    t.url = token_url_;
    t.timeout = timeout_;
    t.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                 {"Authorization", "Basic " + Base64Encode(client_id_ + ":" + client_secret_)}};
    t.body = "grant_type=client_credentials";
    HttpResponse r = ctx_.transport->Send(t);
    json::Document d;
    if (r.status != 200 || !json::Parse(r.body, &d).ok() || !d.IsObject() ||
        json::StringOr(d, "access_token").empty()) {
      *fail = r;
      if (r.status == 200) fail->status = 502;
      if (fail->status != 0) fail->status = fail->status >= 500 ? fail->status : 401;
      return false;
    }
    token_ = std::string(json::StringOr(d, "access_token"));
    std::int64_t ttl = 3600;
    if (const json::Value* e = json::Member(d, "expires_in"); e && e->IsInt64()) ttl = e->GetInt64();
    token_expiry_ms_ = now_ms + ttl * 1000;
    (void)ctx_.state->Put(kTokenKey, std::to_string(token_expiry_ms_) + " " + token_);
    *auth = "Bearer " + token_;
    return true;
  }

  ConnectorContext ctx_;
  std::string base_;
  std::size_t batch_ = 500;
  std::chrono::milliseconds timeout_{30000};
  std::string auth_;
  std::string token_url_, client_id_, client_secret_;
  std::string token_;
  std::int64_t token_expiry_ms_ = 0;
};

}  // namespace

Status NewXapiConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  auto c = std::make_unique<XapiConnector>(ctx);
  LRS_RETURN_IF_ERROR(c->Init().WithPrefix(ctx.destination + ": "));
  *out = std::move(c);
  return Status::OK();
}

}  // namespace lrs::sync
