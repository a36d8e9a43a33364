// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The C API of lrs::Store: open/close, statements, agents and activities,
// erasure, retention (purge) and export. Documents are in capi_documents.cc.

#include <string>
#include <vector>

#include "lrs/capi/capi_internal.h"
#include "lrs/common/time.h"
#include "lrs/export/exporter.h"

using lrs::Status;
using lrs::capi::ClearOut;
using lrs::capi::Emit;
using lrs::capi::Fail;
using lrs::capi::Guard;
using lrs::capi::In;
using lrs::capi::Ok;
using lrs::capi::Params;

namespace {

int Misuse(const char* what) { return Fail(LRS_MISUSE, what); }

// "version" and "authority", shared by every write.
Status WriteParams(const Params& p, lrs::StatementWrite* w) {
  LRS_RETURN_IF_ERROR(p.Version(&w->version));
  std::optional<std::string> authority;
  LRS_RETURN_IF_ERROR(p.JsonText("authority", &authority));
  if (authority) w->authority = std::move(*authority);
  return Status::OK();
}

Status OpenOptions(const Params& p, lrs::Options* o) {
  LRS_RETURN_IF_ERROR(p.Only({"create_if_missing", "initial_map_size", "max_map_size", "sync",
                              "index_buffer_statements", "aggregates", "max_readers",
                              "max_group_writers"}));
  std::uint64_t v;
  LRS_RETURN_IF_ERROR(p.Bool("create_if_missing", &o->create_if_missing));
  LRS_RETURN_IF_ERROR(p.Bool("sync", &o->sync));
  LRS_RETURN_IF_ERROR(p.Bool("aggregates", &o->aggregates));
  if (v = o->initial_map_size; p.Has("initial_map_size")) {
    LRS_RETURN_IF_ERROR(p.Uint("initial_map_size", &v));
    if (v < (std::uint64_t{1} << 20))
      return Status::InvalidArgument("options.initial_map_size: must be at least 1048576");
    o->initial_map_size = v;
  }
  if (v = o->max_map_size; p.Has("max_map_size")) {
    LRS_RETURN_IF_ERROR(p.Uint("max_map_size", &v));
    o->max_map_size = v;
  }
  if (v = o->index_buffer_statements; p.Has("index_buffer_statements")) {
    LRS_RETURN_IF_ERROR(p.Uint("index_buffer_statements", &v));
    if (v == 0) return Status::InvalidArgument("options.index_buffer_statements: must be at least 1");
    o->index_buffer_statements = v;
  }
  if (v = o->max_readers; p.Has("max_readers")) {
    LRS_RETURN_IF_ERROR(p.Uint("max_readers", &v));
    if (v == 0 || v > 65536)
      return Status::InvalidArgument("options.max_readers: must be between 1 and 65536");
    o->max_readers = static_cast<unsigned>(v);
  }
  if (v = static_cast<std::uint64_t>(o->max_group_writers); p.Has("max_group_writers")) {
    LRS_RETURN_IF_ERROR(p.Uint("max_group_writers", &v));
    if (v == 0 || v > 65536)
      return Status::InvalidArgument("options.max_group_writers: must be between 1 and 65536");
    o->max_group_writers = static_cast<int>(v);
  }
  return Status::OK();
}

// {"statements":[...],"more":"...","consistentThrough":"..."}
std::string PageJson(const lrs::StatementPage& page) {
  std::string out = "{\"statements\":[";
  for (std::size_t i = 0; i < page.statements.size(); ++i) {
    if (i) out += ',';
    out += page.statements[i];
  }
  out += "],\"more\":";
  lrs::capi::AppendJsonString(page.more, &out);
  out += ",\"consistentThrough\":";
  lrs::capi::AppendJsonString(lrs::FormatIso8601Millis(page.consistent_through_ms * 1000), &out);
  out += '}';
  return out;
}

}  // namespace

extern "C" {

int lrs_open(const char* dir, const char* options, size_t options_len, lrs_store** out) {
  return Guard([&] {
    if (out == nullptr) return Misuse("lrs_open: out must not be NULL");
    *out = nullptr;
    if (dir == nullptr || *dir == '\0') return Fail(LRS_INVALID_ARGUMENT, "dir: required");
    Params p;
    lrs::Options o;
    Status s = p.Parse(In(options, options_len), "options");
    if (s.ok()) s = OpenOptions(p, &o);
    auto h = std::make_unique<lrs_store>();
    if (s.ok()) s = lrs::Store::Open(o, dir, &h->store);
    if (!s.ok()) return Fail(s);
    *out = h.release();
    return Ok();
  });
}

void lrs_close(lrs_store* store) {
  Guard([&] {
    delete store;
    return LRS_OK;
  });
}

int lrs_stats(lrs_store* store, char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr) return Misuse("lrs_stats: store and out must not be NULL");
    lrs::StoreStats st;
    Status s = store->store->GetStats(&st);
    if (!s.ok()) return Fail(s);
    std::string j = "{\"statements\":" + std::to_string(st.statements) +
                    ",\"last_sequence\":" + std::to_string(st.last_sequence) +
                    ",\"map_size\":" + std::to_string(st.map_size) +
                    ",\"map_used\":" + std::to_string(st.map_used) +
                    ",\"commits\":" + std::to_string(st.commits) +
                    ",\"grouped_writes\":" + std::to_string(st.grouped_writes) + "}";
    return Emit(j, out, out_len);
  });
}

// ---- Statements ---------------------------------------------------------------

int lrs_statements_put(lrs_store* store, const char* params, size_t params_len, const char* body,
                       size_t body_len, char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_statements_put: store and out must not be NULL");
    Params p;
    lrs::StatementWrite w;
    Status s = p.Parse(In(params, params_len));
    if (s.ok()) s = p.Only({"version", "authority", "statementId"});
    if (s.ok()) s = WriteParams(p, &w);
    std::optional<std::string> id;
    if (s.ok()) s = p.String("statementId", &id);
    if (!s.ok()) return Fail(s);
    std::vector<std::string> ids;
    if (id) {
      s = store->store->PutStatement(w, *id, In(body, body_len));
      ids.push_back(*id);
    } else {
      s = store->store->PutStatements(w, In(body, body_len), &ids);
    }
    if (!s.ok()) return Fail(s);
    return Emit(lrs::capi::JsonStringArray(ids), out, out_len);
  });
}

int lrs_statement_get(lrs_store* store, const char* params, size_t params_len, char** out,
                      size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_statement_get: store and out must not be NULL");
    Params p;
    lrs::StatementGet g;
    std::optional<std::string> id, voided;
    Status s = p.Parse(In(params, params_len));
    if (s.ok()) s = p.Only({"statementId", "voidedStatementId", "format", "languages", "version"});
    if (s.ok()) s = p.String("statementId", &id);
    if (s.ok()) s = p.String("voidedStatementId", &voided);
    if (s.ok()) s = p.Format(&g.format);
    if (s.ok()) s = p.Languages(&g.languages);
    if (s.ok()) s = p.Version(&g.version);
    if (s.ok() && id.has_value() == voided.has_value())
      s = Status::InvalidArgument("params: exactly one of statementId and voidedStatementId is required");
    if (!s.ok()) return Fail(s);
    g.voided = voided.has_value();
    g.id = voided ? *voided : *id;
    std::string json;
    s = store->store->GetStatement(g, &json, nullptr);
    if (!s.ok()) return Fail(s);
    return Emit(json, out, out_len);
  });
}

int lrs_statements_query(lrs_store* store, const char* params, size_t params_len, char** out,
                         size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_statements_query: store and out must not be NULL");
    Params p;
    lrs::StatementQuery q;
    std::uint64_t limit = 0;
    Status s = p.Parse(In(params, params_len));
    if (s.ok())
      s = p.Only({"agent", "verb", "activity", "registration", "related_activities",
                  "related_agents", "since", "until", "limit", "format", "ascending", "languages",
                  "version"});
    if (s.ok()) s = p.JsonText("agent", &q.agent);
    if (s.ok()) s = p.String("verb", &q.verb);
    if (s.ok()) s = p.String("activity", &q.activity);
    if (s.ok()) s = p.String("registration", &q.registration);
    if (s.ok()) s = p.Bool("related_activities", &q.related_activities);
    if (s.ok()) s = p.Bool("related_agents", &q.related_agents);
    if (s.ok()) s = p.String("since", &q.since);
    if (s.ok()) s = p.String("until", &q.until);
    if (s.ok()) s = p.Uint("limit", &limit);
    if (s.ok()) s = p.Format(&q.format);
    if (s.ok()) s = p.Bool("ascending", &q.ascending);
    if (s.ok()) s = p.Languages(&q.languages);
    if (s.ok()) s = p.Version(&q.version);
    if (!s.ok()) return Fail(s);
    q.limit = limit > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(limit);
    lrs::StatementPage page;
    s = store->store->QueryStatements(q, &page);
    if (!s.ok()) return Fail(s);
    return Emit(PageJson(page), out, out_len);
  });
}

int lrs_statements_more(lrs_store* store, const char* more, size_t more_len, char** out,
                        size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_statements_more: store and out must not be NULL");
    std::string_view token = In(more, more_len);
    if (token.empty()) return Fail(LRS_INVALID_ARGUMENT, "more: required (a page's \"more\" token)");
    lrs::StatementPage page;
    Status s = store->store->More(token, &page);
    if (!s.ok()) return Fail(s);
    return Emit(PageJson(page), out, out_len);
  });
}

int lrs_statement_void(lrs_store* store, const char* params, size_t params_len,
                       const char* target_id, size_t target_id_len, const char* actor,
                       size_t actor_len, char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_statement_void: store and out must not be NULL");
    Params p;
    lrs::StatementWrite w;
    Status s = p.Parse(In(params, params_len));
    if (s.ok()) s = p.Only({"version", "authority"});
    if (s.ok()) s = WriteParams(p, &w);
    if (!s.ok()) return Fail(s);
    std::string id;
    s = store->store->VoidStatement(w, In(target_id, target_id_len), In(actor, actor_len), &id);
    if (!s.ok()) return Fail(s);
    return Emit(id, out, out_len);
  });
}

// ---- Agents and activities ------------------------------------------------------

int lrs_person_get(lrs_store* store, const char* agent, size_t agent_len, char** out,
                   size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_person_get: store and out must not be NULL");
    std::string json;
    Status s = store->store->GetPerson(In(agent, agent_len), &json);
    if (!s.ok()) return Fail(s);
    return Emit(json, out, out_len);
  });
}

int lrs_activity_get(lrs_store* store, const char* activity_id, size_t activity_id_len, char** out,
                     size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Misuse("lrs_activity_get: store and out must not be NULL");
    std::string json;
    Status s = store->store->GetActivity(In(activity_id, activity_id_len), &json);
    if (!s.ok()) return Fail(s);
    return Emit(json, out, out_len);
  });
}

// ---- Erasure and export -----------------------------------------------------------

int lrs_erase_agent(lrs_store* store, const char* agent, size_t agent_len, char** out,
                    size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr) return Misuse("lrs_erase_agent: store must not be NULL");
    lrs::ErasureReport r;
    Status s = store->store->EraseAgent(In(agent, agent_len), &r);
    if (!s.ok()) return Fail(s);
    if (out == nullptr) return Ok();
    std::string j = "{\"statements\":" + std::to_string(r.statements) +
                    ",\"documents\":" + std::to_string(r.documents) +
                    ",\"sync_records\":" + std::to_string(r.sync_records) + ",\"audit_id\":";
    lrs::capi::AppendJsonString(r.audit_id, &j);
    j += '}';
    return Emit(j, out, out_len);
  });
}

int lrs_report(lrs_store* store, const char* name, const char* params, size_t params_len,
               char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr) return Misuse("lrs_report: store must not be NULL");
    if (name == nullptr) return Misuse("lrs_report: name must not be NULL");
    if (out == nullptr) return Misuse("lrs_report: out must not be NULL");
    Params p;
    Status s = p.Parse(In(params, params_len));
    if (!s.ok()) return Fail(s);
    std::vector<std::pair<std::string, std::string>> kv;
    for (const auto& m : p.doc().GetObject()) {
      const std::string key(m.name.GetString(), m.name.GetStringLength());
      if (m.value.IsString()) {
        kv.emplace_back(key, std::string(m.value.GetString(), m.value.GetStringLength()));
      } else if (m.value.IsNumber() || m.value.IsObject()) {
        kv.emplace_back(key, lrs::json::Write(m.value));
      } else {
        return Fail(Status::InvalidArgument("params." + key + ": must be a string, number or object"));
      }
    }
    std::string json;
    s = store->store->Report(name, kv, &json);
    if (!s.ok()) return Fail(s);
    return Emit(json, out, out_len);
  });
}

int lrs_purge(lrs_store* store, const char* params, size_t params_len, char** out,
              size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr) return Misuse("lrs_purge: store must not be NULL");
    Params p;
    lrs::PurgeRequest req;
    std::optional<std::string> before;
    Status s = p.Parse(In(params, params_len));
    if (s.ok()) s = p.Only({"before", "dry_run"});
    if (s.ok()) s = p.String("before", &before);
    if (s.ok()) s = p.Bool("dry_run", &req.dry_run);
    if (s.ok() && !before)
      s = Status::InvalidArgument("params.before: required (an ISO 8601 date or timestamp)");
    if (s.ok()) s = lrs::ParsePurgeBefore(*before, &req.before_ms).WithPrefix("params.");
    if (!s.ok()) return Fail(s);
    lrs::PurgeReport r;
    s = store->store->PurgeStatements(req, &r);
    if (!s.ok()) return Fail(s);
    if (out == nullptr) return Ok();
    auto time = [](std::int64_t ms, std::string* j) {
      if (ms == 0) *j += "null";
      else lrs::capi::AppendJsonString(lrs::FormatIso8601Millis(ms * 1000), j);
    };
    std::string j = std::string("{\"dry_run\":") + (r.dry_run ? "true" : "false") + ",\"before\":";
    lrs::capi::AppendJsonString(lrs::FormatIso8601Millis(r.before_ms * 1000), &j);
    j += ",\"statements\":" + std::to_string(r.statements) + ",\"bytes\":" + std::to_string(r.bytes) +
         ",\"oldest\":";
    time(r.oldest_ms, &j);
    j += ",\"newest\":";
    time(r.newest_ms, &j);
    j += ",\"attachments\":" + std::to_string(r.attachments) +
         ",\"sync_records\":" + std::to_string(r.sync_records) +
         ",\"batches\":" + std::to_string(r.batches) + ",\"audit_id\":";
    if (r.audit_id.empty()) j += "null";
    else lrs::capi::AppendJsonString(r.audit_id, &j);
    j += '}';
    return Emit(j, out, out_len);
  });
}

int lrs_export(lrs_store* store, const char* params, size_t params_len, lrs_write_fn write,
               void* ctx, char** out, size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || write == nullptr)
      return Misuse("lrs_export: store and write must not be NULL");
    Params p;
    lrs::exporter::Options o;
    std::optional<std::string> format;
    Status s = p.Parse(In(params, params_len));
    if (s.ok()) s = p.Only({"after", "limit", "format", "fields", "header"});
    if (s.ok()) s = p.Uint("after", &o.after);
    if (s.ok()) s = p.Uint("limit", &o.limit);
    if (s.ok()) s = p.Bool("header", &o.csv_header);
    if (s.ok()) s = p.String("format", &format);
    if (s.ok() && format && *format != "ndjson") {
      if (*format == "csv") {
        o.format = lrs::exporter::Format::kCsv;
      } else {
        s = Status::InvalidArgument("params.format: must be \"ndjson\" or \"csv\"");
      }
    }
    if (const auto* f = lrs::json::Member(p.doc(), "fields"); s.ok() && f != nullptr) {
      if (!f->IsArray()) s = Status::InvalidArgument("params.fields: must be an array of paths");
      for (std::size_t i = 0; s.ok() && f->IsArray() && i < f->Size(); ++i) {
        const auto& v = (*f)[static_cast<rapidjson::SizeType>(i)];
        if (!v.IsString()) s = Status::InvalidArgument("params.fields: must be an array of paths");
        else o.fields.emplace_back(lrs::json::View(v));
      }
      if (s.ok() && o.format != lrs::exporter::Format::kCsv)
        s = Status::InvalidArgument("params.fields: only with \"format\": \"csv\"");
    }
    if (!s.ok()) return Fail(s);
    lrs::exporter::Result r;
    s = lrs::exporter::Export(
        store->store.get(), o,
        [&](std::string_view chunk) { return write(ctx, chunk.data(), chunk.size()) == 0; }, &r);
    if (!s.ok()) return Fail(s);
    if (r.stopped)
      return Fail(LRS_ABORTED, "export: the write callback asked to stop after " +
                                   std::to_string(r.exported) + " statements (last position " +
                                   std::to_string(r.last) + ")");
    if (out == nullptr) return Ok();
    return Emit("{\"exported\":" + std::to_string(r.exported) + ",\"last\":" + std::to_string(r.last) +
                    "}",
                out, out_len);
  });
}

}  // extern "C"
