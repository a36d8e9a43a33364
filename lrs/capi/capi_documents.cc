// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The C API of the document resources: state, activity profile, agent
// profile (xAPI Communication 2.3, 2.6, 2.7).

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "lrs/capi/capi_internal.h"
#include "lrs/common/time.h"

using lrs::Status;
using lrs::capi::ClearOut;
using lrs::capi::Emit;
using lrs::capi::Fail;
using lrs::capi::Guard;
using lrs::capi::In;
using lrs::capi::Ok;
using lrs::capi::Params;

namespace {

// The document (or set) params select, and the preconditions they carry.
struct Selection {
  lrs::DocumentKey key;
  lrs::DocumentPrecondition pre;
  std::optional<std::string> since;
};

Status Select(std::string_view text, bool with_id_allowed, bool with_since, Selection* out) {
  Params p;
  LRS_RETURN_IF_ERROR(p.Parse(text));
  LRS_RETURN_IF_ERROR(p.Only({"resource", "activityId", "agent", "registration", "stateId",
                              "profileId", "ifMatch", "ifNoneMatch", "since"}));
  std::optional<std::string> resource, activity, agent, id;
  LRS_RETURN_IF_ERROR(p.String("resource", &resource));
  if (!resource)
    return Status::InvalidArgument(
        "params.resource: required (\"state\", \"activity_profile\" or \"agent_profile\")");
  const char* id_name = "profileId";
  const char* other_id = "stateId";
  if (*resource == "state") {
    out->key.kind = lrs::DocumentKind::kState;
    std::swap(id_name, other_id);
  } else if (*resource == "activity_profile") {
    out->key.kind = lrs::DocumentKind::kActivityProfile;
  } else if (*resource == "agent_profile") {
    out->key.kind = lrs::DocumentKind::kAgentProfile;
  } else {
    return Status::InvalidArgument(
        "params.resource: must be \"state\", \"activity_profile\" or \"agent_profile\"");
  }
  if (p.Has(other_id))
    return Status::InvalidArgument(std::string("params.") + other_id + ": not a parameter of " +
                                   *resource + " (use " + id_name + ")");
  const bool state = out->key.kind == lrs::DocumentKind::kState;
  if (!state && p.Has("registration"))
    return Status::InvalidArgument("params.registration: only the state resource has one");
  if (out->key.kind == lrs::DocumentKind::kActivityProfile && p.Has("agent"))
    return Status::InvalidArgument("params.agent: not a parameter of activity_profile");
  if (out->key.kind == lrs::DocumentKind::kAgentProfile && p.Has("activityId"))
    return Status::InvalidArgument("params.activityId: not a parameter of agent_profile");
  LRS_RETURN_IF_ERROR(p.String("activityId", &activity));
  LRS_RETURN_IF_ERROR(p.JsonText("agent", &agent));
  LRS_RETURN_IF_ERROR(p.String("registration", &out->key.registration));
  LRS_RETURN_IF_ERROR(p.String(id_name, &id));
  LRS_RETURN_IF_ERROR(p.String("ifMatch", &out->pre.if_match));
  LRS_RETURN_IF_ERROR(p.String("ifNoneMatch", &out->pre.if_none_match));
  LRS_RETURN_IF_ERROR(p.String("since", &out->since));
  if (activity) out->key.activity_id = std::move(*activity);
  if (agent) out->key.agent = std::move(*agent);
  if (id) out->key.id = std::move(*id);
  if (!with_id_allowed && id)
    return Status::InvalidArgument(std::string("params.") + id_name +
                                   ": not allowed when listing documents");
  if (!with_since && out->since)
    return Status::InvalidArgument("params.since: only for listing documents");
  return Status::OK();
}

// A document written or read needs its id (deleting state may omit it).
Status RequireId(const Selection& sel) {
  if (!sel.key.id.empty()) return Status::OK();
  return Status::InvalidArgument(sel.key.kind == lrs::DocumentKind::kState
                                     ? "params.stateId: required"
                                     : "params.profileId: required");
}

std::string EtagJson(const lrs::Document& d) {
  std::string j = "{\"etag\":";
  lrs::capi::AppendJsonString(d.etag, &j);
  j += '}';
  return j;
}

using WriteFn = Status (lrs::Store::*)(const lrs::DocumentKey&, std::string_view, std::string_view,
                                       const lrs::DocumentPrecondition&, lrs::Document*);

int WriteDocument(lrs_store* store, const char* params, size_t params_len, const void* content,
                  size_t content_len, const char* content_type, char** out, size_t* out_len,
                  WriteFn fn, const char* name) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr) return Fail(LRS_MISUSE, std::string(name) + ": store must not be NULL");
    if (content == nullptr && content_len != 0)
      return Fail(LRS_MISUSE, std::string(name) + ": content is NULL with a non-zero length");
    Selection sel;
    Status s = Select(In(params, params_len), true, false, &sel);
    if (s.ok()) s = RequireId(sel);
    if (!s.ok()) return Fail(s);
    std::string_view body(static_cast<const char*>(content), content == nullptr ? 0 : content_len);
    std::string_view type = content_type == nullptr || *content_type == '\0'
                                ? std::string_view("application/octet-stream")
                                : std::string_view(content_type);
    lrs::Document d;
    s = (store->store.get()->*fn)(sel.key, body, type, sel.pre, &d);
    if (!s.ok()) return Fail(s);
    if (out == nullptr) return Ok();
    return Emit(EtagJson(d), out, out_len);
  });
}

}  // namespace

extern "C" {

int lrs_document_put(lrs_store* store, const char* params, size_t params_len, const void* content,
                     size_t content_len, const char* content_type, char** out, size_t* out_len) {
  return WriteDocument(store, params, params_len, content, content_len, content_type, out, out_len,
                       &lrs::Store::PutDocument, "lrs_document_put");
}

int lrs_document_post(lrs_store* store, const char* params, size_t params_len,
                      const void* content, size_t content_len, const char* content_type,
                      char** out, size_t* out_len) {
  return WriteDocument(store, params, params_len, content, content_len,
                       content_type == nullptr ? "application/json" : content_type, out, out_len,
                       &lrs::Store::PostDocument, "lrs_document_post");
}

int lrs_document_get(lrs_store* store, const char* params, size_t params_len, void** content,
                     size_t* content_len, char** meta) {
  return Guard([&] {
    if (content != nullptr) *content = nullptr;
    if (content_len != nullptr) *content_len = 0;
    if (meta != nullptr) *meta = nullptr;
    if (store == nullptr || content == nullptr)
      return Fail(LRS_MISUSE, "lrs_document_get: store and content must not be NULL");
    Selection sel;
    Status s = Select(In(params, params_len), true, false, &sel);
    if (s.ok()) s = RequireId(sel);
    if (!s.ok()) return Fail(s);
    lrs::Document d;
    s = store->store->GetDocument(sel.key, &d);
    if (!s.ok()) return Fail(s);
    std::string m = "{\"contentType\":";
    lrs::capi::AppendJsonString(d.content_type, &m);
    m += ",\"etag\":";
    lrs::capi::AppendJsonString(d.etag, &m);
    m += ",\"updated\":";
    lrs::capi::AppendJsonString(lrs::FormatIso8601Millis(d.updated_ms * 1000), &m);
    m += '}';
    char* body = nullptr;
    int rc = Emit(d.content, &body, content_len);
    if (rc != LRS_OK) return rc;
    if (meta != nullptr && (rc = Emit(m, meta, nullptr)) != LRS_OK) {
      std::free(body);
      if (content_len != nullptr) *content_len = 0;
      return rc;
    }
    *content = body;
    return Ok();
  });
}

int lrs_document_delete(lrs_store* store, const char* params, size_t params_len) {
  return Guard([&] {
    if (store == nullptr) return Fail(LRS_MISUSE, "lrs_document_delete: store must not be NULL");
    Selection sel;
    Status s = Select(In(params, params_len), true, false, &sel);
    if (s.ok() && sel.key.kind != lrs::DocumentKind::kState) s = RequireId(sel);
    if (!s.ok()) return Fail(s);
    s = store->store->DeleteDocument(sel.key, sel.pre);
    return s.ok() ? Ok() : Fail(s);
  });
}

int lrs_document_list(lrs_store* store, const char* params, size_t params_len, char** out,
                      size_t* out_len) {
  return Guard([&] {
    ClearOut(out, out_len);
    if (store == nullptr || out == nullptr)
      return Fail(LRS_MISUSE, "lrs_document_list: store and out must not be NULL");
    Selection sel;
    Status s = Select(In(params, params_len), false, true, &sel);
    if (s.ok() && (sel.pre.if_match || sel.pre.if_none_match))
      s = Status::InvalidArgument("params.ifMatch/ifNoneMatch: not used when listing documents");
    if (!s.ok()) return Fail(s);
    lrs::DocumentListQuery q;
    q.key = sel.key;
    q.since = sel.since;
    std::vector<std::string> ids;
    s = store->store->ListDocuments(q, &ids, nullptr);
    if (!s.ok()) return Fail(s);
    return Emit(lrs::capi::JsonStringArray(ids), out, out_len);
  });
}

}  // extern "C"
