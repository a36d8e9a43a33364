// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Activity Profile Resource (Communication 2.7: activities/profile?
// activityId=[&profileId=|&since=]) and the Agent Profile Resource (2.6:
// agents/profile?agent=[&profileId=|&since=]). The document semantics are
// shared (documents.cc); this file holds the parameters and scopes.

#include <string_view>

#include "lrs/api/documents.h"
#include "lrs/api/service.h"

namespace lrs::api {
namespace {

// Method and scope checks common to both profile resources; OK to go on.
Status Admit(const Context& ctx) {
  const std::string& m = ctx.req.method;
  return IsReadMethod(m) ? RequireReadScope(ctx.who, auth::kProfile)
                         : RequireScope(ctx.who, auth::kProfile);
}

// Parameters of a profile resource whose own key parameter is `owner`
// ("activityId" or "agent"): profileId is required except for the
// multiple-document GET, and `since` belongs to GET only.
Status CheckProfileParams(const Context& ctx, std::string_view owner) {
  const std::string& m = ctx.req.method;
  if (IsReadMethod(m)) return CheckParams(ctx.params, {owner, "profileId", "since"}, {owner});
  return CheckParams(ctx.params, {owner, "profileId"}, {owner, "profileId"});
}

// Communication 3.1.s3.b1: a client MUST send If-Match or If-None-Match with
// a profile PUT. The LRS enforces it (the 1.0.3 conformance suite expects 400
// for a PUT creating a document without them, and 3.1.s4.b13 409 for one
// replacing a document), under both versions as the text is the same.
constexpr auto kProfilePutRule = DocumentPrecondition::Require::kAlways;

http::Response ServeActivityProfile(Context& ctx) {
  if (!IsDocumentMethod(ctx.req.method))
    return MethodNotAllowed(ctx.req, "GET, HEAD, PUT, POST, DELETE");
  if (Status s = Admit(ctx); !s.ok()) return ErrorResponse(s);
  if (Status s = CheckProfileParams(ctx, "activityId"); !s.ok()) return ErrorResponse(s);
  DocumentKey key;
  key.kind = DocumentKind::kActivityProfile;
  key.activity_id = *ctx.params.Get("activityId");
  if (const std::string* id = ctx.params.Get("profileId")) key.id = *id;
  return ServeDocument(ctx, key, "profileId", kProfilePutRule);
}

http::Response ServeAgentProfile(Context& ctx) {
  if (!IsDocumentMethod(ctx.req.method))
    return MethodNotAllowed(ctx.req, "GET, HEAD, PUT, POST, DELETE");
  if (Status s = Admit(ctx); !s.ok()) return ErrorResponse(s);
  if (Status s = CheckProfileParams(ctx, "agent"); !s.ok()) return ErrorResponse(s);
  DocumentKey key;
  key.kind = DocumentKind::kAgentProfile;
  key.agent = *ctx.params.Get("agent");
  if (const std::string* id = ctx.params.Get("profileId")) key.id = *id;
  return ServeDocument(ctx, key, "profileId", kProfilePutRule);
}

}  // namespace

// Communication 1.1.s3.b1: HEAD answers as GET, without the body (errors too).
http::Response HandleActivityProfile(Context& ctx) {
  http::Response r = ServeActivityProfile(ctx);
  StripBodyForHead(ctx.req, &r);
  return r;
}

http::Response HandleAgentProfile(Context& ctx) {
  http::Response r = ServeAgentProfile(ctx);
  StripBodyForHead(ctx.req, &r);
  return r;
}

}  // namespace lrs::api
