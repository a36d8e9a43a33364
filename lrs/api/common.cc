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

namespace {
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

std::string HttpDate(std::int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

bool ParseHttpDate(std::string_view text, std::int64_t* epoch_ms) {
  // IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT".
  if (text.size() != 29 || text.substr(25) != " GMT") return false;
  std::string s(text);
  char day[4] = {0}, mon[4] = {0};
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d", day, &tm.tm_mday, mon, &tm.tm_year,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
    return false;
  int m = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, kMonths[i]) == 0) m = i;
  if (m < 0) return false;
  tm.tm_mon = m;
  tm.tm_year -= 1900;
  *epoch_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  return true;
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
