// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// PUT and POST /statements (Communication 2.1.1, 2.1.2).

#include <string>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/api/statements_internal.h"
#include "lrs/json/json.h"

namespace lrs::api {
namespace {

// Decodes the body and checks its signatures; fills *write.
Status PrepareWrite(Context& ctx, StatementsBody* body, StatementWrite* write) {
  LRS_RETURN_IF_ERROR(DecodeStatementsBody(ctx.req, body));
  LRS_RETURN_IF_ERROR(CheckSignatures(*body, ctx.version));
  write->version = ctx.version;
  write->authority = ctx.who.authority_json;
  write->attachments = std::move(body->attachments);
  return Status::OK();
}

// Communication 2.1.1: PUT stores one statement under statementId; 204 when
// stored or already stored with equal content, 409 when the id is taken.
http::Response Put(Context& ctx) {
  Status s = CheckParams(ctx.params, {"statementId"}, {"statementId"});
  if (!s.ok()) return ErrorResponse(s);
  StatementsBody body;
  StatementWrite write;
  s = PrepareWrite(ctx, &body, &write);
  if (s.ok()) s = ctx.store->PutStatement(write, *ctx.params.Get("statementId"), body.json);
  if (!s.ok()) return ErrorResponse(s);
  return NoContent();
}

// Communication 2.1.2: POST stores a statement or a batch, all or nothing,
// and answers 200 with the ids in request order.
http::Response Post(Context& ctx) {
  Status s = CheckParams(ctx.params, {});
  if (!s.ok()) return ErrorResponse(s);
  StatementsBody body;
  StatementWrite write;
  std::vector<std::string> ids;
  s = PrepareWrite(ctx, &body, &write);
  if (s.ok()) s = ctx.store->PutStatements(write, body.json, &ids);
  if (!s.ok()) return ErrorResponse(s);
  std::string out = "[";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += '"';
    out += ids[i];  // lowercase UUIDs: nothing to escape
    out += '"';
  }
  out += ']';
  return JsonResponse(200, std::move(out));
}

}  // namespace

http::Response HandleStatementsWrite(Context& ctx) {
  if (Status s = RequireScope(ctx.who, auth::kStatementsWrite); !s.ok()) return ErrorResponse(s);
  return ctx.req.method == "PUT" ? Put(ctx) : Post(ctx);
}

}  // namespace lrs::api
