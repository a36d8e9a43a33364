// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The xAPI router: resource dispatch, version negotiation (Communication
// 3.3), CORS, and the one Status-to-HTTP translation.

#include "lrs/api/service.h"

#include <string_view>

#include "lrs/api/context.h"
#include "lrs/common/encoding.h"
#include "lrs/json/json.h"

namespace lrs::api {
namespace {

using http::Request;
using http::Response;

constexpr std::string_view kVersionHeader = "X-Experience-API-Version";

// The path below base_path without surrounding slashes, or false when the
// request is not under base_path.
bool ResourceOf(const std::string& path, const std::string& base_path, std::string* resource) {
  std::string_view p = path;
  if (p.substr(0, base_path.size()) != base_path) return false;
  p.remove_prefix(base_path.size());
  if (!p.empty() && p.front() != '/') return false;
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  resource->assign(p);
  return true;
}

// The field an error message names: "actor.mbox: must be..." -> "actor.mbox".
std::string FieldOf(const std::string& message) {
  std::size_t colon = message.find(": ");
  if (colon == std::string::npos || colon == 0 || colon > 200) return {};
  for (std::size_t i = 0; i < colon; ++i) {
    char c = message[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '[' || c == ']' || c == '_' || c == '-';
    if (!ok) return {};
  }
  return message.substr(0, colon);
}

}  // namespace

int HttpStatusFor(const Status& s) {
  using C = Status::Code;
  switch (s.code()) {
    case C::kOk: return 200;
    case C::kInvalidArgument: return 400;
    case C::kNotSupported: return 400;
    case C::kUnauthorized: return 401;
    case C::kForbidden: return 403;
    case C::kNotFound: return 404;
    case C::kConflict: return 409;
    // Communication 3.1: a PUT without concurrency headers on an existing
    // document is answered 409 Conflict.
    case C::kPreconditionRequired: return 409;
    case C::kPreconditionFailed: return 412;
    case C::kTooLarge: return 413;
    case C::kBusy: return 503;
    case C::kNoSpace: return 507;
    case C::kIOError:
    case C::kCorruption:
    case C::kInternal: return 500;
  }
  return 500;
}

Response ErrorResponse(const Status& s) {
  const int status = HttpStatusFor(s);
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::Value err(rapidjson::kObjectType);
  err.AddMember("code", json::StringValue(Status::CodeName(s.code()), a), a);
  err.AddMember("status", status, a);
  // Server-side failures are logged in full; the client learns only the kind.
  // Messages may quote the client's bytes (a parameter's name or value):
  // the body must stay UTF-8 JSON.
  const std::string message = status >= 500 && status != 507 && status != 503
                                  ? std::string("internal error")
                                  : ValidUtf8(s.message());
  err.AddMember("message", json::StringValue(message, a), a);
  if (std::string field = FieldOf(message); !field.empty())
    err.AddMember("field", json::StringValue(field, a), a);
  d.AddMember("error", err, a);
  Response r = JsonResponse(status, json::Write(d));
  if (status == 401) r.headers.Set("WWW-Authenticate", "Basic realm=\"lrs\"");
  return r;
}

bool IsPublic(const Request& req, const std::string& base_path) {
  std::string resource;
  return (req.method == "GET" || req.method == "HEAD") && ResourceOf(req.path, base_path, &resource) &&
         resource == "about";
}

Response Preflight(const Request& req) {
  Response r;
  r.status = 204;
  AddCorsHeaders(req, &r);
  r.headers.Set("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
  if (auto h = req.headers.Get("Access-Control-Request-Headers"); h && !h->empty()) {
    r.headers.Set("Access-Control-Allow-Headers", *h);
  } else {
    r.headers.Set("Access-Control-Allow-Headers",
                  "Authorization, Content-Type, X-Experience-API-Version, If-Match, If-None-Match");
  }
  r.headers.Set("Access-Control-Max-Age", "86400");
  return r;
}

void AddCorsHeaders(const Request& req, Response* resp) {
  if (auto origin = req.headers.Get("Origin"); origin && !origin->empty()) {
    // Content launched from another origin sends credentials: echo the
    // origin (a wildcard is not allowed with credentials).
    resp->headers.Set("Access-Control-Allow-Origin", *origin);
    resp->headers.Set("Access-Control-Allow-Credentials", "true");
    resp->headers.Add("Vary", "Origin");
  } else {
    resp->headers.Set("Access-Control-Allow-Origin", "*");
  }
  resp->headers.Set("Access-Control-Expose-Headers",
                    "ETag, Last-Modified, Content-Type, X-Experience-API-Version, "
                    "X-Experience-API-Consistent-Through");
}

Response XapiService::Handle(const Request& req, const auth::Principal& who) {
  std::string resource;
  if (!ResourceOf(req.path, options_.base_path, &resource))
    return ErrorResponse(Status::NotFound("no such resource: " + req.path));

  // Communication 3.3: every request carries X-Experience-API-Version; the
  // about resource is the exception (clients call it to learn versions).
  // Every response carries the header too: the request's version, or for a
  // request without a usable one, options_.unversioned_response_version.
  XapiVersion version = XapiVersion::k2_0_0;
  const bool about = resource == "about";
  auto reject = [this](std::string message) {
    Response r = ErrorResponse(Status::InvalidArgument(message));
    r.headers.Set(kVersionHeader, XapiVersionString(options_.unversioned_response_version));
    return r;
  };
  const int count = req.headers.Count(kVersionHeader);
  if (count > 1 && !about) return reject("X-Experience-API-Version: the header must appear once");
  if (count == 0 && !about)
    return reject("X-Experience-API-Version: the header is required (1.0.3 or 2.0.0)");
  // About 2.8.s5.b4: the about resource never rejects a request because of
  // its version header.
  if (count == 1 && !ParseXapiVersion(*req.headers.Get(kVersionHeader), &version) && !about) {
    return reject("X-Experience-API-Version: unsupported version \"" +
                  std::string(*req.headers.Get(kVersionHeader)) +
                  "\" (this LRS serves 1.0.3 and 2.0.0)");
  }

  Context ctx{req, who, store_, version, {}, options_.base_path, resource};
  if (!http::ParseForm(req.query, &ctx.params.list()))
    return ErrorResponse(Status::InvalidArgument("query: malformed percent-encoding"));

  Response r;
  if (resource == "statements") r = HandleStatements(ctx);
  else if (resource == "activities/state") r = HandleState(ctx);
  else if (resource == "activities/profile") r = HandleActivityProfile(ctx);
  else if (resource == "agents/profile") r = HandleAgentProfile(ctx);
  else if (resource == "agents") r = HandleAgents(ctx);
  else if (resource == "activities") r = HandleActivities(ctx);
  else if (about) r = HandleAbout(ctx);
  else r = ErrorResponse(Status::NotFound("no such xAPI resource: " + resource));
  r.headers.Set(kVersionHeader, XapiVersionString(version));
  return r;
}

}  // namespace lrs::api
