// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Activities Resource (Communication 2.5): GET activities?activityId=<IRI>
// returns the canonical Activity object merged from the statements that
// mention it, or, for an activity never seen, an Activity object with just
// its id (2.5.s2.b1; the 2.0.0 conformance suite expects 200 with objectType
// and id).

#include "lrs/api/documents.h"
#include "lrs/api/service.h"
#include "lrs/json/json.h"

namespace lrs::api {
namespace {

http::Response ServeActivities(Context& ctx) {
  if (!IsReadMethod(ctx.req.method)) return MethodNotAllowed(ctx.req, "GET, HEAD");
  if (Status s = RequireDefinitionsRead(ctx.who); !s.ok()) return ErrorResponse(s);
  if (Status s = CheckParams(ctx.params, {"activityId"}, {"activityId"}); !s.ok())
    return ErrorResponse(s);
  const std::string& id = *ctx.params.Get("activityId");
  std::string activity;
  // InvalidArgument ("activityId: ...") when not an absolute IRI.
  Status s = ctx.store->GetActivity(id, &activity);
  if (s.IsNotFound()) {
    json::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    d.AddMember("objectType", "Activity", a);
    d.AddMember("id", json::StringValue(id, a), a);
    activity = json::Write(d);
  } else if (!s.ok()) {
    return ErrorResponse(s);
  }
  http::Response r = JsonResponse(200, std::move(activity));
  r.headers.Set("ETag", EtagOf(r.body));
  return r;
}

}  // namespace

// Communication 1.1.s3.b1: HEAD answers as GET, without the body (errors too).
http::Response HandleActivities(Context& ctx) {
  http::Response r = ServeActivities(ctx);
  StripBodyForHead(ctx.req, &r);
  return r;
}

}  // namespace lrs::api
