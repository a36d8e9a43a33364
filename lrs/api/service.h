// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::api::XapiService: the xAPI resources of one store over HTTP values
// (xAPI Communication 2: statements, activities/state, activities/profile,
// agents/profile, agents, activities, about). It maps requests to lrs::Store
// calls and Status to HTTP codes and JSON error bodies; it knows nothing of
// sockets (lrs/http) or of where credentials come from (lrs/auth).
//
// Thread safety: Handle may be called concurrently.

#ifndef LRS_API_SERVICE_H_
#define LRS_API_SERVICE_H_

#include <string>

#include "lrs/auth/credentials.h"
#include "lrs/http/message.h"
#include "lrs/status.h"
#include "lrs/store.h"

namespace lrs::api {

struct ServiceOptions {
  // Path prefix of the xAPI endpoint; requests reach Handle with paths
  // below it ("/xapi/statements").
  std::string base_path = "/xapi";
  // The X-Experience-API-Version of the 400 answering a request that has no
  // usable version header. Each version's spec wants its own value there
  // (1.0.3 Communication 3.3.s3.b2; 2.0.0 the same rule with 2.0.0): an LRS
  // serving both must pick one. The newest by default.
  XapiVersion unversioned_response_version = XapiVersion::k2_0_0;
};

class XapiService {
 public:
  XapiService(Store* store, ServiceOptions options) : store_(store), options_(std::move(options)) {}

  // Serves one request whose principal is already authenticated (or, for
  // resources that need no credentials, empty). Checks the principal's
  // scopes, the X-Experience-API-Version header, parameters and body.
  http::Response Handle(const http::Request& req, const auth::Principal& who);

 private:
  Store* store_;
  ServiceOptions options_;
};

// True iff `req` may be served without credentials (GET /xapi/about).
bool IsPublic(const http::Request& req, const std::string& base_path);

// The 1.0.3 alternate request syntax (Communication 1.3 in 1.0.3): a POST
// with ?method=PUT|GET|DELETE|POST and a form body carrying headers,
// parameters and `content`. Rewrites *req into the request it stands for;
// no-op for other requests. InvalidArgument when malformed (e.g. other
// query parameters beside `method`, or under 2.0.0 where it is removed).
Status DecodeAlternateSyntax(http::Request* req);

// CORS (for content launched from another origin): the preflight answer
// (no credentials needed), and the headers added to every response.
http::Response Preflight(const http::Request& req);
void AddCorsHeaders(const http::Request& req, http::Response* resp);

// One translation of Status to HTTP: 400, 401, 403, 404, 409, 412, 413...
int HttpStatusFor(const Status& s);
// A JSON error response naming the cause:
// {"error":{"code":"InvalidArgument","status":400,"message":"actor.mbox: must be a mailto: IRI"}}
http::Response ErrorResponse(const Status& s);

}  // namespace lrs::api

#endif  // LRS_API_SERVICE_H_
