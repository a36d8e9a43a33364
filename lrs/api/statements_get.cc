// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// GET and HEAD /statements (Communication 2.1.3, 2.1.4; Data 2.5): single
// statements, queries, `more` pages, and the multipart response format for
// attachments=true (Communication 1.5.2).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/api/statements_internal.h"
#include "lrs/common/time.h"
#include "lrs/http/multipart.h"
#include "lrs/json/json.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::api {
namespace {

// A `more` token is one of these (the pages' format: attachments=true or
// not, Data 2.5 "same rules as the original request") and the store's token.
constexpr char kMultipartPages = 'm';
constexpr char kJsonPages = 'j';

// The query parameters (Communication 2.1.3 table); statementId and
// voidedStatementId allow only attachments and format beside them.
constexpr std::string_view kQueryParams[] = {
    "agent", "verb", "activity", "registration", "related_activities", "related_agents",
    "since", "until", "limit", "format", "attachments", "ascending"};

Status ParseBool(const Params& p, std::string_view name, bool* out) {
  const std::string* v = p.Get(name);
  if (!v) return Status::OK();
  if (*v == "true") *out = true;
  else if (*v == "false") *out = false;
  else return Status::InvalidArgument(std::string(name) + ": must be \"true\" or \"false\"");
  return Status::OK();
}

Status ParseFormat(const Params& p, StatementFormat* out) {
  const std::string* v = p.Get("format");
  if (!v) return Status::OK();
  if (*v == "exact") *out = StatementFormat::kExact;
  else if (*v == "ids") *out = StatementFormat::kIds;
  else if (*v == "canonical") *out = StatementFormat::kCanonical;
  else return Status::InvalidArgument("format: must be \"ids\", \"exact\" or \"canonical\"");
  return Status::OK();
}

Status ParseLimit(const Params& p, std::uint32_t* out) {
  const std::string* v = p.Get("limit");
  if (!v) return Status::OK();
  if (v->empty() || v->size() > 20)
    return Status::InvalidArgument("limit: must be a non-negative integer");
  std::uint64_t n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9') return Status::InvalidArgument("limit: must be a non-negative integer");
    n = n > UINT32_MAX ? n : n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = n > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(n);  // the store caps it
  return Status::OK();
}

// since / until: an ISO 8601 timestamp with a time zone (Data 4.5).
Status ParseTime(const Params& p, std::string_view name, std::optional<std::string>* out) {
  const std::string* v = p.Get(name);
  if (!v) return Status::OK();
  ParsedTime t;
  if (!ParseIso8601(*v, &t) || !t.has_offset)
    return Status::InvalidArgument(std::string(name) +
                                   ": must be an ISO 8601 timestamp with a time zone");
  *out = *v;
  return Status::OK();
}

// Which statements the credential may read: all (statements/read), or
// those whose authority is its own (statements/read/mine: *mine is set).
Status ReadAccess(const auth::Principal& who, std::optional<std::string>* mine) {
  if (auth::Allows(who.scopes, auth::kStatementsRead)) return Status::OK();
  if (!auth::Allows(who.scopes, auth::kStatementsReadMine))
    return RequireScope(who, auth::kStatementsRead);
  if (who.authority_json.empty())
    return Status::Forbidden("statements/read/mine: the credential has no authority");
  *mine = who.authority_json;
  return Status::OK();
}

// A JSON response, or with attachments the multipart/mixed one: the JSON
// first, then each attachment's data (Communication 1.5.2).
http::Response Respond(std::string json, const std::vector<AttachmentPayload>& attachments,
                       bool multipart) {
  if (!multipart) return JsonResponse(200, std::move(json));
  std::vector<http::MultipartPart> parts(1 + attachments.size());
  parts[0].headers.Set("Content-Type", "application/json");
  parts[0].body = json;
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    http::MultipartPart& p = parts[i + 1];
    p.headers.Set("Content-Type", attachments[i].content_type);
    p.headers.Set("Content-Transfer-Encoding", "binary");
    p.headers.Set("X-Experience-API-Hash", attachments[i].sha2);
    p.body = attachments[i].data;
  }
  http::Response r;
  r.status = 200;
  const std::string boundary = http::WriteMultipartSafe(parts, &r.body);
  r.headers.Set("Content-Type", "multipart/mixed; boundary=" + boundary);
  return r;
}

// statementId / voidedStatementId (Communication 2.1.3, 2.1.4).
http::Response GetOne(Context& ctx, std::optional<std::string> mine) {
  const Params& p = ctx.params;
  if (p.Has("statementId") && p.Has("voidedStatementId"))
    return ErrorResponse(Status::InvalidArgument(
        "voidedStatementId: cannot be combined with statementId (Communication 2.1.3.s2.b2)"));
  for (const auto& [name, value] : p.list()) {
    for (std::string_view q : kQueryParams) {
      if (name == q && name != "format" && name != "attachments")
        return ErrorResponse(Status::InvalidArgument(
            name + ": only attachments and format may accompany statementId or "
                   "voidedStatementId (Communication 2.1.3.s2.b2)"));
    }
  }
  Status s = CheckParams(p, {"statementId", "voidedStatementId", "attachments", "format"});
  StatementGet get;
  get.version = ctx.version;
  get.voided = p.Has("voidedStatementId");
  get.id = *p.Get(get.voided ? "voidedStatementId" : "statementId");
  get.authority = std::move(mine);
  if (s.ok()) s = ParseFormat(p, &get.format);
  if (s.ok()) s = ParseBool(p, "attachments", &get.attachments);
  if (auto al = ctx.req.headers.Get("Accept-Language"))
    get.languages = xapi::ParseAcceptLanguage(*al);
  std::string json;
  std::vector<AttachmentPayload> attachments;
  if (s.ok()) s = ctx.store->GetStatement(get, &json, &attachments);
  if (!s.ok()) return ErrorResponse(s);

  // Last-Modified: the statement's "stored" (Communication 2.1.3).
  std::int64_t stored_ms = -1;
  json::Document d;
  if (json::Parse(json, &d, json::Limits{1u << 30, 1 << 10}).ok() && d.IsObject()) {
    ParsedTime t;
    if (ParseIso8601(json::StringOr(d, "stored"), &t)) stored_ms = t.micros / 1000;
  }
  http::Response r = Respond(std::move(json), attachments, get.attachments);
  if (stored_ms >= 0) r.headers.Set("Last-Modified", HttpDate(stored_ms));
  return r;
}

// Keeps the statements whose authority is `authority`, and the attachment
// data they use. The store already filters; this guards `more` tokens,
// which a client could alter.
void KeepOnlyAuthority(const std::string& authority, StatementPage* page) {
  json::Document want;
  if (!json::Parse(authority, &want).ok()) {
    page->statements.clear();
    page->attachments.clear();
    return;
  }
  std::vector<std::string> kept;
  for (auto& s : page->statements) {
    json::Document d;
    if (!json::Parse(s, &d, json::Limits{1u << 30, 1 << 10}).ok() || !d.IsObject()) continue;
    const json::Value* a = json::Member(d, "authority");
    if (a && json::Equal(*a, want)) kept.push_back(std::move(s));
  }
  page->statements = std::move(kept);
  std::vector<AttachmentPayload> used;
  for (auto& p : page->attachments) {
    for (const auto& s : page->statements) {
      if (s.find(p.sha2) != std::string::npos) {
        used.push_back(std::move(p));
        break;
      }
    }
  }
  page->attachments = std::move(used);
}

// A StatementResult (Data 2.5): {"statements":[...],"more":"<IRL or empty>"}.
http::Response PageResponse(const Context& ctx, StatementPage& page, bool attachments) {
  std::size_t n = 64 + page.more.size();
  for (const auto& s : page.statements) n += s.size() + 1;
  std::string body;
  body.reserve(n);
  body += "{\"statements\":[";
  for (std::size_t i = 0; i < page.statements.size(); ++i) {
    if (i) body += ',';
    body += page.statements[i];
  }
  body += "],\"more\":\"";
  if (!page.more.empty()) {
    body += ctx.base_path;  // a relative IRL; the token is base64url
    body += "/statements?more=";
    body += attachments ? kMultipartPages : kJsonPages;
    body += page.more;
  }
  body += "\"}";
  http::Response r = Respond(std::move(body), page.attachments, attachments);
  r.headers.Set(kConsistentThroughHeader, FormatIso8601Millis(page.consistent_through_ms * 1000));
  return r;
}

// A query (Communication 2.1.3).
http::Response Query(Context& ctx, std::optional<std::string> mine) {
  const Params& p = ctx.params;
  StatementQuery q;
  q.version = ctx.version;
  q.authority = std::move(mine);
  Status s = CheckParams(p, {"agent", "verb", "activity", "registration", "related_activities",
                             "related_agents", "since", "until", "limit", "format", "attachments",
                             "ascending"});
  if (s.ok()) {
    if (const std::string* v = p.Get("agent")) q.agent = *v;
    if (const std::string* v = p.Get("verb")) q.verb = *v;
    if (const std::string* v = p.Get("activity")) q.activity = *v;
    if (const std::string* v = p.Get("registration")) q.registration = *v;
    s = ParseBool(p, "related_activities", &q.related_activities);
  }
  if (s.ok()) s = ParseBool(p, "related_agents", &q.related_agents);
  if (s.ok()) s = ParseTime(p, "since", &q.since);
  if (s.ok()) s = ParseTime(p, "until", &q.until);
  if (s.ok()) s = ParseLimit(p, &q.limit);
  if (s.ok()) s = ParseFormat(p, &q.format);
  if (s.ok()) s = ParseBool(p, "attachments", &q.attachments);
  if (s.ok()) s = ParseBool(p, "ascending", &q.ascending);
  if (auto al = ctx.req.headers.Get("Accept-Language"))
    q.languages = xapi::ParseAcceptLanguage(*al);
  StatementPage page;
  if (s.ok()) s = ctx.store->QueryStatements(q, &page);
  if (!s.ok()) return ErrorResponse(s);
  return PageResponse(ctx, page, q.attachments);
}

// The next page of a query (Data 2.5: the "more" IRL).
http::Response More(Context& ctx, const std::optional<std::string>& mine) {
  Status s = CheckParams(ctx.params, {"more"});
  std::string_view token;
  if (s.ok()) token = *ctx.params.Get("more");
  // The envelope of PageResponse: the response format, then the store's token.
  const bool multipart = !token.empty() && token.front() == kMultipartPages;
  if (s.ok() && (token.empty() || (token.front() != kMultipartPages &&
                                   token.front() != kJsonPages)))
    s = Status::InvalidArgument("more: not a valid continuation token");
  StatementPage page;
  if (s.ok()) s = ctx.store->More(token.substr(1), &page);
  if (!s.ok()) return ErrorResponse(s);
  if (mine) KeepOnlyAuthority(*mine, &page);
  return PageResponse(ctx, page, multipart);
}

}  // namespace

http::Response HandleStatementsGet(Context& ctx) {
  std::optional<std::string> mine;
  http::Response r;
  if (Status s = ReadAccess(ctx.who, &mine); !s.ok()) {
    r = ErrorResponse(s);
  } else if (ctx.params.Has("more")) {
    r = More(ctx, mine);
  } else if (ctx.params.Has("statementId") || ctx.params.Has("voidedStatementId")) {
    r = GetOne(ctx, std::move(mine));
  } else {
    r = Query(ctx, std::move(mine));
  }
  return r;
}

}  // namespace lrs::api
