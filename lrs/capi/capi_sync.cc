// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The C API of lrs::Sync (include/lrs/sync.h): forwarding a store's
// statements to its destinations. In a build without the sync module every
// call answers LRS_NOT_SUPPORTED.

#include <chrono>
#include <string>
#include <vector>

#include "lrs/capi/capi_internal.h"
#if LRS_HAVE_SYNC
#include "lrs/sync.h"
#endif

using lrs::Status;
using lrs::capi::ClearOut;
using lrs::capi::Emit;
using lrs::capi::Fail;
using lrs::capi::Guard;
using lrs::capi::In;
using lrs::capi::Ok;
using lrs::capi::Params;

#if LRS_HAVE_SYNC

struct lrs_sync {
  std::unique_ptr<lrs::Sync> sync;
};

namespace {

// options: {"destinations":[...], "start_paused", "tick_ms", "read_batch"},
// or the destinations array alone.
Status SyncOptionsFrom(std::string_view text, lrs::SyncOptions* o) {
  lrs::json::Document probe;
  if (!text.empty()) {
    LRS_RETURN_IF_ERROR(lrs::json::Parse(text, &probe).WithPrefix("options: "));
    if (probe.IsArray()) {
      o->destinations_json = std::string(text);
      return Status::OK();
    }
  }
  Params p;
  LRS_RETURN_IF_ERROR(p.Parse(text, "options"));
  LRS_RETURN_IF_ERROR(p.Only({"destinations", "start_paused", "tick_ms", "read_batch"}));
  const lrs::json::Value* d = lrs::json::Member(p.doc(), "destinations");
  if (d == nullptr) return Status::InvalidArgument("options.destinations: required (an array)");
  if (!d->IsArray()) return Status::InvalidArgument("options.destinations: must be an array");
  o->destinations_json = lrs::json::Write(*d);
  LRS_RETURN_IF_ERROR(p.Bool("start_paused", &o->start_paused));
  std::uint64_t v = 0;
  if (p.Has("tick_ms")) {
    LRS_RETURN_IF_ERROR(p.Uint("tick_ms", &v));
    if (v < 10 || v > 3'600'000)
      return Status::InvalidArgument("options.tick_ms: must be between 10 and 3600000");
    o->tick = std::chrono::milliseconds(v);
  }
  if (p.Has("read_batch")) {
    LRS_RETURN_IF_ERROR(p.Uint("read_batch", &v));
    if (v < 1 || v > 100000)
      return Status::InvalidArgument("options.read_batch: must be between 1 and 100000");
    o->read_batch = static_cast<std::size_t>(v);
  }
  return Status::OK();
}

void AppendField(const char* name, std::uint64_t v, std::string* j) {
  *j += ",\"";
  *j += name;
  *j += "\":";
  *j += std::to_string(v);
}

void AppendField(const char* name, std::int64_t v, std::string* j) {
  *j += ",\"";
  *j += name;
  *j += "\":";
  *j += std::to_string(v);
}

void AppendField(const char* name, const std::string& v, std::string* j) {
  *j += ",\"";
  *j += name;
  *j += "\":";
  lrs::capi::AppendJsonString(v, j);
}

void AppendField(const char* name, bool v, std::string* j) {
  *j += ",\"";
  *j += name;
  *j += v ? "\":true" : "\":false";
}

std::string StatusJson(const std::vector<lrs::SyncDestinationStatus>& all) {
  std::string j = "[";
  for (std::size_t i = 0; i < all.size(); ++i) {
    const auto& d = all[i];
    if (i) j += ',';
    j += "{\"name\":";
    lrs::capi::AppendJsonString(d.name, &j);
    AppendField("type", d.type, &j);
    AppendField("cursor", d.cursor, &j);
    AppendField("last_sequence", d.last_sequence, &j);
    AppendField("lag", d.lag, &j);
    AppendField("retrying", d.retrying, &j);
    AppendField("dead_lettered", d.dead_lettered, &j);
    AppendField("breaker", d.breaker, &j);
    AppendField("paused", d.paused, &j);
    AppendField("disabled", d.disabled, &j);
    AppendField("last_success", d.last_success_ms, &j);
    AppendField("last_error", d.last_error, &j);
    AppendField("next_attempt", d.next_attempt_ms, &j);
    AppendField("delivered", d.delivered, &j);
    AppendField("retried", d.retried, &j);
    AppendField("dead_lettered_total", d.dead_lettered_total, &j);
    AppendField("filtered", d.filtered, &j);
    j += '}';
  }
  j += ']';
  return j;
}

int Misuse(const char* fn) {
  return Fail(LRS_MISUSE, std::string(fn) + ": a handle or output is NULL");
}

}  // namespace

extern "C" {

int lrs_sync_open(lrs_store* store, const char* options, size_t options_len, lrs_log_fn log,
                  void* log_ctx, lrs_sync** out) {
  return Guard([&] {
    if (out != nullptr) *out = nullptr;
    if (store == nullptr || out == nullptr) return Misuse("lrs_sync_open");
    lrs::SyncOptions o;
    Status s = SyncOptionsFrom(In(options, options_len), &o);
    if (!s.ok()) return Fail(s);
    if (log != nullptr) {
      o.log = [log, log_ctx](lrs::SyncLogLevel level, const std::string& msg) {
        log(log_ctx, static_cast<int>(level), msg.c_str());
      };
    }
    auto h = std::make_unique<lrs_sync>();
    s = lrs::Sync::Open(store->store.get(), o, &h->sync);
    if (!s.ok()) return Fail(s);
    *out = h.release();
    return Ok();
  });
}

void lrs_sync_close(lrs_sync* sync) {
  Guard([&] {
    delete sync;
    return LRS_OK;
  });
}

int lrs_sync_validate(const char* options, size_t options_len) {
  return Guard([&] {
    lrs::SyncOptions o;
    Status s = SyncOptionsFrom(In(options, options_len), &o);
    if (s.ok()) s = lrs::ValidateSyncDestinations(o.destinations_json);
    return s.ok() ? Ok() : Fail(s);
  });
}

int lrs_sync_pause(lrs_sync* sync) {
  return Guard([&] {
    if (sync == nullptr) return Misuse("lrs_sync_pause");
    sync->sync->Pause();
    return Ok();
  });
}

int lrs_sync_resume(lrs_sync* sync) {
  return Guard([&] {
    if (sync == nullptr) return Misuse("lrs_sync_resume");
    sync->sync->Resume();
    return Ok();
  });
}

int lrs_sync_now(lrs_sync* sync) {
  return Guard([&] {
    if (sync == nullptr) return Misuse("lrs_sync_now");
    sync->sync->SyncNow();
    return Ok();
  });
}

int lrs_sync_wait_idle(lrs_sync* sync, int64_t timeout_ms) {
  return Guard([&] {
    if (sync == nullptr) return Misuse("lrs_sync_wait_idle");
    if (timeout_ms < 0) timeout_ms = 0;
    if (sync->sync->WaitIdle(std::chrono::milliseconds(timeout_ms))) return Ok();
    return Fail(LRS_BUSY, "sync: not caught up within " + std::to_string(timeout_ms) +
                              " ms (see lrs_sync_status)");
  });
}

int lrs_sync_status(lrs_sync* sync, char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (sync == nullptr || out == nullptr) return Misuse("lrs_sync_status");
    std::vector<lrs::SyncDestinationStatus> all;
    Status s = sync->sync->GetStatus(&all);
    if (!s.ok()) return Fail(s);
    return Emit(StatusJson(all), out, out_len);
  });
}

int lrs_sync_dlq_list(lrs_sync* sync, const char* destination, uint64_t after, size_t limit,
                      char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (sync == nullptr || out == nullptr || destination == nullptr) return Misuse("lrs_sync_dlq_list");
    std::vector<lrs::SyncDlqEntry> entries;
    Status s = sync->sync->ListDlq(destination, after, limit == 0 ? 100 : limit, &entries);
    if (!s.ok()) return Fail(s);
    std::string j = "[";
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const auto& e = entries[i];
      if (i) j += ',';
      j += "{\"seq\":" + std::to_string(e.seq);
      AppendField("statement_id", e.statement_id, &j);
      AppendField("learner", e.learner, &j);
      AppendField("attempts", static_cast<std::int64_t>(e.attempts), &j);
      AppendField("error", e.error, &j);
      AppendField("at", e.at_ms, &j);
      j += '}';
    }
    j += ']';
    return Emit(j, out, out_len);
  });
}

int lrs_sync_dlq_replay(lrs_sync* sync, const char* destination, uint64_t seq, size_t* count) {
  return Guard([&] {
    if (count != nullptr) *count = 0;
    if (sync == nullptr || destination == nullptr) return Misuse("lrs_sync_dlq_replay");
    std::size_t n = 0;
    Status s = sync->sync->ReplayDlq(destination, seq, &n);
    if (!s.ok()) return Fail(s);
    if (count != nullptr) *count = n;
    return Ok();
  });
}

int lrs_sync_dlq_drop(lrs_sync* sync, const char* destination, uint64_t seq, size_t* count) {
  return Guard([&] {
    if (count != nullptr) *count = 0;
    if (sync == nullptr || destination == nullptr) return Misuse("lrs_sync_dlq_drop");
    std::size_t n = 0;
    Status s = sync->sync->DropDlq(destination, seq, &n);
    if (!s.ok()) return Fail(s);
    if (count != nullptr) *count = n;
    return Ok();
  });
}

int lrs_sync_enable(lrs_sync* sync, const char* destination) {
  return Guard([&] {
    if (sync == nullptr || destination == nullptr) return Misuse("lrs_sync_enable");
    Status s = sync->sync->Enable(destination);
    return s.ok() ? Ok() : Fail(s);
  });
}

}  // extern "C"

#else  // !LRS_HAVE_SYNC

struct lrs_sync {};

namespace {
int NoSync() {
  return Fail(LRS_NOT_SUPPORTED, "sync: this build of lrs has no sync module (LRS_WITH_SYNC=OFF)");
}
// A NULL handle or output is misuse in every build; otherwise NotSupported.
int NoSync(const void* handle, const void* out = "", const char* fn = "lrs_sync") {
  if (handle == nullptr || out == nullptr)
    return Fail(LRS_MISUSE, std::string(fn) + ": a handle or output is NULL");
  return NoSync();
}
}  // namespace

extern "C" {
int lrs_sync_open(lrs_store* store, const char*, size_t, lrs_log_fn, void*, lrs_sync** out) {
  if (out != nullptr) *out = nullptr;
  return NoSync(store, out, "lrs_sync_open");
}
void lrs_sync_close(lrs_sync*) {}
int lrs_sync_validate(const char*, size_t) { return NoSync(); }
int lrs_sync_pause(lrs_sync* sync) { return NoSync(sync, "", "lrs_sync_pause"); }
int lrs_sync_resume(lrs_sync* sync) { return NoSync(sync, "", "lrs_sync_resume"); }
int lrs_sync_now(lrs_sync* sync) { return NoSync(sync, "", "lrs_sync_now"); }
int lrs_sync_wait_idle(lrs_sync* sync, int64_t) { return NoSync(sync, "", "lrs_sync_wait_idle"); }
int lrs_sync_status(lrs_sync* sync, char** out, size_t* out_len) {
  ClearOut(out, out_len);
  return NoSync(sync, out, "lrs_sync_status");
}
int lrs_sync_dlq_list(lrs_sync* sync, const char* destination, uint64_t, size_t, char** out,
                      size_t* out_len) {
  ClearOut(out, out_len);
  return NoSync(sync, destination == nullptr ? nullptr : out, "lrs_sync_dlq_list");
}
int lrs_sync_dlq_replay(lrs_sync* sync, const char* destination, uint64_t, size_t* count) {
  if (count != nullptr) *count = 0;
  return NoSync(sync, destination, "lrs_sync_dlq_replay");
}
int lrs_sync_dlq_drop(lrs_sync* sync, const char* destination, uint64_t, size_t* count) {
  if (count != nullptr) *count = 0;
  return NoSync(sync, destination, "lrs_sync_dlq_drop");
}
int lrs_sync_enable(lrs_sync* sync, const char* destination) {
  return NoSync(sync, destination, "lrs_sync_enable");
}
}  // extern "C"

#endif  // LRS_HAVE_SYNC
