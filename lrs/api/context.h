// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/api: what a resource handler gets, and the helpers every
// resource uses (parameters, scopes, responses). One resource family per
// file: statements_resource.cc, state_resource.cc, ...

#ifndef LRS_API_CONTEXT_H_
#define LRS_API_CONTEXT_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/auth/credentials.h"
#include "lrs/http/message.h"
#include "lrs/common/time.h"
#include "lrs/common/time.h"
#include "lrs/status.h"
#include "lrs/store.h"
#include "lrs/xapi.h"

namespace lrs::api {

// Query parameters, decoded, in order (a name may repeat).
class Params {
 public:
  std::vector<std::pair<std::string, std::string>>& list() { return list_; }
  const std::vector<std::pair<std::string, std::string>>& list() const { return list_; }
  // The first value of `name`, or nullptr.
  const std::string* Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name) != nullptr; }

 private:
  std::vector<std::pair<std::string, std::string>> list_;
};

struct Context {
  const http::Request& req;
  const auth::Principal& who;
  Store* store;
  XapiVersion version;
  Params params;
  std::string base_path;  // "/xapi"
  std::string resource;   // path below base_path, e.g. "statements", "activities/state"
};

// Communication 2 (parameters): every parameter must be one the resource
// knows (`allowed`), none may repeat, and each of `required` must be there.
// InvalidArgument naming the parameter otherwise.
Status CheckParams(const Params& params, std::initializer_list<std::string_view> allowed,
                   std::initializer_list<std::string_view> required = {});

// Forbidden unless the principal's scopes allow `scope` (an auth::Scope bit).
Status RequireScope(const auth::Principal& who, std::uint32_t scope);

// A response with a JSON body (Content-Type: application/json).
http::Response JsonResponse(int status, std::string body);
http::Response NoContent();  // 204

using lrs::HttpDate;       // lrs/common/time.h
using lrs::ParseHttpDate;

// "type/subtype" of a header value, lower-cased, without parameters; and
// that of the request's Content-Type ("application/json").
std::string MediaTypeOf(std::string_view header_value);
std::string MediaType(const http::Request& req);

// 405 with an Allow header (RFC 9110 15.5.6) and the JSON error body.
http::Response MethodNotAllowed(const http::Request& req, std::string_view allowed);

// The handlers, one per resource family.
http::Response HandleStatements(Context& ctx);        // statements_resource.cc
http::Response HandleState(Context& ctx);             // state_resource.cc
http::Response HandleActivityProfile(Context& ctx);   // profile_resource.cc
http::Response HandleAgentProfile(Context& ctx);      // profile_resource.cc
http::Response HandleAgents(Context& ctx);            // agents_resource.cc
http::Response HandleActivities(Context& ctx);        // activities_resource.cc
http::Response HandleAbout(Context& ctx);             // about_resource.cc

}  // namespace lrs::api

#endif  // LRS_API_CONTEXT_H_
