// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The About Resource (Communication 2.8): GET about returns the versions this
// LRS serves, the latest of each major version (2.8.s5.b1), and no other
// property outside `extensions` (2.8.s5.b2). It needs no credentials
// (2.8.s5.b3; see IsPublic) and no X-Experience-API-Version header (2.8.s5.b4).

#include "lrs/api/documents.h"
#include "lrs/api/service.h"

namespace lrs::api {
namespace {

http::Response ServeAbout(Context& ctx) {
  if (!IsReadMethod(ctx.req.method)) return MethodNotAllowed(ctx.req, "GET, HEAD");
  if (Status s = CheckParams(ctx.params, {}); !s.ok()) return ErrorResponse(s);
  http::Response r = JsonResponse(200, R"({"version":["1.0.3","2.0.0"],"extensions":{}})");
  r.headers.Set("ETag", EtagOf(r.body));
  return r;
}

}  // namespace

// Communication 1.1.s3.b1: HEAD answers as GET, without the body (errors too).
http::Response HandleAbout(Context& ctx) {
  http::Response r = ServeAbout(ctx);
  StripBodyForHead(ctx.req, &r);
  return r;
}

}  // namespace lrs::api
