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
  return MethodNotAllowed(ctx.req, "GET, HEAD, PUT, POST");
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
