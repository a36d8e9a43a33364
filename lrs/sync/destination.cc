// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/sync/destination.h"

#include <set>

#include "lrs/sync/connector.h"

namespace lrs::sync {
namespace {

constexpr const char* kTypes[] = {"xapi", "webhook", "hubspot", "salesforce", "marketo",
                                  "segment", "kafka", "clickhouse"};

bool ValidName(std::string_view n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status Int(const json::Value& obj, const char* key, std::int64_t lo, std::int64_t hi,
           std::int64_t* out) {
  const json::Value* v = json::Member(obj, key);
  if (!v) return Status::OK();
  if (!v->IsInt64() || v->GetInt64() < lo || v->GetInt64() > hi)
    return Status::InvalidArgument(std::string(key) + ": must be an integer in " +
                                   std::to_string(lo) + ".." + std::to_string(hi));
  *out = v->GetInt64();
  return Status::OK();
}

Status CheckKeys(const json::Value& obj, std::initializer_list<const char*> keys,
                 const std::string& what) {
  if (!obj.IsObject()) return Status::InvalidArgument(what + ": must be an object");
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    std::string_view k = json::View(it->name);
    bool known = false;
    for (const char* x : keys) known = known || k == x;
    if (!known) return Status::InvalidArgument(what + "." + std::string(k) + ": unknown setting");
  }
  return Status::OK();
}

Status ParseOne(const json::Value& v, Destination* d) {
  if (!v.IsObject()) return Status::InvalidArgument("must be an object");
  d->name = std::string(json::StringOr(v, "name"));
  if (!ValidName(d->name))
    return Status::InvalidArgument("name: must be 1..64 letters, digits, '_' or '-'");
  d->type = std::string(json::StringOr(v, "type"));
  bool known = false;
  for (const char* t : kTypes) known = known || d->type == t;
  known = known || IsRegisteredConnector(d->type);
  if (!known)
    return Status::InvalidArgument(
        "type: must be one of xapi, webhook, hubspot, salesforce, marketo, segment, kafka, "
        "clickhouse");
  // Upstream LRSs and the analytics pipeline (Kafka, ClickHouse) receive
  // whole statements (both categories); every other destination is
  // marketing-facing: engagement data only by default.
  const bool analytics = d->type == "xapi" || d->type == "kafka" || d->type == "clickhouse";
  d->categories = analytics ? (kEducation | kEngagement) : kEngagement;
  if (const json::Value* c = json::Member(v, "categories"))
    LRS_RETURN_IF_ERROR(ParseCategories(*c, "categories", &d->categories));
  if (d->type == "xapi" && d->categories != (kEducation | kEngagement))
    return Status::InvalidArgument(
        "categories: an xapi destination receives whole statements, which hold both "
        "education and engagement data; list both or use a mapped destination type");

  if (const json::Value* s = json::Member(v, "start")) {
    if (s->IsString() && json::View(*s) == "beginning") {
      d->start = Destination::Start::kBeginning;
    } else if (s->IsString() && json::View(*s) == "now") {
      d->start = Destination::Start::kNow;
    } else if (s->IsUint64()) {
      d->start = Destination::Start::kAfter;
      d->start_after = s->GetUint64();
    } else {
      return Status::InvalidArgument(
          "start: must be \"beginning\", \"now\" or a stored-order position (integer)");
    }
  }
  if (const json::Value* r = json::Member(v, "retry")) {
    LRS_RETURN_IF_ERROR(CheckKeys(*r, {"max_attempts", "base_ms", "cap_ms"}, "retry"));
    std::int64_t n = d->max_attempts, base = d->backoff_base.count(), cap = d->backoff_cap.count();
    LRS_RETURN_IF_ERROR(Int(*r, "max_attempts", 1, 100, &n).WithPrefix("retry."));
    LRS_RETURN_IF_ERROR(Int(*r, "base_ms", 1, 3600000, &base).WithPrefix("retry."));
    LRS_RETURN_IF_ERROR(Int(*r, "cap_ms", 1, 86400000, &cap).WithPrefix("retry."));
    if (cap < base) return Status::InvalidArgument("retry.cap_ms: must be >= retry.base_ms");
    d->max_attempts = static_cast<int>(n);
    d->backoff_base = std::chrono::milliseconds(base);
    d->backoff_cap = std::chrono::milliseconds(cap);
  }
  if (const json::Value* b = json::Member(v, "breaker")) {
    LRS_RETURN_IF_ERROR(CheckKeys(*b, {"failures"}, "breaker"));
    std::int64_t f = d->breaker_failures;
    LRS_RETURN_IF_ERROR(Int(*b, "failures", 1, 1000, &f).WithPrefix("breaker."));
    d->breaker_failures = static_cast<int>(f);
  }
  if (const json::Value* r = json::Member(v, "rate_limit")) {
    LRS_RETURN_IF_ERROR(CheckKeys(*r, {"per_second", "burst"}, "rate_limit"));
    const json::Value* ps = json::Member(*r, "per_second");
    if (!ps || !ps->IsNumber() || ps->GetDouble() <= 0)
      return Status::InvalidArgument("rate_limit.per_second: must be a positive number");
    d->rate_per_second = ps->GetDouble();
    d->rate_burst = d->rate_per_second;
    if (const json::Value* bu = json::Member(*r, "burst")) {
      if (!bu->IsNumber() || bu->GetDouble() < 1)
        return Status::InvalidArgument("rate_limit.burst: must be a number >= 1");
      d->rate_burst = bu->GetDouble();
    }
  }

  // The mapping: filter, identity, event and fields.
  json::Document m;
  m.SetObject();
  for (const char* k : {"filter", "identity", "event", "fields"}) {
    if (const json::Value* x = json::Member(v, k))
      m.AddMember(json::StringValue(k, m.GetAllocator()), json::Value(*x, m.GetAllocator()),
                  m.GetAllocator());
  }
  LRS_RETURN_IF_ERROR(Mapping::Parse(m, d->categories, &d->mapping));

  auto guard = std::make_shared<NetworkGuard>();
  if (const json::Value* a = json::Member(v, "allow_networks"))
    LRS_RETURN_IF_ERROR(NetworkGuard::ParseJson(*a, "allow_networks", guard.get()));
  d->guard = std::move(guard);

  d->settings.CopyFrom(v, d->settings.GetAllocator());
  // Connectors that can send whole statements need to know whether
  // education data may leave (webhook payload = "statement").
  if (d->categories & kEducation) {
    d->settings.RemoveMember("categories_include_education");
    d->settings.AddMember("categories_include_education", true, d->settings.GetAllocator());
  }
  return Status::OK();
}

}  // namespace

Status ParseDestinations(std::string_view text, std::vector<std::unique_ptr<Destination>>* out) {
  out->clear();
  json::Document doc;
  LRS_RETURN_IF_ERROR(json::Parse(text, &doc).WithPrefix("destinations: "));
  if (!doc.IsArray()) return Status::InvalidArgument("destinations: must be an array");
  std::set<std::string> names;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    auto d = std::make_unique<Destination>();
    Status s = ParseOne(doc[i], d.get());
    std::string where = "destinations[" + std::to_string(i) + "]";
    if (!d->name.empty()) where += " (" + d->name + ")";
    if (!s.ok()) return s.WithPrefix(where + ".");
    if (!names.insert(d->name).second)
      return Status::InvalidArgument(where + ".name: used by another destination");
    out->push_back(std::move(d));
  }
  return Status::OK();
}

}  // namespace lrs::sync
