// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Retention and erasure over HTTP (Access::kAdmin; routes.h):
//
//   POST /admin/retention/purge?before=DATE[&apply=true]
//       Store::PurgeStatements: the statements stored before DATE (an ISO
//       8601 date, meaning 00:00:00Z, or a timestamp with a time zone).
//       Without apply=true a dry run. Answer: the PurgeReport as JSON.
//   POST /admin/retention/erase?agent=<Agent JSON>[&apply=true]
//       (or the agent in a JSON body {"agent":{...}})
//       Store::EraseAgent. Without apply=true a dry run counting the
//       statements a related_agents query finds. Answer: the counts, or the
//       ErasureReport as JSON.
//   GET  /admin/audit[?after=ID&limit=N]
//       The audit records, oldest first: {"records":[...],"more":bool};
//       `after` is a record's "id" (the next page starts after it).
//
// Applied operations are logged at info without personal data (no agent
// identifier): the store, the credential, the counts and the audit id.

#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "lrs/api/context.h"
#include "lrs/api/service.h"
#include "lrs/common/time.h"
#include "lrs/daemon/routes.h"
#include "lrs/json/json.h"

namespace lrs::daemon {
namespace {

constexpr std::size_t kDefaultAuditLimit = 100;
constexpr std::size_t kMaxAuditLimit = 1000;

// InvalidArgument naming the first parameter not in `known`, or one given twice.
Status CheckParams(const RouteContext& ctx, std::string_view op,
                   std::initializer_list<std::string_view> known) {
  std::vector<std::string_view> seen;
  for (const auto& [k, v] : ctx.params) {
    bool ok = false;
    for (std::string_view n : known) ok = ok || n == k;
    if (!ok) {
      std::string list;
      for (std::string_view n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      return Status::InvalidArgument(k + ": unknown parameter of " + std::string(op) +
                                     " (known: " + list + ")");
    }
    for (std::string_view s : seen)
      if (s == k) return Status::InvalidArgument(k + ": given more than once");
    seen.push_back(k);
  }
  return Status::OK();
}

// apply=true|false (absent: false, a dry run).
Status ApplyParam(const RouteContext& ctx, bool* apply) {
  *apply = false;
  const std::string* v = Param(ctx, "apply");
  if (!v) return Status::OK();
  if (*v != "true" && *v != "false")
    return Status::InvalidArgument("apply: must be true (do it) or false (a dry run)");
  *apply = *v == "true";
  return Status::OK();
}

http::Response Json(std::string body) {
  http::Response r = api::JsonResponse(200, std::move(body));
  r.headers.Set("Cache-Control", "no-store");
  return r;
}

http::Response Failed(const RouteContext& ctx, std::string_view what, const Status& s) {
  if (s.code() == Status::Code::kIOError || s.code() == Status::Code::kCorruption ||
      s.code() == Status::Code::kInternal || s.code() == Status::Code::kNoSpace)
    ctx.logger->Log(LogLevel::kError, what, {{"store", ctx.store_name}, {"error", s.ToString()}});
  return api::ErrorResponse(s);
}

std::string Iso(std::int64_t ms) { return FormatIso8601Millis(ms * 1000); }

std::string PurgeJson(const PurgeReport& r) {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  auto time = [&](std::int64_t ms) {
    return ms == 0 ? json::Value(rapidjson::kNullType) : json::StringValue(Iso(ms), a);
  };
  d.AddMember("dry_run", r.dry_run, a);
  d.AddMember("before", json::StringValue(Iso(r.before_ms), a), a);
  d.AddMember("statements", r.statements, a);
  d.AddMember("bytes", r.bytes, a);
  d.AddMember("oldest", time(r.oldest_ms), a);
  d.AddMember("newest", time(r.newest_ms), a);
  d.AddMember("attachments", r.attachments, a);
  d.AddMember("sync_records", r.sync_records, a);
  d.AddMember("batches", r.batches, a);
  d.AddMember("audit_id",
              r.audit_id.empty() ? json::Value(rapidjson::kNullType)
                                 : json::StringValue(r.audit_id, a),
              a);
  return json::Write(d);
}

// The agent of an erase: ?agent=JSON, or a JSON body {"agent":{...}}.
Status EraseAgentParam(const http::Request& req, const RouteContext& ctx, std::string* agent) {
  const std::string* q = Param(ctx, "agent");
  const bool has_body = req.body.find_first_not_of(" \t\r\n") != std::string::npos;
  if (q && has_body)
    return Status::InvalidArgument("agent: give it in the query or in the body, not both");
  if (q) {
    *agent = *q;
    return Status::OK();
  }
  if (!has_body)
    return Status::InvalidArgument(
        "agent: required (an Agent as JSON, in the query or as {\"agent\":{...}} in the body)");
  json::Document d;
  if (!json::Parse(req.body, &d, json::Limits{1u << 16, 8}).ok() || !d.IsObject())
    return Status::InvalidArgument("body: must be a JSON object {\"agent\":{...}}");
  for (const auto& m : d.GetObject()) {
    if (json::View(m.name) != "agent")
      return Status::InvalidArgument("body." + std::string(json::View(m.name)) +
                                     ": unknown member (the body is {\"agent\":{...}})");
  }
  const json::Value* a = json::Member(d, "agent");
  if (!a) return Status::InvalidArgument("agent: required in the body {\"agent\":{...}}");
  if (!a->IsObject()) return Status::InvalidArgument("agent: must be a JSON object (an Agent)");
  *agent = json::Write(*a);
  return Status::OK();
}

}  // namespace

http::Response HandleRetentionPurge(http::Request& req, const RouteContext& ctx) {
  if (req.method != "POST") return MethodNotAllowed(req, "POST");
  Status s = CheckParams(ctx, "purge", {"before", "apply"});
  bool apply = false;
  if (s.ok()) s = ApplyParam(ctx, &apply);
  PurgeRequest pr;
  if (s.ok()) {
    const std::string* before = Param(ctx, "before");
    if (!before || before->empty())
      s = Status::InvalidArgument(
          "before: required (an ISO 8601 date, 2024-01-31, or a timestamp with a time zone)");
    else
      s = ParsePurgeBefore(*before, &pr.before_ms);
  }
  if (!s.ok()) return api::ErrorResponse(s);
  pr.dry_run = !apply;
  PurgeReport report;
  s = ctx.store->PurgeStatements(pr, &report);
  if (apply && report.batches > 0)
    ctx.logger->Log(s.ok() ? LogLevel::kInfo : LogLevel::kWarn, "retention purge",
                    {{"store", ctx.store_name},
                     {"by", ctx.who_key},
                     {"before", Iso(report.before_ms)},
                     {"statements", std::to_string(report.statements)},
                     {"attachments", std::to_string(report.attachments)},
                     {"sync_records", std::to_string(report.sync_records)},
                     {"batches", std::to_string(report.batches)},
                     {"audit_id", report.audit_id},
                     {"complete", s.ok() ? "true" : "false"}});
  if (!s.ok()) return Failed(ctx, "retention purge failed", s);
  return Json(PurgeJson(report));
}

http::Response HandleRetentionErase(http::Request& req, const RouteContext& ctx) {
  if (req.method != "POST") return MethodNotAllowed(req, "POST");
  Status s = CheckParams(ctx, "erase", {"agent", "apply"});
  bool apply = false;
  if (s.ok()) s = ApplyParam(ctx, &apply);
  std::string agent;
  if (s.ok()) s = EraseAgentParam(req, ctx, &agent);
  if (!s.ok()) return api::ErrorResponse(s);
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  if (!apply) {
    // What would go: the statements a related_agents query finds (those
    // naming the agent other than as authority are erased; voided ones are
    // not counted), plus its documents and sync records.
    StatementQuery q;
    q.agent = agent;
    q.related_agents = true;
    q.limit = 1000;
    StatementPage page;
    s = ctx.store->QueryStatements(q, &page);
    std::uint64_t n = page.statements.size();
    while (s.ok() && !page.more.empty()) {
      const std::string token = page.more;
      s = ctx.store->More(token, &page);
      n += page.statements.size();
    }
    if (!s.ok()) return Failed(ctx, "retention erase dry run failed", s);
    d.AddMember("dry_run", true, a);
    d.AddMember("statements", n, a);
    return Json(json::Write(d));
  }
  ErasureReport r;
  s = ctx.store->EraseAgent(agent, &r);
  if (!s.ok()) return Failed(ctx, "retention erase failed", s);
  ctx.logger->Log(LogLevel::kInfo, "retention erase",
                  {{"store", ctx.store_name},
                   {"by", ctx.who_key},
                   {"statements", std::to_string(r.statements)},
                   {"documents", std::to_string(r.documents)},
                   {"sync_records", std::to_string(r.sync_records)},
                   {"audit_id", r.audit_id}});
  d.AddMember("dry_run", false, a);
  d.AddMember("statements", r.statements, a);
  d.AddMember("documents", r.documents, a);
  d.AddMember("sync_records", r.sync_records, a);
  d.AddMember("audit_id", json::StringValue(r.audit_id, a), a);
  return Json(json::Write(d));
}

http::Response HandleAudit(http::Request& req, const RouteContext& ctx) {
  if (req.method != "GET" && req.method != "HEAD") return MethodNotAllowed(req, "GET, HEAD");
  Status s = CheckParams(ctx, "audit", {"after", "limit"});
  std::size_t limit = kDefaultAuditLimit;
  if (const std::string* v = Param(ctx, "limit"); s.ok() && v) {
    std::size_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (v->empty() || ec != std::errc() || end != v->data() + v->size() || n == 0 ||
        n > kMaxAuditLimit)
      s = Status::InvalidArgument("limit: must be an integer from 1 to " +
                                  std::to_string(kMaxAuditLimit));
    limit = n;
  }
  if (!s.ok()) return api::ErrorResponse(s);
  std::vector<std::string> records;
  s = ctx.store->ListAudit(&records);
  if (!s.ok()) return Failed(ctx, "audit listing failed", s);
  std::size_t start = 0;
  if (const std::string* after = Param(ctx, "after")) {
    bool found = false;
    for (std::size_t i = 0; i < records.size() && !found; ++i) {
      json::Document r;
      if (json::Parse(records[i], &r).ok() && json::StringOr(r, "id") == *after) {
        start = i + 1;
        found = true;
      }
    }
    if (!found)
      return api::ErrorResponse(Status::InvalidArgument("after: no audit record has this id"));
  }
  const std::size_t end = std::min(records.size(), start + limit);
  std::string body = "{\"records\":[";
  for (std::size_t i = start; i < end; ++i) {
    if (i > start) body += ',';
    body += records[i];  // JSON objects written by the store
  }
  body += "],\"more\":";
  body += end < records.size() ? "true" : "false";
  body += '}';
  return Json(std::move(body));
}

}  // namespace lrs::daemon
