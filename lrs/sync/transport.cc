// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/sync/transport.h"

#include <strings.h>

namespace lrs::sync {

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return {};
}

HttpResponse HttpTransport::Send(const HttpRequest& req) {
  std::vector<HttpResponse> out;
  SendAll({req}, &out);
  return out.empty() ? HttpResponse{} : std::move(out[0]);
}

void GuardedTransport::SendAll(const std::vector<HttpRequest>& reqs,
                               std::vector<HttpResponse>* out) {
  std::vector<HttpRequest> stamped(reqs);
  for (HttpRequest& r : stamped) r.guard = guard_;
  inner_->SendAll(stamped, out);
}

}  // namespace lrs::sync
