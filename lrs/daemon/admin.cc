// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/admin.h"

#include <charconv>

#include "lrs/common/time.h"
#include "lrs/json/json.h"

namespace lrs::daemon {
namespace {

constexpr std::size_t kDefaultDlqLimit = 100;
constexpr std::size_t kMaxDlqLimit = 10000;

struct OpSpec {
  std::string_view op;
  std::string_view method;
  bool needs_relay;
};

constexpr OpSpec kOps[] = {
    {"status", "GET", false},     {"dlq", "GET", true},        {"dlq/replay", "POST", true},
    {"dlq/drop", "POST", true},   {"dry-run", "GET", false},   {"enable", "POST", true},
    {"pause", "POST", true},      {"resume", "POST", true},    {"now", "POST", true},
};

const OpSpec* FindOp(std::string_view op) {
  for (const OpSpec& s : kOps)
    if (s.op == op) return &s;
  return nullptr;
}

const std::string* Param(const AdminRequest& r, std::string_view name) {
  const std::string* found = nullptr;
  for (const auto& [k, v] : r.params)
    if (k == name) found = &v;
  return found;
}

Status CheckParams(const AdminRequest& r, std::initializer_list<std::string_view> known) {
  for (const auto& [k, v] : r.params) {
    bool ok = false;
    for (std::string_view n : known) ok = ok || n == k;
    if (!ok) {
      std::string list;
      for (std::string_view n : known) list += (list.empty() ? "" : ", ") + std::string(n);
      return Status::InvalidArgument(k + ": unknown parameter of " + r.op +
                                     (list.empty() ? " (it takes none)" : " (known: " + list + ")"));
    }
  }
  return Status::OK();
}

Status Required(const AdminRequest& r, std::string_view name, std::string* out) {
  const std::string* v = Param(r, name);
  if (!v || v->empty())
    return Status::InvalidArgument(std::string(name) + ": required by " + r.op);
  *out = *v;
  return Status::OK();
}

// An unsigned decimal parameter; absent leaves *out.
Status UintParam(const AdminRequest& r, std::string_view name, std::uint64_t* out) {
  const std::string* v = Param(r, name);
  if (!v) return Status::OK();
  std::uint64_t x = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), x);
  if (v->empty() || ec != std::errc() || end != v->data() + v->size())
    return Status::InvalidArgument(std::string(name) + ": must be an unsigned integer");
  *out = x;
  return Status::OK();
}

// seq=N (N > 0) or all=true, exactly one of them. *seq 0 means all.
Status Selection(const AdminRequest& r, std::uint64_t* seq) {
  const std::string* all = Param(r, "all");
  const bool has_seq = Param(r, "seq") != nullptr;
  if (all && *all != "true" && *all != "false")
    return Status::InvalidArgument("all: must be true or false");
  const bool want_all = all && *all == "true";
  if (has_seq == want_all)
    return Status::InvalidArgument("seq: give seq=SEQ (one entry) or all=true (every entry), not " +
                                   std::string(has_seq ? "both" : "neither"));
  *seq = 0;
  if (has_seq) {
    LRS_RETURN_IF_ERROR(UintParam(r, "seq", seq));
    if (*seq == 0) return Status::InvalidArgument("seq: must be a positive dead-letter position");
  }
  return Status::OK();
}

void Str(json::Value* o, const char* name, std::string_view v, json::Allocator& a) {
  o->AddMember(json::Value(name, a), json::StringValue(v, a), a);
}
void TimeOrNull(json::Value* o, const char* name, std::int64_t ms, json::Allocator& a) {
  if (ms == 0) {
    o->AddMember(json::Value(name, a), json::Value(rapidjson::kNullType), a);
  } else {
    Str(o, name, FormatIso8601Millis(ms * 1000), a);
  }
}

json::Value DestinationJson(const sync::DestinationStatus& d, json::Allocator& a) {
  json::Value o(rapidjson::kObjectType);
  Str(&o, "name", d.name, a);
  Str(&o, "type", d.type, a);
  o.AddMember("cursor", d.cursor, a);
  o.AddMember("last_sequence", d.last_sequence, a);
  o.AddMember("lag", d.lag, a);
  o.AddMember("retrying", d.retrying, a);
  o.AddMember("dead_lettered", d.dead_lettered, a);
  Str(&o, "breaker", d.breaker, a);
  o.AddMember("paused", d.paused, a);
  o.AddMember("disabled", d.disabled, a);
  TimeOrNull(&o, "last_success", d.last_success_ms, a);
  if (d.last_error.empty()) {
    o.AddMember("last_error", json::Value(rapidjson::kNullType), a);
  } else {
    Str(&o, "last_error", d.last_error, a);
  }
  TimeOrNull(&o, "next_attempt", d.next_attempt_ms, a);
  json::Value totals(rapidjson::kObjectType);
  totals.AddMember("delivered", d.delivered, a);
  totals.AddMember("retried", d.retried, a);
  totals.AddMember("dead_lettered", d.dead_lettered_total, a);
  totals.AddMember("filtered", d.filtered, a);
  o.AddMember("since_start", totals, a);
  return o;
}

Status Status_(const SyncTarget& t, std::string* body) {
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  Str(&d, "store", t.store_name, a);
  json::Value list(rapidjson::kArrayType);
  bool paused = false;
  if (t.relay) {
    std::vector<sync::DestinationStatus> st;
    LRS_RETURN_IF_ERROR(t.relay->GetStatus(&st));
    for (const auto& x : st) {
      list.PushBack(DestinationJson(x, a), a);
      paused = paused || (x.paused && !x.disabled);
    }
  }
  d.AddMember("paused", paused, a);
  d.AddMember("destinations", list, a);
  *body = json::Write(d);
  return Status::OK();
}

Status Dlq(const AdminRequest& r, const SyncTarget& t, std::string* body) {
  LRS_RETURN_IF_ERROR(CheckParams(r, {"destination", "after", "limit"}));
  std::string dest;
  LRS_RETURN_IF_ERROR(Required(r, "destination", &dest));
  std::uint64_t after = 0, limit = kDefaultDlqLimit;
  LRS_RETURN_IF_ERROR(UintParam(r, "after", &after));
  LRS_RETURN_IF_ERROR(UintParam(r, "limit", &limit));
  if (limit == 0 || limit > kMaxDlqLimit)
    return Status::InvalidArgument("limit: must be between 1 and " + std::to_string(kMaxDlqLimit));
  std::vector<sync::DlqEntry> entries;
  LRS_RETURN_IF_ERROR(t.relay->ListDlq(dest, after, static_cast<std::size_t>(limit) + 1, &entries));
  const bool more = entries.size() > limit;
  if (more) entries.resize(static_cast<std::size_t>(limit));
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  Str(&d, "destination", dest, a);
  json::Value list(rapidjson::kArrayType);
  for (const auto& e : entries) {
    json::Value o(rapidjson::kObjectType);
    o.AddMember("seq", e.seq, a);
    Str(&o, "statement_id", e.statement_id, a);
    Str(&o, "learner", e.learner, a);
    o.AddMember("attempts", e.attempts, a);
    Str(&o, "error", e.error, a);
    TimeOrNull(&o, "at", e.at_ms, a);
    list.PushBack(o, a);
  }
  d.AddMember("entries", list, a);
  d.AddMember("more", more, a);
  *body = json::Write(d);
  return Status::OK();
}

Status ReplayOrDrop(const AdminRequest& r, const SyncTarget& t, bool replay, std::string* body) {
  LRS_RETURN_IF_ERROR(CheckParams(r, {"destination", "seq", "all"}));
  std::string dest;
  LRS_RETURN_IF_ERROR(Required(r, "destination", &dest));
  std::uint64_t seq = 0;
  LRS_RETURN_IF_ERROR(Selection(r, &seq));
  std::size_t count = 0;
  LRS_RETURN_IF_ERROR(replay ? t.relay->ReplayDlq(dest, seq, &count)
                             : t.relay->DropDlq(dest, seq, &count));
  if (seq != 0 && count == 0)
    return Status::NotFound("seq: no dead-lettered entry " + std::to_string(seq) + " for " + dest);
  *body = "{\"count\":" + std::to_string(count) + "}";
  return Status::OK();
}

Status DryRun(const AdminRequest& r, const SyncTarget& t, std::string* body) {
  LRS_RETURN_IF_ERROR(CheckParams(r, {"destination", "statementId"}));
  std::string dest, id;
  LRS_RETURN_IF_ERROR(Required(r, "destination", &dest));
  LRS_RETURN_IF_ERROR(Required(r, "statementId", &id));
  std::string report;
  LRS_RETURN_IF_ERROR(sync::DryRun(t.store, t.destinations_json, dest, id, &report));
  json::Document d;
  d.SetObject();
  Str(&d, "report", report, d.GetAllocator());
  *body = json::Write(d);
  return Status::OK();
}

}  // namespace

std::string_view SyncAdminMethod(std::string_view op) {
  const OpSpec* s = FindOp(op);
  return s ? s->method : std::string_view();
}

bool SyncAdminOp(std::string_view path, std::string* op) {
  constexpr std::string_view kPrefix = "/admin/sync/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return false;
  *op = std::string(path.substr(kPrefix.size()));
  return true;
}

Status RunSyncAdmin(const AdminRequest& r, const SyncTarget& t, std::string* body) {
  const OpSpec* spec = FindOp(r.op);
  if (!spec)
    return Status::NotFound(
        "no sync operation \"" + r.op.substr(0, 64) +
        "\" (known: status, dlq, dlq/replay, dlq/drop, dry-run, enable, pause, resume, now)");
  if (spec->needs_relay && !t.relay)
    return Status::NotFound("store \"" + t.store_name + "\" has no sync destinations");
  if (r.op == "status") {
    LRS_RETURN_IF_ERROR(CheckParams(r, {}));
    return Status_(t, body);
  }
  if (r.op == "dlq") return Dlq(r, t, body);
  if (r.op == "dlq/replay") return ReplayOrDrop(r, t, /*replay=*/true, body);
  if (r.op == "dlq/drop") return ReplayOrDrop(r, t, /*replay=*/false, body);
  if (r.op == "dry-run") return DryRun(r, t, body);
  if (r.op == "enable") {
    LRS_RETURN_IF_ERROR(CheckParams(r, {"destination"}));
    std::string dest;
    LRS_RETURN_IF_ERROR(Required(r, "destination", &dest));
    LRS_RETURN_IF_ERROR(t.relay->Enable(dest));
    *body = "{\"enabled\":true}";
    return Status::OK();
  }
  LRS_RETURN_IF_ERROR(CheckParams(r, {}));
  if (r.op == "pause") {
    t.relay->Pause();
    *body = "{\"paused\":true}";
  } else if (r.op == "resume") {
    t.relay->Resume();
    *body = "{\"paused\":false}";
  } else {  // now
    t.relay->SyncNow();
    *body = "{\"woken\":true}";
  }
  return Status::OK();
}

}  // namespace lrs::daemon
