// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The shared part of the document resources (Communication 2.2): single and
// multiple document GET/HEAD, PUT, POST (JSON merge) and DELETE, with the
// ETag / Last-Modified headers and the If-Match / If-None-Match
// preconditions of 3.1. The resource files (state_resource.cc,
// profile_resource.cc) check parameters and scopes and build the key.

#include "lrs/api/documents.h"

#include <openssl/sha.h>

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/common/time.h"
#include "lrs/json/json.h"

namespace lrs::api {
namespace {

using http::Request;
using http::Response;

constexpr std::string_view kJson = "application/json";
// Nesting accepted when checking a JSON document body; deeper is 413.
constexpr int kMaxBodyDepth = 512;

// The values of every field named `name`, joined as one list (RFC 7230
// 3.2.2); nullopt when there is none.
std::optional<std::string> JoinedHeader(const http::Headers& headers, std::string_view name) {
  std::optional<std::string> out;
  for (const auto& [k, v] : headers.fields()) {
    if (!http::EqualsIgnoreCase(k, name)) continue;
    if (out) {
      *out += ", ";
      *out += v;
    } else {
      out = v;
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The Content-Type to store with a document: as sent, or empty (the store's
// default, application/octet-stream).
std::string StoredContentType(const Request& req) {
  auto ct = req.headers.Get("Content-Type");
  return ct ? std::string(Trim(*ct)) : std::string();
}

// Communication 2.2.s8.b1 (POST needs a JSON object sent as application/json)
// and 3.2.s3.b6 (a body sent as application/json must be JSON).
Status CheckBody(const Request& req, bool post) {
  const std::string media = MediaType(req);
  if (post && media != kJson) {
    return Status::InvalidArgument(
        "Content-Type: a POST to a document resource merges JSON objects, so it must be "
        "application/json, not \"" + media + "\"; use PUT to store other content");
  }
  if (media != kJson) return Status::OK();
  json::Document doc;
  Status s = json::Parse(req.body, &doc, json::Limits{req.body.size() + 1, kMaxBodyDepth});
  if (s.IsInvalidArgument()) {
    return Status::InvalidArgument(
        "content: the Content-Type is application/json but the body is not JSON (" + s.message() +
        ")");
  }
  LRS_RETURN_IF_ERROR(s);
  if (post && !doc.IsObject())
    return Status::InvalidArgument("content: a POST merges JSON objects, but the body is not one");
  return Status::OK();
}

// The multiple-document GET (2.3.s4, 2.6.s4, 2.7.s4): a JSON array of ids.
Response GetList(Context& ctx, const DocumentKey& key) {
  DocumentListQuery q;
  q.key = key;
  if (const std::string* since = ctx.params.Get("since")) q.since = *since;
  std::vector<std::string> ids;
  std::int64_t newest_ms = 0;
  Status s = ctx.store->ListDocuments(q, &ids, &newest_ms);
  if (!s.ok()) return ErrorResponse(s);
  json::Document d;
  d.SetArray();
  auto& a = d.GetAllocator();
  for (const std::string& id : ids) d.PushBack(json::StringValue(id, a), a);
  Response r = JsonResponse(200, json::Write(d));
  r.headers.Set("ETag", EtagOf(r.body));
  // 2.2.s6.b2: the newest of the listed documents.
  if (newest_ms > 0) r.headers.Set("Last-Modified", HttpDate(newest_ms));
  return r;
}

// The single-document GET: the stored bytes and Content-Type (2.2.s6.b1, 3.1.s4.b1).
Response GetOne(Context& ctx, const DocumentKey& key) {
  if (const std::string* since = ctx.params.Get("since")) {
    // Accepted and ignored with an id (the suites' notes on 2.3.s3), but still a timestamp.
    ParsedTime t;
    if (!ParseIso8601(*since, &t))
      return ErrorResponse(Status::InvalidArgument("since: must be an ISO 8601 timestamp"));
  }
  Document doc;
  Status s = ctx.store->GetDocument(key, &doc);
  if (!s.ok()) return ErrorResponse(s);
  Response r;
  r.status = 200;
  r.headers.Set("Content-Type", doc.content_type);
  r.headers.Set("ETag", doc.etag);
  r.headers.Set("Last-Modified", HttpDate(doc.updated_ms));
  r.body = std::move(doc.content);
  return r;
}

}  // namespace

bool IsDocumentMethod(std::string_view m) {
  return m == "GET" || m == "HEAD" || m == "PUT" || m == "POST" || m == "DELETE";
}

bool IsReadMethod(std::string_view m) { return m == "GET" || m == "HEAD"; }

Status RequireReadScope(const auth::Principal& who, std::uint32_t scope) {
  if (auth::AllowsRead(who.scopes, scope)) return Status::OK();
  return Status::Forbidden("the credential lacks the \"" + auth::ScopesToString(scope) +
                           "\" or \"all/read\" scope");
}

Status RequireDefinitionsRead(const auth::Principal& who) {
  if (auth::AllowsRead(who.scopes, auth::kStatementsRead) ||
      auth::Allows(who.scopes, auth::kDefine))
    return Status::OK();
  return Status::Forbidden(
      "the credential lacks a scope to read agents and activities (statements/read, define, "
      "all/read or all)");
}

std::string EtagOf(std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(body.data()), body.size(), md);
  std::string s = "\"";
  for (unsigned char b : md) {
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  s.push_back('"');
  return s;
}

void StripBodyForHead(const Request& req, Response* resp) {
  if (req.method == "HEAD") resp->body.clear();
}

Response ServeDocument(Context& ctx, const DocumentKey& key, std::string_view id_param,
                       DocumentPrecondition::Require put_rule) {
  const Request& req = ctx.req;
  if (key.id.empty() && ctx.params.Has(id_param)) {
    return ErrorResponse(Status::InvalidArgument(std::string(id_param) + ": must not be empty"));
  }
  if (IsReadMethod(req.method)) {
    return key.id.empty() ? GetList(ctx, key) : GetOne(ctx, key);
  }
  // 3.1.s4.b5-b8: the store checks the preconditions atomically with the write.
  DocumentPrecondition pre;
  pre.if_match = JoinedHeader(req.headers, "If-Match");
  pre.if_none_match = JoinedHeader(req.headers, "If-None-Match");
  if (req.method == "DELETE") {
    Status s = ctx.store->DeleteDocument(key, pre);
    return s.ok() ? NoContent() : ErrorResponse(s);
  }
  const bool post = req.method == "POST";
  if (Status s = CheckBody(req, post); !s.ok()) return ErrorResponse(s);
  pre.require = put_rule;
  Document out;
  const std::string content_type = StoredContentType(req);
  Status s = post ? ctx.store->PostDocument(key, req.body, content_type, pre, &out)
                  : ctx.store->PutDocument(key, req.body, content_type, pre, &out);
  if (!s.ok()) return ErrorResponse(s);
  Response r = NoContent();  // 2.2.s8.b2
  r.headers.Set("ETag", out.etag);
  r.headers.Set("Last-Modified", HttpDate(out.updated_ms));
  return r;
}

}  // namespace lrs::api
