// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/sync/connector.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "lrs/common/encoding.h"
#include "lrs/common/time.h"

namespace lrs::sync {

bool IncludesEducation(const json::Value& settings) {
  const json::Value* edu = json::Member(settings, "categories_include_education");
  return edu && edu->IsBool() && edu->GetBool();
}

bool HasSecret(const json::Value& settings, std::string_view name) {
  const std::string n(name);
  return json::Member(settings, n + "_env") || json::Member(settings, n + "_file") ||
         json::Member(settings, n);
}

Status ResolveSecret(const json::Value& settings, std::string_view name, std::string* out) {
  const std::string n(name);
  if (const json::Value* v = json::Member(settings, n + "_env")) {
    if (!v->IsString()) return Status::InvalidArgument(n + "_env: must be a string");
    const std::string var(json::View(*v));
    const char* value = std::getenv(var.c_str());
    if (!value || !*value)
      return Status::InvalidArgument(n + "_env: environment variable " + var + " is not set");
    *out = value;
    return Status::OK();
  }
  if (const json::Value* v = json::Member(settings, n + "_file")) {
    if (!v->IsString()) return Status::InvalidArgument(n + "_file: must be a string");
    const std::string path(json::View(*v));
    std::ifstream f(path, std::ios::binary);
    if (!f) return Status::InvalidArgument(n + "_file: cannot read " + path);
    std::ostringstream ss;
    ss << f.rdbuf();
    std::string s = ss.str();
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
    if (s.empty()) return Status::InvalidArgument(n + "_file: " + path + " is empty");
    *out = std::move(s);
    return Status::OK();
  }
  if (const json::Value* v = json::Member(settings, n)) {
    if (!v->IsString() || v->GetStringLength() == 0)
      return Status::InvalidArgument(n + ": must be a non-empty string");
    *out = std::string(json::View(*v));
    return Status::OK();
  }
  return Status::InvalidArgument(n + ": missing (set " + n + "_env, " + n + "_file or " + n + ")");
}

Status TimeoutSetting(const json::Value& settings, std::chrono::milliseconds* out) {
  const json::Value* t = json::Member(settings, "timeout_ms");
  if (!t) return Status::OK();
  if (!t->IsUint() || t->GetUint() == 0)
    return Status::InvalidArgument("timeout_ms: must be a positive integer");
  *out = std::chrono::milliseconds(t->GetUint());
  return Status::OK();
}

std::chrono::milliseconds ParseRetryAfter(std::string_view value, std::int64_t now_ms) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::chrono::milliseconds(-1);
  bool digits = true;
  for (char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    if (value.size() > 9) return std::chrono::milliseconds(-1);
    return std::chrono::milliseconds(std::stoll(std::string(value)) * 1000);
  }
  std::int64_t at_ms;
  if (!ParseHttpDate(value, &at_ms)) return std::chrono::milliseconds(-1);
  return std::chrono::milliseconds(at_ms > now_ms ? at_ms - now_ms : 0);
}

namespace {
std::mutex g_registry_mu;
std::map<std::string, ConnectorFactory, std::less<>>& Registry() {
  static auto* r = new std::map<std::string, ConnectorFactory, std::less<>>();
  return *r;
}
}  // namespace

void RegisterConnector(const std::string& type, ConnectorFactory factory) {
  std::lock_guard<std::mutex> l(g_registry_mu);
  Registry()[type] = std::move(factory);
}

bool IsRegisteredConnector(std::string_view type) {
  std::lock_guard<std::mutex> l(g_registry_mu);
  return Registry().count(type) > 0;
}

Status NewConnector(std::string_view type, const ConnectorContext& ctx,
                    std::unique_ptr<Connector>* out) {
  {
    std::lock_guard<std::mutex> l(g_registry_mu);
    auto it = Registry().find(type);
    if (it != Registry().end()) return it->second(ctx, out);
  }
  if (type == "xapi") return NewXapiConnector(ctx, out);
  if (type == "hubspot") return NewHubSpotConnector(ctx, out);
  if (type == "marketo") return NewMarketoConnector(ctx, out);
  if (type == "webhook") return NewWebhookConnector(ctx, out);
  if (type == "segment") return NewSegmentConnector(ctx, out);
  if (type == "kafka") return NewKafkaConnector(ctx, out);
  if (type == "clickhouse") return NewClickHouseConnector(ctx, out);
  if (type == "salesforce") return NewSalesforceConnector(ctx, out);
  return Status::InvalidArgument("type: unknown destination type \"" + std::string(type) +
                                 "\" (xapi, webhook, hubspot, salesforce, marketo, segment, kafka, clickhouse)");
}

std::string DescribeResponse(const HttpResponse& r) {
  if (r.status == 0) return r.error.empty() ? std::string("no response") : r.error;
  std::string s = "HTTP " + std::to_string(r.status);
  if (r.body.empty()) return s;
  json::Document d;
  std::string msg;
  if (json::Parse(r.body, &d).ok() && d.IsObject()) {
    std::string_view m = json::StringOr(d, "message");
    if (m.empty()) m = json::StringOr(d, "error");
    msg = std::string(m);
  }
  if (msg.empty()) msg = r.body.substr(0, 200);
  return s + ": " + msg;
}

}  // namespace lrs::sync
