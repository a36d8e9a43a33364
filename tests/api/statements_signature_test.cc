// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Signed statements (xAPI Data 2.6) over HTTP values: JWS algorithms,
// payload equivalence, x5c verification, malformed signatures. Keys and
// certificates are made at test time with OpenSSL.

#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "lrs/api/signature.h"
#include "tests/api/statements_test_util.h"
#include "tests/support/tls_util.h"

namespace lrs {
namespace {

using api::Base64UrlEncode;
using testing::AttachmentJson;
using testing::DataPart;
using testing::kActivity;
using testing::kMultipartType;
using testing::kVerb;
using testing::Lrs;
using testing::MultipartBody;
using testing::Statement;

constexpr const char* kSigUsage = "http://adlnet.gov/expapi/attachments/signature";

// An RSA key and a self-signed certificate for it, made once.
struct Signer {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  Signer() {
    key = EVP_RSA_gen(2048);
    REQUIRE(key != nullptr);
    cert = lrs::testing::SelfSignedCert(key, "lrs test");
    REQUIRE(cert != nullptr);
  }
  ~Signer() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  // Standard base64 of the DER certificate (x5c, RFC 7515 4.1.6).
  std::string X5c() const {
    unsigned char* der = nullptr;
    int n = i2d_X509(cert, &der);
    std::string url = Base64UrlEncode(std::string(reinterpret_cast<char*>(der), n));
    OPENSSL_free(der);
    for (char& c : url) c = c == '-' ? '+' : c == '_' ? '/' : c;
    while (url.size() % 4) url += '=';
    return url;
  }
};

const Signer& TheSigner() {
  static Signer s;
  return s;
}
const Signer& OtherSigner() {
  static Signer s;
  return s;
}

std::string Sign(const EVP_MD* md, EVP_PKEY* key, std::string_view input) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  REQUIRE(EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) == 1);
  std::size_t n = 0;
  REQUIRE(EVP_DigestSign(ctx, nullptr, &n, reinterpret_cast<const unsigned char*>(input.data()),
                         input.size()) == 1);
  std::string sig(n, '\0');
  REQUIRE(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &n,
                         reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1);
  EVP_MD_CTX_free(ctx);
  sig.resize(n);
  return sig;
}

// A JWS compact serialization of `payload` (header JSON as given).
std::string Jws(const std::string& header, const std::string& payload,
                const Signer& signer = TheSigner(), const EVP_MD* md = EVP_sha256()) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  return input + "." + Base64UrlEncode(Sign(md, signer.key, input));
}

// A statement (with id) and the statement with a signature attachment.
const std::string kId = "9b2f7c1e-4a3d-4f5e-8a6b-7c8d9e0f1a2b";
std::string Unsigned(const std::string& actor = "a@example.com") {
  return Statement(actor, kVerb, kActivity, "\"id\":\"" + kId + "\"");
}
std::string SignedBody(const std::string& jws, const std::string& statement = Unsigned(),
                       const std::string& content_type = "application/octet-stream") {
  std::string s = statement;
  s.pop_back();  // '}'
  s += ",\"attachments\":[" + AttachmentJson(jws, content_type, kSigUsage) + "]}";
  return MultipartBody(s, {DataPart(jws, content_type)});
}

http::Response Post(Lrs& lrs, const std::string& body) {
  return lrs.Call("POST", "statements", body, {{"Content-Type", kMultipartType}});
}

TEST_CASE("Data 2.6.s4.b4: signatures with RS256, RS384 and RS512 are accepted", "[signature]") {
  struct Case {
    const char* alg;
    const EVP_MD* md;
  };
  for (const Case& c : {Case{"RS256", EVP_sha256()}, Case{"RS384", EVP_sha384()},
                        Case{"RS512", EVP_sha512()}}) {
    INFO(c.alg);
    Lrs lrs;
    std::string jws =
        Jws(std::string("{\"alg\":\"") + c.alg + "\"}", Unsigned(), TheSigner(), c.md);
    http::Response r = Post(lrs, SignedBody(jws));
    INFO(r.body);
    CHECK(r.status == 200);
    // And read back with the signature (Communication 2.1.3, attachments=true).
    r = lrs.Call("GET", "statements?attachments=true&statementId=" + kId);
    CHECK(r.body.find(jws) != std::string::npos);
  }
}

TEST_CASE("Data 2.6.s4.b4: other JWS algorithms are 400", "[signature]") {
  Lrs lrs;
  std::string input = Base64UrlEncode("{\"alg\":\"HS256\"}") + "." + Base64UrlEncode(Unsigned());
  CHECK(Post(lrs, SignedBody(input + "." + Base64UrlEncode("mac"))).status == 400);
  input = Base64UrlEncode("{\"alg\":\"none\"}") + "." + Base64UrlEncode(Unsigned());
  CHECK(Post(lrs, SignedBody(input + ".")).status == 400);
  CHECK(Post(lrs, SignedBody(Jws("{\"typ\":\"JWT\"}", Unsigned()))).status == 400);
}

TEST_CASE("Data 2.6.s4.b3: the JWS payload must be the statement as JSON", "[signature]") {
  Lrs lrs;
  // Not JSON (the ADL suite's breakJson: a quote replaced).
  std::string broken = Unsigned();
  broken[broken.find('"')] = '\'';
  http::Response r = Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\"}", broken)));
  CHECK(r.status == 400);
  CHECK(r.body.find("attachments[0]") != std::string::npos);
  // Another statement.
  CHECK(Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\"}", Unsigned("b@example.com")))).status == 400);
  // Another id.
  std::string other_id = Unsigned();
  other_id.replace(other_id.find(kId), kId.size(), "00000000-0000-4000-8000-000000000000");
  CHECK(Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\"}", other_id))).status == 400);
  // Not a statement at all.
  CHECK(Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\"}", "[1,2]"))).status == 400);
  // Nothing was stored.
  CHECK(lrs.Call("GET", "statements?statementId=" + kId).status == 404);
}

TEST_CASE("Data 2.6.s5.b3.b2: the payload is compared as statements, not as text", "[signature]") {
  Lrs lrs;
  // Same statement, other member order and upper-case id digits; no id at all also matches.
  std::string upper = kId;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string reordered = "{\"object\":{\"id\":\"" + std::string(kActivity) +
                          "\",\"objectType\":\"Activity\"},\"id\":\"" + upper + "\"," +
                          Unsigned().substr(1, Unsigned().find(",\"object\"") - 1) + "}";
  CHECK(Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\"}", reordered))).status == 200);
  Lrs lrs2;
  CHECK(Post(lrs2, SignedBody(Jws("{\"alg\":\"RS256\"}",
                                  Statement("a@example.com", kVerb, kActivity))))
            .status == 200);
}

TEST_CASE("Data 2.6.s4.b1: a signature attachment must be application/octet-stream",
          "[signature]") {
  Lrs lrs;
  std::string jws = Jws("{\"alg\":\"RS256\"}", Unsigned());
  CHECK(Post(lrs, SignedBody(jws, Unsigned(), "text/plain; charset=ascii")).status == 400);
}

TEST_CASE("Data 2.6.s5.b1: a signature that is not a compact JWS is 400", "[signature]") {
  Lrs lrs;
  for (std::string bad : {std::string("not a jws"), std::string("a.b"), std::string("a.b.c.d"),
                          std::string("!!!.###.$$$"), std::string("{\"payload\":\"x\"}")}) {
    INFO(bad);
    CHECK(Post(lrs, SignedBody(bad)).status == 400);
  }
  // A header that is not a JSON object.
  std::string input = Base64UrlEncode("[\"RS256\"]") + "." + Base64UrlEncode(Unsigned());
  CHECK(Post(lrs, SignedBody(input + "." + Base64UrlEncode("sig"))).status == 400);
}

TEST_CASE("Data 2.6.s5.b3.b3: with x5c the signature must verify with the certificate",
          "[signature]") {
  const std::string header = "{\"alg\":\"RS256\",\"x5c\":[\"" + TheSigner().X5c() + "\"]}";
  {
    Lrs lrs;
    http::Response r = Post(lrs, SignedBody(Jws(header, Unsigned())));
    INFO(r.body);
    CHECK(r.status == 200);
  }
  {
    Lrs lrs;  // signed by another key
    CHECK(Post(lrs, SignedBody(Jws(header, Unsigned(), OtherSigner()))).status == 400);
  }
  {
    Lrs lrs;  // a signature over other bytes
    std::string jws = Jws(header, Unsigned());
    std::string tampered = jws.substr(0, jws.rfind('.') + 1) +
                           Base64UrlEncode(Sign(EVP_sha256(), TheSigner().key, "other"));
    CHECK(Post(lrs, SignedBody(tampered)).status == 400);
  }
  {
    Lrs lrs;  // x5c that is not a certificate
    CHECK(Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\",\"x5c\":[\"AAAA\"]}", Unsigned()))).status ==
          400);
    CHECK(Post(lrs, SignedBody(Jws("{\"alg\":\"RS256\",\"x5c\":\"x\"}", Unsigned()))).status ==
          400);
  }
}

TEST_CASE("Data 2.6: in a batch each signed statement is checked", "[signature]") {
  Lrs lrs;
  std::string jws = Jws("{\"alg\":\"RS256\"}", Unsigned("b@example.com"));  // not statement [1]
  std::string signed_stmt = Unsigned();
  signed_stmt.pop_back();
  signed_stmt += ",\"attachments\":[" + AttachmentJson(jws, "application/octet-stream", kSigUsage) +
                 "]}";
  std::string batch = "[" + Statement("c@example.com", kVerb, kActivity) + "," + signed_stmt + "]";
  http::Response r = Post(lrs, MultipartBody(batch, {DataPart(jws, "application/octet-stream")}));
  CHECK(r.status == 400);
  CHECK(r.body.find("[1].attachments[0]") != std::string::npos);
}

}  // namespace
}  // namespace lrs
