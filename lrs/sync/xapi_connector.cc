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
// "batch_size" (statements per request, default 500); "parallel_requests"
// (requests sent at once, default 4, at most 10: one Deliver takes
// batch_size x parallel_requests statements; each learner's go in one
// request, in stored order, so per-learner order holds, while an upstream
// that stores requests in parallel is kept busy on several cores instead
// of waiting for the next batch); "timeout_ms" (default 30000).
//
// Responses: 200 delivers the batch. A 409 (an id already stored: equal,
// or different) or a 400 / 413 for a batch falls back to one PUT per
// statement, where 204 delivers, and 400 or 413 rejects that statement. A
// 409 to a PUT is checked against the upstream's copy (GET statementId,
// compared as Data 2.3.1 says), since an LRS may answer 409 to a repeat
// with equal content (Communication 2.1.1): equal delivers, different is
// dead-lettered. 401 / 403 (after one token refresh), 429, 5xx and
// transport errors make the destination unavailable (with Retry-After when
// given). Errors never quote the credentials, even when the upstream
// echoes them.

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

#include "lrs/common/encoding.h"
#include "lrs/common/uuid.h"
#include "lrs/sync/connector.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::sync {
namespace {

constexpr std::string_view kTokenKey = "oauth2_token";  // state: "<expiry ms> <token>"

// The index of the quote closing the JSON string that opens at text[i].
std::size_t StringEnd(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i;
    }
  }
  return std::string_view::npos;
}

// The top-level "version" string of a statement object, found by scanning
// its (valid, stored) text rather than building a DOM: this runs for every
// statement sent, and a parse costs as much as the rest of the relay's
// work on it. Members nested deeper (extensions) and string contents are
// skipped. Empty when not found as written (e.g. an escaped name).
std::string_view TopLevelVersion(std::string_view text) {
  int depth = 0;
  bool name_next = false;  // at depth 1: the next string is a member name
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = StringEnd(text, i);
      if (end == std::string_view::npos) return {};
      if (depth == 1 && name_next && text.substr(i + 1, end - i - 1) == "version") {
        std::size_t v = end + 1;
        while (v < text.size() && (text[v] == ':' || text[v] == ' ' || text[v] == '\t' ||
                                   text[v] == '\n' || text[v] == '\r'))
          ++v;
        if (v == text.size() || text[v] != '"') return {};
        const std::size_t vend = StringEnd(text, v);
        return vend == std::string_view::npos ? std::string_view()
                                              : text.substr(v + 1, vend - v - 1);
      }
      name_next = false;
      i = end;
    } else if (c == '{' || c == '[') {
      name_next = (++depth == 1) && c == '{';
    } else if (c == '}' || c == ']') {
      --depth;
    } else if (c == ',' && depth == 1) {
      name_next = true;
    }
  }
  return {};
}

// The X-Experience-API-Version a stored statement goes with.
std::string VersionOf(const std::string& statement_json) {
  std::string_view v = TopLevelVersion(statement_json);
  json::Document d;
  if (v.empty() && json::Parse(statement_json, &d).ok() && d.IsObject())
    v = json::StringOr(d, "version");
  return v.substr(0, 2) == "2." ? "2.0.0" : "1.0.3";
}

bool DestinationLevel(int status) {
  return status == 0 || status == 401 || status == 403 || status == 408 || status == 429 ||
         status >= 500;
}

// Replaces every occurrence of `secret` in *s.
void Redact(std::string_view secret, std::string* s) {
  if (secret.size() < 4) return;  // shorter would mangle every message (and is no secret)
  for (std::size_t at = s->find(secret); at != std::string::npos;
       at = s->find(secret, at + 3))
    s->replace(at, secret.size(), "***");
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
    LRS_RETURN_IF_ERROR(UintSetting(s, "parallel_requests", 1, 10, &parallel_));
    LRS_RETURN_IF_ERROR(TimeoutSetting(s, &timeout_));
    if (HasSecret(s, "key") || HasSecret(s, "secret")) {
      std::string key, secret;
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "key", &key));
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "secret", &secret));
      auth_ = "Basic " + Base64Encode(key + ":" + secret);
      secrets_ = {secret, auth_.substr(6)};
    } else if (HasSecret(s, "token")) {
      std::string token;
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "token", &token));
      auth_ = "Bearer " + token;
      secrets_ = {token};
    } else if (json::Member(s, "token_url")) {
      std::string_view tu = json::StringOr(s, "token_url");
      if (tu.rfind("http://", 0) != 0 && tu.rfind("https://", 0) != 0)
        return Status::InvalidArgument("token_url: must be an http:// or https:// URL");
      token_url_ = std::string(tu);
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_id", &client_id_));
      LRS_RETURN_IF_ERROR(ResolveSecret(s, "client_secret", &client_secret_));
      secrets_ = {client_secret_, Base64Encode(client_id_ + ":" + client_secret_)};
    } else {
      return Status::InvalidArgument(
          "auth: set key and secret (Basic), token (bearer), or token_url, client_id and "
          "client_secret (OAuth2 client credentials)");
    }
    return Status::OK();
  }

  std::size_t max_batch() const override { return batch_ * parallel_; }
  bool uses_mapping() const override { return false; }
  bool preserves_batch_order() const override { return true; }

  DeliveryResult Deliver(const std::vector<const OutRecord*>& records) override {
    // Requests: each learner's records go in one group, in stored order
    // (new learners join the smallest group); a group is sent as runs of
    // one xAPI version of at most batch_size statements, one after the
    // other. The upstream applies each request in order, so each learner's
    // records are applied in stored order, across versions too.
    std::vector<std::string> versions;
    for (const OutRecord* r : records) versions.push_back(VersionOf(r->statement));
    std::vector<std::vector<Part>> groups(std::min(parallel_, records.size()));
    std::vector<std::size_t> sizes(groups.size(), 0);
    std::unordered_map<std::string_view, std::size_t> group_of;
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto [it, fresh] = group_of.try_emplace(records[i]->learner, 0);
      if (fresh)
        it->second = static_cast<std::size_t>(std::min_element(sizes.begin(), sizes.end()) -
                                              sizes.begin());
      ++sizes[it->second];
      std::vector<Part>& parts = groups[it->second];
      if (parts.empty() || parts.back().version != versions[i] ||
          parts.back().records.size() >= batch_)
        parts.push_back(Part{{}, {}, versions[i]});
      parts.back().records.push_back(records[i]);
      parts.back().index.push_back(i);
    }
    // Waves: the k-th request of every group at once.
    DeliveryResult result;
    result.records.assign(records.size(), RecordResult{});
    for (std::size_t wave = 0;; ++wave) {
      std::vector<const Part*> parts;
      for (const auto& g : groups)
        if (wave < g.size()) parts.push_back(&g[wave]);
      if (parts.empty()) return result;
      std::vector<HttpRequest> reqs(parts.size());
      for (std::size_t k = 0; k < parts.size(); ++k) {
        reqs[k].method = "POST";
        reqs[k].url = base_ + "statements";
        reqs[k].timeout = timeout_;
        BuildBody(parts[k]->records, parts[k]->version, &reqs[k]);
      }
      std::vector<HttpResponse> resps;
      DeliveryResult fail;
      if (!SendAuthorized(&reqs, &resps, &fail)) return fail;
      // 409 / 400 / 413 are the records'; any other 4xx for a whole batch
      // means the upstream refuses this kind of request (404: wrong URL...),
      // a configuration problem, not a record's. The destination waits as
      // long as the longest Retry-After among the failed requests.
      const HttpResponse* down = nullptr;
      std::chrono::milliseconds wait(-1);
      for (const HttpResponse& r : resps) {
        if (r.status == 200 || r.status == 204 || r.status == 409 || r.status == 400 ||
            r.status == 413)
          continue;
        const auto ra = ParseRetryAfter(r.Header("retry-after"), ctx_.clock->NowMicros() / 1000);
        if (!down || ra > wait) {
          down = &r;
          wait = ra;
        }
      }
      if (down) return Unavailable(*down);
      for (std::size_t k = 0; k < parts.size(); ++k) {
        if (resps[k].status == 200 || resps[k].status == 204) continue;
        DeliveryResult one = JudgeEach(*parts[k]);
        if (one.kind != DeliveryResult::Kind::kDone) return one;
        for (std::size_t j = 0; j < one.records.size(); ++j)
          result.records[parts[k]->index[j]] = std::move(one.records[j]);
      }
    }
  }

 private:
  // Statements sent in one request: of one xAPI version, in stored order.
  struct Part {
    std::vector<const OutRecord*> records;
    std::vector<std::size_t> index;  // of each record in the Deliver call
    std::string version;
  };
  // What the upstream holds under a statement's id.
  enum class Copy { kSame, kDifferent, kUnknown };

  // A part the upstream refused as a whole (409, 400, 413): one PUT per
  // statement finds out what becomes of each.
  DeliveryResult JudgeEach(const Part& part) {
    DeliveryResult out;
    out.records.assign(part.records.size(), RecordResult{});
    DeliveryResult fail;
    for (std::size_t k = 0; k < part.records.size(); ++k) {
      const OutRecord& rec = *part.records[k];
      HttpRequest one;
      one.method = "PUT";
      one.url = base_ + "statements?statementId=" + rec.statement_id;
      one.timeout = timeout_;
      BuildBody({&rec}, part.version, &one, /*single=*/true);
      HttpResponse r;
      if (!SendAuthorized(&one, &r, &fail)) return fail;
      if (r.status == 204 || r.status == 200) continue;
      if (DestinationLevel(r.status)) return Unavailable(r);
      if (r.status == 409) {
        HttpResponse g;
        DeliveryResult down;
        Copy copy = UpstreamCopy(rec, part.version, &g, &down);
        if (copy == Copy::kSame) continue;  // already there: a repeat is a success
        if (down.kind != DeliveryResult::Kind::kDone) return down;
        out.records[k].outcome = Outcome::kReject;
        out.records[k].error =
            "the upstream LRS holds different content under this id: " + Describe(r);
        if (copy == Copy::kUnknown)
          out.records[k].error += " (its copy could not be read to compare: " + Describe(g) + ")";
        continue;
      }
      out.records[k].outcome = Outcome::kReject;
      out.records[k].error = Describe(r);
    }
    return out;
  }

  // Reads the upstream's statement under rec's id (also when voided) and
  // compares it with rec's (Data 2.3.1: LRS-assigned properties ignored).
  // kUnknown when it could not be read: *resp holds the answer, and *down
  // is set when the destination itself failed (transport, 5xx, 429, token).
  Copy UpstreamCopy(const OutRecord& rec, const std::string& version, HttpResponse* resp,
                    DeliveryResult* down) {
    json::Document mine;
    if (!json::Parse(rec.statement, &mine).ok()) return Copy::kUnknown;
    for (const char* param : {"statementId", "voidedStatementId"}) {
      HttpRequest get;
      get.method = "GET";
      get.url = base_ + "statements?" + param + "=" + rec.statement_id;
      get.timeout = timeout_;
      get.headers = {{"X-Experience-API-Version", version}, {"Accept", "application/json"}};
      if (!SendAuthorized(&get, resp, down)) return Copy::kUnknown;
      if (resp->status == 404) continue;
      if (resp->status == 200) {
        json::Document theirs;
        if (!json::Parse(resp->body, &theirs).ok() || !theirs.IsObject()) return Copy::kUnknown;
        return xapi::StatementsEquivalent(mine, theirs) ? Copy::kSame : Copy::kDifferent;
      }
      // 401 / 403: a credential that may write but not read; the 409 stands.
      if (resp->status != 401 && resp->status != 403 && DestinationLevel(resp->status))
        *down = Unavailable(*resp);
      return Copy::kUnknown;
    }
    return Copy::kUnknown;
  }

  // "HTTP 409: <the upstream's message>" or the transport's error, without
  // the credentials.
  std::string Describe(const HttpResponse& r) const { return Scrub(DescribeResponse(r)); }

  std::string Scrub(std::string s) const {
    for (const std::string& secret : secrets_) Redact(secret, &s);
    Redact(token_, &s);
    return s;
  }

  DeliveryResult Unavailable(const HttpResponse& r) {
    return DeliveryResult::Unavailable(
        Describe(r), ParseRetryAfter(r.Header("retry-after"), ctx_.clock->NowMicros() / 1000));
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

  // Sends `reqs` at once with the Authorization header; with OAuth2,
  // fetches a token first, and once more when any got 401 (those are sent
  // again). False when no token could be had (*fail then says why: the
  // destination is unavailable).
  bool SendAuthorized(std::vector<HttpRequest>* reqs, std::vector<HttpResponse>* resps,
                      DeliveryResult* fail) {
    std::string auth = auth_;
    if (!token_url_.empty() && !BearerToken(/*refresh=*/false, &auth, fail)) return false;
    for (auto& r : *reqs) r.headers.emplace_back("Authorization", auth);
    ctx_.transport->SendAll(*reqs, resps);
    for (auto& r : *reqs) r.headers.pop_back();
    if (token_url_.empty()) return true;
    std::vector<std::size_t> refused;
    for (std::size_t i = 0; i < resps->size(); ++i) {
      // Rate-limited: nothing more goes out now, not even a token request
      // (the caller reports the destination unavailable until Retry-After).
      if ((*resps)[i].status == 429) return true;
      if ((*resps)[i].status == 401) refused.push_back(i);
    }
    if (refused.empty()) return true;
    if (!BearerToken(/*refresh=*/true, &auth, fail)) return false;
    std::vector<HttpRequest> again;
    for (std::size_t i : refused) {
      again.push_back((*reqs)[i]);
      again.back().headers.emplace_back("Authorization", auth);
    }
    std::vector<HttpResponse> answers;
    ctx_.transport->SendAll(again, &answers);
    for (std::size_t k = 0; k < refused.size(); ++k) (*resps)[refused[k]] = std::move(answers[k]);
    return true;
  }
  bool SendAuthorized(HttpRequest* req, HttpResponse* resp, DeliveryResult* fail) {
    std::vector<HttpRequest> reqs(1);
    reqs[0] = std::move(*req);
    std::vector<HttpResponse> resps;
    const bool ok = SendAuthorized(&reqs, &resps, fail);
    *req = std::move(reqs[0]);
    *resp = ok ? std::move(resps.at(0)) : HttpResponse{};
    return ok;
  }

  // The cached token (in memory, else from the state), or a new one from
  // the token endpoint (RFC 6749 4.4). False with *fail set when none.
  bool BearerToken(bool refresh, std::string* auth, DeliveryResult* fail) {
    const std::int64_t now_ms = ctx_.clock->NowMicros() / 1000;
    if (!refresh && token_.empty()) {
      std::string v;
      if (ctx_.state->Get(kTokenKey, &v).ok()) {
        // "<expiry ms> <token>"; anything else is ignored (a new token is fetched).
        std::int64_t expiry = 0;
        const auto sp = v.find(' ');
        if (sp != std::string::npos && sp + 1 < v.size()) {
          const char* end = v.data() + sp;
          auto [ptr, ec] = std::from_chars(v.data(), end, expiry);
          if (ec == std::errc() && ptr == end) {
            token_expiry_ms_ = expiry;
            token_ = v.substr(sp + 1);
          }
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
                 {"Accept", "application/json"},
                 {"Authorization", "Basic " + Base64Encode(client_id_ + ":" + client_secret_)}};
    t.body = "grant_type=client_credentials";
    HttpResponse r = ctx_.transport->Send(t);
    json::Document d;
    const bool is_object = json::Parse(r.body, &d).ok() && d.IsObject();
    std::string_view token = is_object ? json::StringOr(d, "access_token") : std::string_view();
    if (r.status != 200 || token.empty()) {
      // RFC 6749 5.2: "error" and "error_description"; never the raw body
      // (it may hold a token under another name).
      std::string why = "token endpoint: ";
      if (r.status == 0) {
        why += r.error;
      } else if (r.status != 200) {
        why += "HTTP " + std::to_string(r.status);
        std::string_view code = is_object ? json::StringOr(d, "error") : std::string_view();
        std::string_view desc =
            is_object ? json::StringOr(d, "error_description") : std::string_view();
        if (!code.empty()) why += ": " + std::string(code.substr(0, 60));
        if (!desc.empty()) why += " (" + std::string(desc.substr(0, 200)) + ")";
      } else {
        why += "the response has no access_token";
      }
      *fail = DeliveryResult::Unavailable(
          Scrub(std::move(why)), ParseRetryAfter(r.Header("retry-after"), now_ms));
      return false;
    }
    token_ = std::string(token);
    std::int64_t ttl = 3600;
    if (const json::Value* e = json::Member(d, "expires_in"); e && e->IsInt64())
      ttl = e->GetInt64();
    token_expiry_ms_ = now_ms + ttl * 1000;
    (void)ctx_.state->Put(kTokenKey, std::to_string(token_expiry_ms_) + " " + token_);
    *auth = "Bearer " + token_;
    return true;
  }

  ConnectorContext ctx_;
  std::string base_;
  std::size_t batch_ = 500;
  std::size_t parallel_ = 4;
  std::chrono::milliseconds timeout_{30000};
  std::string auth_;
  std::string token_url_, client_id_, client_secret_;
  std::vector<std::string> secrets_;  // never quoted in errors (with token_)
  std::string token_;
  std::int64_t token_expiry_ms_ = 0;
};

}  // namespace

Status NewXapiConnector(const ConnectorContext& ctx, std::unique_ptr<Connector>* out) {
  return MakeConnector<XapiConnector>(ctx, out);
}

}  // namespace lrs::sync
