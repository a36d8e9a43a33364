// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// JWS verification of signed statements (Data 2.6), with OpenSSL EVP.

#include "lrs/api/signature.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cctype>
#include <cstdint>
#include <memory>

#include "lrs/validate/validator.h"
#include "lrs/xapi/statement_ops.h"

namespace lrs::api {
namespace {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// UUIDs compare ignoring case (Data 2.3.1).
bool SameId(const json::Value& a, const json::Value& b) {
  if (!a.IsString() || !b.IsString() || a.GetStringLength() != b.GetStringLength()) return false;
  for (rapidjson::SizeType i = 0; i < a.GetStringLength(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a.GetString()[i])) !=
        std::tolower(static_cast<unsigned char>(b.GetString()[i])))
      return false;
  }
  return true;
}

// Drops every signature attachment; drops "attachments" when none remain.
void RemoveSignatureAttachments(json::Value& stmt) {
  auto it = stmt.FindMember("attachments");
  if (it == stmt.MemberEnd() || !it->value.IsArray()) return;
  json::Value& atts = it->value;
  for (rapidjson::SizeType i = atts.Size(); i-- > 0;) {
    if (json::StringOr(atts[i], "usageType") == kSignatureUsageType) atts.Erase(atts.Begin() + i);
  }
  if (atts.Empty()) stmt.RemoveMember("attachments");
}

// Verifies the RS* signature of `input` with the first x5c certificate.
Status VerifyWithCertificate(const json::Value& x5c, const EVP_MD* md, std::string_view input,
                             std::string_view signature) {
  if (!x5c.IsArray() || x5c.Empty() || !x5c[0].IsString())
    return Status::InvalidArgument("the JWS header's \"x5c\" must be an array of certificates");
  std::string der;
  if (!Base64Decode(json::View(x5c[0]), false, &der))
    return Status::InvalidArgument("the JWS header's x5c[0] is not base64");
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<X509, X509Free> cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return Status::InvalidArgument("the JWS header's x5c[0] is not an X.509 certificate");
  std::unique_ptr<EVP_PKEY, PkeyFree> key(X509_get_pubkey(cert.get()));
  if (!key || EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA)
    return Status::InvalidArgument("the JWS header's x5c[0] certificate has no RSA public key");
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1)
    return Status::Internal("EVP_DigestVerifyInit failed");
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(input.data()), input.size());
  if (ok != 1)
    return Status::InvalidArgument(
        "the JWS signature does not verify with the x5c certificate's public key");
  return Status::OK();
}

}  // namespace

Status VerifyStatementSignature(std::string_view jws, const json::Value& statement,
                                XapiVersion version) {
  // RFC 7515 section 7.1: BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature).
  std::size_t dot1 = jws.find('.');
  std::size_t dot2 = dot1 == jws.npos ? jws.npos : jws.find('.', dot1 + 1);
  if (dot2 == jws.npos || jws.find('.', dot2 + 1) != jws.npos)
    return Status::InvalidArgument(
        "the signature is not a JWS Compact Serialization (header.payload.signature)");
  std::string header_text, payload_text, signature;
  if (!Base64Decode(jws.substr(0, dot1), true, &header_text) ||
      !Base64Decode(jws.substr(dot1 + 1, dot2 - dot1 - 1), true, &payload_text) ||
      !Base64Decode(jws.substr(dot2 + 1), true, &signature))
    return Status::InvalidArgument("the JWS is not base64url-encoded");

  json::Document header;
  if (!json::Parse(header_text, &header, json::Limits{1 << 20, 16}).ok() || !header.IsObject())
    return Status::InvalidArgument("the JWS header is not a JSON object");
  const std::string_view alg = json::StringOr(header, "alg");
  const EVP_MD* md = alg == "RS256"   ? EVP_sha256()
                     : alg == "RS384" ? EVP_sha384()
                     : alg == "RS512" ? EVP_sha512()
                                      : nullptr;
  if (md == nullptr)
    return Status::InvalidArgument("the JWS algorithm must be RS256, RS384 or RS512, not \"" +
                                   std::string(alg) + "\"");
  if (signature.empty()) return Status::InvalidArgument("the JWS signature is empty");

  // The payload: the statement as it was before the signature was added.
  json::Document payload;
  Status s = json::Parse(payload_text, &payload);
  if (!s.ok()) return Status::InvalidArgument("the JWS payload is not JSON: " + s.message());
  if (!payload.IsObject()) return Status::InvalidArgument("the JWS payload is not a statement");
  s = validate::ValidateStatement(payload, payload.GetAllocator(), version);
  if (!s.ok())
    return Status::InvalidArgument("the JWS payload is not a valid statement: " + s.message());

  json::Document received;
  received.CopyFrom(statement, received.GetAllocator());
  RemoveSignatureAttachments(received);
  RemoveSignatureAttachments(payload);
  bool same = xapi::StatementsEquivalent(received, payload) &&
              xapi::StatementsEquivalent(payload, received);
  const json::Value* id_a = json::Member(received, "id");
  const json::Value* id_b = json::Member(payload, "id");
  if (same && id_a && id_b) same = SameId(*id_a, *id_b);
  if (!same)
    return Status::InvalidArgument(
        "the JWS payload is not the statement it signs (Data 2.6.s5.b3.b2)");

  if (const json::Value* x5c = json::Member(header, "x5c")) {
    LRS_RETURN_IF_ERROR(
        VerifyWithCertificate(*x5c, md, jws.substr(0, dot2), signature));
  }
  return Status::OK();
}

}  // namespace lrs::api
