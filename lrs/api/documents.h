// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/api: what the document resources (state, activity profile,
// agent profile: Communication 2.2, 2.3, 2.6, 2.7) share once a resource file
// has checked its parameters and built the DocumentKey, plus small helpers
// for the read-only resources (agents, activities, about).
//
// Scopes (Communication 4.2; auth::Allows/AllowsRead give the implications):
//   GET/HEAD state                  state, all/read or all
//   PUT/POST/DELETE state           state or all
//   GET/HEAD activity/agent profile profile, all/read or all
//   PUT/POST/DELETE the profiles    profile or all
//   GET/HEAD agents, activities     statements/read, define, all/read or all (what they
//                                   return is derived from statements; "define" is the
//                                   scope that governs those definitions)
//   GET/HEAD about                  none (2.8.s5.b3)

#ifndef LRS_API_DOCUMENTS_H_
#define LRS_API_DOCUMENTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "lrs/api/context.h"
#include "lrs/http/message.h"
#include "lrs/status.h"
#include "lrs/store.h"

namespace lrs::api {

// True for the methods a document resource serves: GET, HEAD, PUT, POST, DELETE.
bool IsDocumentMethod(std::string_view method);
// True for GET and HEAD.
bool IsReadMethod(std::string_view method);


// Forbidden unless the principal may read what `scope` (an auth::Scope bit)
// guards: the scope itself, all/read or all.
Status RequireReadScope(const auth::Principal& who, std::uint32_t scope);

// Forbidden unless the principal may read agents and activities
// (statements/read, define, all/read or all; see the table above).
Status RequireDefinitionsRead(const auth::Principal& who);

// The quoted lowercase hex SHA-1 of `body` (Communication 3.1.s4.b2/b4).
std::string EtagOf(std::string_view body);

// Communication 1.1: a HEAD response is the GET response without its body.
// No-op unless req is HEAD.
void StripBodyForHead(const http::Request& req, http::Response* resp);

// Serves one document request (HEAD: the GET response; the caller strips the
// body) whose parameters the caller has checked:
// `key` is complete (key.id empty: the multiple-document GET, or for state
// the multiple-document DELETE). `id_param` names the id parameter in
// messages ("stateId" / "profileId"). Reads the body, Content-Type,
// If-Match and If-None-Match from ctx.req, and the `since` parameter for a
// list. `put_rule` decides a PUT without concurrency headers (see
// DocumentPrecondition::Require).
http::Response ServeDocument(Context& ctx, const DocumentKey& key, std::string_view id_param,
                             DocumentPrecondition::Require put_rule);

}  // namespace lrs::api

#endif  // LRS_API_DOCUMENTS_H_
