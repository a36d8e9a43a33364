// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Agents Resource (Communication 2.4): GET agents?agent=<Agent JSON>
// returns the Person object combining what the store knows of that agent;
// for an agent it has never seen, a Person built from the request (2.4.s3.b3).

#include "lrs/api/documents.h"
#include "lrs/api/service.h"

namespace lrs::api {
namespace {

http::Response ServeAgents(Context& ctx) {
  if (!IsReadMethod(ctx.req.method)) return MethodNotAllowed(ctx.req, "GET, HEAD");
  if (Status s = RequireDefinitionsRead(ctx.who); !s.ok()) return ErrorResponse(s);
  if (Status s = CheckParams(ctx.params, {"agent"}, {"agent"}); !s.ok()) return ErrorResponse(s);
  std::string person;
  // InvalidArgument ("agent: ...") when not an Agent with one identifier (2.4.s2).
  Status s = ctx.store->GetPerson(*ctx.params.Get("agent"), &person);
  if (!s.ok()) return ErrorResponse(s);
  http::Response r = JsonResponse(200, std::move(person));
  r.headers.Set("ETag", EtagOf(r.body));
  return r;
}

}  // namespace

// Communication 1.1.s3.b1: HEAD answers as GET, without the body (errors too).
http::Response HandleAgents(Context& ctx) {
  http::Response r = ServeAgents(ctx);
  StripBodyForHead(ctx.req, &r);
  return r;
}

}  // namespace lrs::api
