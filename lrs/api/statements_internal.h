// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/api: the pieces of the statement resource (Communication
// 2.1). statements_resource.cc dispatches by method to statements_get.cc
// (GET, HEAD) and statements_write.cc (PUT, POST); statements_body.cc reads
// request bodies (application/json or multipart/mixed with attachments,
// Communication 1.5) and checks signed statements (Data 2.6).

#ifndef LRS_API_STATEMENTS_INTERNAL_H_
#define LRS_API_STATEMENTS_INTERNAL_H_

#include <string_view>
#include <vector>

#include "lrs/api/context.h"
#include "lrs/status.h"
#include "lrs/store.h"

namespace lrs::api {

// Communication 2.1.3.s2.b5: on all responses of the statement resource
// (HandleStatements adds it where a handler did not: errors, writes).
inline constexpr std::string_view kConsistentThroughHeader = "X-Experience-API-Consistent-Through";

// GET and HEAD /statements: one statement (statementId, voidedStatementId),
// a query, or a `more` page. Query pages carry the store's
// X-Experience-API-Consistent-Through.
http::Response HandleStatementsGet(Context& ctx);

// PUT /statements?statementId=ID (204) and POST /statements (200 with the
// JSON array of ids).
http::Response HandleStatementsWrite(Context& ctx);

// A statement request body, decoded.
struct StatementsBody {
  std::string_view json;                       // statement or array; views req.body
  std::vector<AttachmentPayload> attachments;  // parts after the first, if multipart
};

// Communication 1.5: the body of a PUT or POST must be application/json, or
// multipart/mixed whose first part is application/json (the statements) and
// whose other parts each carry X-Experience-API-Hash and (if any)
// Content-Transfer-Encoding: binary. InvalidArgument naming the rule
// otherwise. Matching parts to attachments is the store's (it rejects
// missing and excess parts and wrong hashes).
Status DecodeStatementsBody(const http::Request& req, StatementsBody* out);

// Data 2.6: every signature attachment whose data came in `body` holds a
// well-formed JWS of its statement (VerifyStatementSignature). Statements
// that are not valid JSON or fail validation are left for the store to
// reject with its own message.
Status CheckSignatures(const StatementsBody& body, XapiVersion version);

}  // namespace lrs::api

#endif  // LRS_API_STATEMENTS_INTERNAL_H_
