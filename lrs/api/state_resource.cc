// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The State Resource (Communication 2.3): activities/state?activityId=&agent=
// [&registration=][&stateId=|&since=]. The document semantics are shared
// (documents.cc); this file holds the parameters and the concurrency rule.

#include "lrs/api/documents.h"
#include "lrs/api/service.h"

namespace lrs::api {
namespace {

http::Response ServeState(Context& ctx) {
  const std::string& m = ctx.req.method;
  if (!IsDocumentMethod(m)) return MethodNotAllowed(ctx.req, "GET, HEAD, PUT, POST, DELETE");
  const bool read = IsReadMethod(m);
  Status s = read ? RequireReadScope(ctx.who, auth::kState) : RequireScope(ctx.who, auth::kState);
  if (!s.ok()) return ErrorResponse(s);

  // 2.3.s3 (single document), 2.3.s4 (multiple GET: since), 2.3.s5 (multiple
  // DELETE). `since` is accepted with a stateId on GET and ignored there.
  if (read) {
    s = CheckParams(ctx.params, {"activityId", "agent", "registration", "stateId", "since"},
                    {"activityId", "agent"});
  } else if (m == "DELETE") {
    s = CheckParams(ctx.params, {"activityId", "agent", "registration", "stateId"},
                    {"activityId", "agent"});
  } else {
    s = CheckParams(ctx.params, {"activityId", "agent", "registration", "stateId"},
                    {"activityId", "agent", "stateId"});
  }
  if (!s.ok()) return ErrorResponse(s);

  DocumentKey key;
  key.kind = DocumentKind::kState;
  key.activity_id = *ctx.params.Get("activityId");
  key.agent = *ctx.params.Get("agent");
  if (const std::string* reg = ctx.params.Get("registration")) key.registration = *reg;
  if (const std::string* id = ctx.params.Get("stateId")) key.id = *id;

  // Communication 3.1.s3 (1.0.3 and 2.0.0 alike) lets State PUTs go without
  // If-Match / If-None-Match. The xAPI 2.0.0 conformance suite
  // (4.1.4-Concurrency.js) nevertheless expects 409 for a State PUT that
  // would replace an existing document without them (lrs-conformance-test-suite
  // issue #282), while a PUT creating a document needs none (XAPI-00190).
  // So: the spec's exemption under 1.0.3, the suite's rule under 2.0.0.
  const auto rule = ctx.version == XapiVersion::k1_0_3 ? DocumentPrecondition::Require::kDefault
                                                       : DocumentPrecondition::Require::kToReplace;
  return ServeDocument(ctx, key, "stateId", rule);
}

}  // namespace

// Communication 1.1.s3.b1: HEAD answers as GET, without the body (errors too).
http::Response HandleState(Context& ctx) {
  http::Response r = ServeState(ctx);
  StripBodyForHead(ctx.req, &r);
  return r;
}

}  // namespace lrs::api
