// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// GET /reports/<name>?...: Store::Report of the principal's store
// (docs/reporting.md). The answer is JSON; a bad parameter is a 400 naming
// it, an unknown report a 404.

#include <chrono>
#include <string>

#include "lrs/api/context.h"
#include "lrs/api/service.h"
#include "lrs/daemon/routes.h"

namespace lrs::daemon {

http::Response HandleReports(http::Request& req, const RouteContext& ctx) {
  if (req.method != "GET" && req.method != "HEAD") return MethodNotAllowed(req, "GET, HEAD");
  const std::string name = req.path.substr(std::string_view("/reports/").size());
  std::string body;
  const auto start = std::chrono::steady_clock::now();
  Status s = ctx.store->Report(name, ctx.params, &body);
  if (!s.ok()) {
    if (s.code() == Status::Code::kIOError || s.code() == Status::Code::kCorruption ||
        s.code() == Status::Code::kInternal)
      ctx.logger->Log(LogLevel::kError, "report failed",
                      {{"store", ctx.store_name}, {"report", name}, {"error", s.ToString()}});
    return api::ErrorResponse(s);
  }
  http::Response r = api::JsonResponse(200, std::move(body));
  r.headers.Set("Cache-Control", "no-store");
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::steady_clock::now() - start).count();
  r.headers.Set("Server-Timing", "report;dur=" + std::to_string(us / 1000.0));
  return r;
}

}  // namespace lrs::daemon
