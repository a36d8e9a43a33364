// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The statement resource (Communication 2.1): dispatch by method.

#include <chrono>

#include "lrs/api/statements_internal.h"
#include "lrs/common/time.h"
#include "lrs/json/json.h"

namespace lrs::api {
namespace {

http::Response Dispatch(Context& ctx) {
  const std::string& m = ctx.req.method;
  if (m == "GET" || m == "HEAD") return HandleStatementsGet(ctx);
  if (m == "PUT" || m == "POST") return HandleStatementsWrite(ctx);

  // 405 with the methods the resource has (RFC 9110 15.5.6).
  json::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::Value err(rapidjson::kObjectType);
  err.AddMember("code", "NotSupported", a);
  err.AddMember("status", 405, a);
  err.AddMember("message",
                json::StringValue("method: " + m +
                                      " is not allowed on statements; use GET, HEAD, PUT or POST",
                                  a),
                a);
  err.AddMember("field", "method", a);
  d.AddMember("error", err, a);
  http::Response r = JsonResponse(405, json::Write(d));
  r.headers.Set("Allow", "GET, HEAD, PUT, POST");
  return r;
}

}  // namespace

http::Response HandleStatements(Context& ctx) {
  http::Response r = Dispatch(ctx);
  // Communication 2.1.3.s2.b5 (2.0.0: "on all responses to Statements
  // Resource requests"): statements stored before now are all visible,
  // since a write returns only once it is committed and visible.
  if (!r.headers.Get(kConsistentThroughHeader)) {
    const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now().time_since_epoch());
    r.headers.Set(kConsistentThroughHeader, FormatIso8601Millis(now.count()));
  }
  return r;
}

}  // namespace lrs::api
