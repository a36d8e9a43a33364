// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statement request bodies (Communication 1.5): application/json, or
// multipart/mixed with attachment data; and signed statements (Data 2.6).

#include <string>
#include <unordered_map>

#include "lrs/api/signature.h"
#include "lrs/api/statements_internal.h"
#include "lrs/http/multipart.h"
#include "lrs/json/json.h"
#include "lrs/validate/validator.h"

namespace lrs::api {
namespace {

// A SHA-2 digest in hex (SHA-224/256/384/512), lower-cased into *out.
bool ParseHash(std::string_view text, std::string* out) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() != 56 && text.size() != 64 && text.size() != 96 && text.size() != 128)
    return false;
  out->clear();
  for (char c : text) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    out->push_back(c);
  }
  return true;
}

std::string PartField(std::size_t i, std::string_view header) {
  return "multipart[" + std::to_string(i) + "]." + std::string(header) + ": ";
}

}  // namespace

Status DecodeStatementsBody(const http::Request& req, StatementsBody* out) {
  out->json = {};
  out->attachments.clear();
  const std::string type = MediaType(req);
  if (type == "application/json") {
    out->json = req.body;
    return Status::OK();
  }
  if (type != "multipart/mixed") {
    return Status::InvalidArgument(
        "Content-Type: statements must be sent as application/json or multipart/mixed "
        "(Communication 1.5), not \"" + type + "\"");
  }

  std::string boundary;
  LRS_RETURN_IF_ERROR(http::BoundaryOf(*req.headers.Get("Content-Type"), &boundary));
  std::vector<http::MultipartPart> parts;
  LRS_RETURN_IF_ERROR(http::ParseMultipart(req.body, boundary, &parts));

  // Communication 1.5.2: the first part holds the statements, as JSON.
  auto first_type = parts[0].headers.Get("Content-Type");
  if (!first_type || MediaTypeOf(*first_type) != "application/json") {
    return Status::InvalidArgument(
        PartField(0, "Content-Type") +
        "the first part must hold the statements with Content-Type application/json");
  }
  out->json = parts[0].body;

  // The other parts: attachment data, each named by its SHA-2.
  std::unordered_map<std::string, std::size_t> seen;  // hash -> index in out->attachments
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const http::Headers& h = parts[i].headers;
    auto hash = h.Get("X-Experience-API-Hash");
    if (!hash) {
      return Status::InvalidArgument(PartField(i, "X-Experience-API-Hash") +
                                     "every part after the first needs this header "
                                     "(Communication 1.5.2)");
    }
    std::string sha2;
    if (!ParseHash(*hash, &sha2)) {
      return Status::InvalidArgument(PartField(i, "X-Experience-API-Hash") +
                                     "must be a hex SHA-2 digest");
    }
    // Binary is the only transfer encoding (and the one assumed when absent).
    if (auto cte = h.Get("Content-Transfer-Encoding"); cte && MediaTypeOf(*cte) != "binary") {
      return Status::InvalidArgument(PartField(i, "Content-Transfer-Encoding") +
                                     "must be \"binary\" (Communication 1.5.2)");
    }
    auto ct = h.Get("Content-Type");
    if (auto it = seen.find(sha2); it != seen.end()) {
      // The same data twice is harmless; different data under one hash is not.
      if (out->attachments[it->second].data != parts[i].body) {
        return Status::InvalidArgument(PartField(i, "X-Experience-API-Hash") +
                                       "two parts with this hash hold different data");
      }
      continue;
    }
    seen.emplace(sha2, out->attachments.size());
    out->attachments.push_back(AttachmentPayload{
        std::move(sha2), ct ? std::string(*ct) : std::string("application/octet-stream"),
        std::string(parts[i].body)});
  }
  return Status::OK();
}

Status CheckSignatures(const StatementsBody& body, XapiVersion version) {
  if (body.attachments.empty()) return Status::OK();  // no JWS to check
  json::Document doc;
  if (!json::Parse(body.json, &doc).ok()) return Status::OK();  // the store says why
  const bool batch = doc.IsArray();
  const rapidjson::SizeType n = batch ? doc.Size() : 1;
  for (rapidjson::SizeType i = 0; i < n; ++i) {
    const json::Value& stmt = batch ? doc[i] : doc;
    const json::Value* atts = stmt.IsObject() ? json::Member(stmt, "attachments") : nullptr;
    if (!atts || !atts->IsArray()) continue;
    json::Document normalized;  // validated copy, made on the first signature
    bool valid = false;
    for (rapidjson::SizeType k = 0; k < atts->Size(); ++k) {
      const json::Value& a = (*atts)[k];
      if (!a.IsObject() || json::StringOr(a, "usageType") != kSignatureUsageType) continue;
      std::string sha2(json::StringOr(a, "sha2"));
      for (char& c : sha2)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
      const AttachmentPayload* jws = nullptr;
      for (const auto& p : body.attachments)
        if (p.sha2 == sha2) jws = &p;
      if (!jws) continue;  // a fileUrl signature, or missing data (the store rejects that)
      if (!valid) {
        normalized.CopyFrom(stmt, normalized.GetAllocator());
        if (!validate::ValidateStatement(normalized, normalized.GetAllocator(), version).ok())
          return Status::OK();  // the store reports the validation error
        valid = true;
      }
      Status s = VerifyStatementSignature(jws->data, normalized, version);
      if (!s.ok()) {
        // Appended piecewise: GCC 12 at -O3 warns (-Wrestrict, a false
        // positive) on "[" + std::to_string(i) chains.
        std::string path;
        if (batch) path.append("[").append(std::to_string(i)).append("].");
        path.append("attachments[").append(std::to_string(k)).append("]: ");
        return s.WithPrefix(path);
      }
    }
  }
  return Status::OK();
}

}  // namespace lrs::api
