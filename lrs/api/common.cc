// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers shared by the resource handlers (see context.h).

#include <ctime>
#include <cstdio>
#include <cstring>

#include "lrs/api/context.h"
#include "lrs/json/json.h"

namespace lrs::api {

const std::string* Params::Get(std::string_view name) const {
  for (const auto& [k, v] : list_)
    if (k == name) return &v;
  return nullptr;
}

Status CheckParams(const Params& params, std::initializer_list<std::string_view> allowed,
                   std::initializer_list<std::string_view> required) {
  const auto& list = params.list();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string& name = list[i].first;
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) return Status::InvalidArgument(name + ": unknown parameter for this resource");
    for (std::size_t j = 0; j < i; ++j)
      if (list[j].first == name) return Status::InvalidArgument(name + ": the parameter is repeated");
  }
  for (std::string_view r : required) {
    if (!params.Has(r)) return Status::InvalidArgument(std::string(r) + ": the parameter is required");
  }
  return Status::OK();
}

Status RequireScope(const auth::Principal& who, std::uint32_t scope) {
  if (auth::Allows(who.scopes, scope)) return Status::OK();
  return Status::Forbidden("the credential lacks the \"" + auth::ScopesToString(scope) +
                           "\" scope");
}

http::Response JsonResponse(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http::Response NoContent() {
  http::Response r;
  r.status = 204;
  return r;
}

std::string MediaTypeOf(std::string_view value) {
  if (auto semi = value.find(';'); semi != std::string_view::npos) value = value.substr(0, semi);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  std::string out(value);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string MediaType(const http::Request& req) {
  auto ct = req.headers.Get("Content-Type");
  return ct ? MediaTypeOf(*ct) : std::string();
}

http::Response MethodNotAllowed(const http::Request& req, std::string_view allowed) {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::Value err(rapidjson::kObjectType);
  err.AddMember("code", "MethodNotAllowed", a);
  err.AddMember("status", 405, a);
  err.AddMember("message",
                json::StringValue("method: " + req.method.substr(0, 32) +
                                      " is not allowed on this resource (allowed: " +
                                      std::string(allowed) + ")",
                                  a),
                a);
  err.AddMember("field", "method", a);
  d.AddMember("error", err, a);
  http::Response r = JsonResponse(405, json::Write(d));
  r.headers.Set("Allow", allowed);
  return r;
}

}  // namespace lrs::api
