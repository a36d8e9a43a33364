// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Statements with attachments over HTTP values (Communication 1.5.2, Data
// 2.4.11): multipart/mixed requests and their rules, and the multipart
// response of GET with attachments=true.

#include <catch2/catch.hpp>

#include "tests/api/statements_test_util.h"

namespace lrs {
namespace {

using testing::AttachmentJson;
using testing::DataPart;
using testing::kActivity;
using testing::kMultipartType;
using testing::kVerb;
using testing::Lrs;
using testing::MultipartBody;
using testing::ParseJson;
using testing::Part;
using testing::ResponseParts;
using testing::Sha256Hex;
using testing::Statement;

const std::string kText1 = "here is a simple attachment";
const std::string kText2 = std::string("binary \0\xff\r\n-- data", 18);

std::string WithAttachments(const std::vector<std::string>& atts) {
  std::string list;
  for (const auto& a : atts) list += (list.empty() ? "" : ",") + a;
  return Statement("a@example.com", kVerb, kActivity, "\"attachments\":[" + list + "]");
}

http::Response PostMultipart(Lrs& lrs, const std::string& body,
                             const std::string& type = kMultipartType) {
  return lrs.Call("POST", "statements", body, {{"Content-Type", type}});
}

TEST_CASE("Communication 1.5.2: a multipart POST stores attachment data; GET returns it",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string s =
      WithAttachments({AttachmentJson(kText1), AttachmentJson(kText2, "image/png")});
  http::Response r =
      PostMultipart(lrs, MultipartBody(s, {DataPart(kText1), DataPart(kText2, "image/png")}));
  INFO(r.body);
  REQUIRE(r.status == 200);
  const std::string id = ParseJson(r.body)[0].GetString();

  // attachments=true: multipart/mixed, the statement first, then each payload.
  r = lrs.Call("GET", "statements?attachments=true&statementId=" + id);
  REQUIRE(r.status == 200);
  auto parts = ResponseParts(r);
  REQUIRE(parts.size() == 3);
  CHECK(parts[0].headers.Get("Content-Type") == "application/json");
  CHECK(std::string(ParseJson(parts[0].body)["id"].GetString()) == id);
  for (std::size_t i = 1; i < 3; ++i) {
    const std::string& want = i == 1 ? kText1 : kText2;
    CHECK(parts[i].body == want);
    CHECK(parts[i].headers.Get("X-Experience-API-Hash") == Sha256Hex(want));
    CHECK(parts[i].headers.Get("Content-Transfer-Encoding") == "binary");
    CHECK(parts[i].headers.Get("Content-Type") == (i == 1 ? "text/plain" : "image/png"));
  }
  // The boundary is plain enough for the ADL suite's "split(';')[1].replace(' boundary=', '')".
  std::string ct(*r.headers.Get("Content-Type"));
  CHECK(ct.find('"') == std::string::npos);
  // Each hash appears twice: in the statement and in its part's header.
  for (const auto& t : {kText1, kText2}) {
    std::size_t n = 0;
    for (std::size_t p = r.body.find(Sha256Hex(t)); p != std::string::npos;
         p = r.body.find(Sha256Hex(t), p + 1))
      ++n;
    CHECK(n == 2);
  }

  // A query with attachments=true is multipart too, a StatementResult first.
  r = lrs.Call("GET", "statements?attachments=true");
  parts = ResponseParts(r);
  REQUIRE(parts.size() == 3);
  CHECK(ParseJson(parts[0].body)["statements"].Size() == 1);
  // Without attachments=true: plain JSON, no data.
  for (const char* target : {"statements", "statements?attachments=false"}) {
    r = lrs.Call("GET", target);
    CHECK(r.headers.Get("Content-Type") == "application/json");
    CHECK(r.body.find(kText1) == std::string::npos);
  }
}

TEST_CASE("Communication 1.5.2: PUT takes multipart/mixed too", "[statements][attachments]") {
  Lrs lrs;
  const std::string id = "5d0b8a3e-1c2f-4e6a-9b7c-0d1e2f3a4b5c";
  const std::string s = Statement("a@example.com", kVerb, kActivity,
                                  "\"id\":\"" + id + "\",\"attachments\":[" +
                                      AttachmentJson(kText1) + "]");
  http::Response r = lrs.Call("PUT", "statements?statementId=" + id,
                              MultipartBody(s, {DataPart(kText1)}),
                              {{"Content-Type", kMultipartType}});
  INFO(r.body);
  CHECK(r.status == 204);
}

TEST_CASE("Communication 1.5.2: multipart without attachments, or with fileUrl only, is accepted",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string plain = Statement("a@example.com", kVerb, kActivity);
  CHECK(PostMultipart(lrs, MultipartBody(plain, {})).status == 200);
  const std::string file_url =
      "{\"usageType\":\"http://example.com/u\",\"display\":{\"en-US\":\"f\"},"
      "\"contentType\":\"text/plain\",\"length\":27,\"sha2\":\"" + Sha256Hex("x") +
      "\",\"fileUrl\":\"http://over.there.com/file.txt\"}";
  CHECK(PostMultipart(lrs, MultipartBody(WithAttachments({file_url}), {})).status == 200);
  // And as application/json (Communication 1.5.1).
  CHECK(lrs.Call("POST", "statements", WithAttachments({file_url})).status == 200);
}

TEST_CASE("Communication 1.5.1: attachment data must come with the request",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string s = WithAttachments({AttachmentJson(kText1), AttachmentJson(kText2)});
  // application/json cannot carry data for attachments without fileUrl.
  CHECK(lrs.Call("POST", "statements", s).status == 400);
  // A missing part (XAPI-00129).
  CHECK(PostMultipart(lrs, MultipartBody(s, {DataPart(kText1)})).status == 400);
  // An excess part whose hash no attachment names (XAPI-00128).
  CHECK(PostMultipart(lrs, MultipartBody(s, {DataPart(kText1), DataPart(kText2), DataPart("3")}))
            .status == 400);
  // A part whose data does not match its hash (XAPI-00132).
  Part wrong = DataPart(kText1);
  wrong.body = "tampered";
  CHECK(PostMultipart(lrs, MultipartBody(s, {wrong, DataPart(kText2)})).status == 400);
  // The same data twice is harmless.
  CHECK(PostMultipart(lrs, MultipartBody(s, {DataPart(kText1), DataPart(kText2), DataPart(kText1)}))
            .status == 200);
}

TEST_CASE("Communication 1.5.2: parts after the first need X-Experience-API-Hash",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string s = WithAttachments({AttachmentJson(kText1)});
  Part p = DataPart(kText1);
  p.headers.erase(p.headers.begin() + 2);  // X-Experience-API-Hash
  http::Response r = PostMultipart(lrs, MultipartBody(s, {p}));
  CHECK(r.status == 400);
  CHECK(r.body.find("X-Experience-API-Hash") != std::string::npos);
  p.headers.emplace_back("X-Experience-API-Hash", "not-hex");
  CHECK(PostMultipart(lrs, MultipartBody(s, {p})).status == 400);
}

TEST_CASE("Communication 1.5.2: Content-Transfer-Encoding must be binary (assumed when absent)",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string s = WithAttachments({AttachmentJson(kText1)});
  Part p = DataPart(kText1);
  p.headers[1].second = "base64";
  CHECK(PostMultipart(lrs, MultipartBody(s, {p})).status == 400);
  p.headers.erase(p.headers.begin() + 1);
  CHECK(PostMultipart(lrs, MultipartBody(s, {p})).status == 200);
  p = DataPart(kText1);
  p.headers[1].second = "BINARY";
  CHECK(PostMultipart(lrs, MultipartBody(s, {p})).status == 200);
}

TEST_CASE("Communication 1.5.2: the first part holds all statements as application/json",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string s = WithAttachments({AttachmentJson(kText1)});
  std::string body = MultipartBody(s, {DataPart(kText1)});
  // First part text/plain (XAPI-00134).
  std::string text_first = body;
  text_first.replace(text_first.find("application/json"), 16, "text/plain");
  CHECK(PostMultipart(lrs, text_first).status == 400);
  // First part without Content-Type.
  std::string none = body;
  none.replace(none.find("Content-Type: application/json\r\n"), 32, "");
  CHECK(PostMultipart(lrs, none).status == 400);
  // Statements split over two parts (XAPI-00133).
  std::string two = MultipartBody(s, {Part{{{"Content-Type", "application/json"}}, s},
                                      DataPart(kText1)});
  CHECK(PostMultipart(lrs, two).status == 400);
}

TEST_CASE("Communication 1.5.2 / RFC 2046: boundaries and delimiters are required",
          "[statements][attachments]") {
  Lrs lrs;
  const std::string s = WithAttachments({AttachmentJson(kText1)});
  const std::string body = MultipartBody(s, {DataPart(kText1)});
  CHECK(PostMultipart(lrs, body, "multipart/mixed;").status == 400);  // XAPI-00131 (header)
  CHECK(PostMultipart(lrs, body, "multipart/mixed; boundary=other").status == 400);
  // No delimiter before the statements part (XAPI-00131, body).
  CHECK(PostMultipart(lrs, body.substr(body.find("\r\n") + 2)).status == 400);
  // No delimiter before the attachment part (XAPI-00130).
  std::string merged = body;
  merged.erase(merged.find("--B0undary\r\nContent-Type: text/plain"), 12);
  CHECK(PostMultipart(lrs, merged).status == 400);
  // Truncated: no close delimiter.
  CHECK(PostMultipart(lrs, body.substr(0, body.size() - 16)).status == 400);
  // Headers without a space after the colon and a leading CRLF are fine.
  std::string compact = "\r\n--B0undary\r\nContent-Type:application/json\r\n\r\n" + s +
                        "\r\n--B0undary\r\nContent-Type:text/plain\r\nX-Experience-API-Hash:" +
                        Sha256Hex(kText1) + "\r\n\r\n" + kText1 + "\r\n--B0undary--";
  CHECK(PostMultipart(lrs, compact).status == 200);
}

TEST_CASE("Data 2.5: more pages of an attachments=true query stay multipart",
          "[statements][attachments][paging]") {
  Lrs lrs;
  const std::string s = WithAttachments({AttachmentJson(kText1)});
  REQUIRE(PostMultipart(lrs, MultipartBody(s, {DataPart(kText1)})).status == 200);
  lrs.Post(Statement("b@example.com", kVerb, kActivity));  // newest, no attachments
  http::Response r = lrs.Call("GET", "statements?attachments=true&limit=1");
  auto parts = ResponseParts(r);
  REQUIRE(parts.size() == 1);  // the newest has no attachment data
  auto d = ParseJson(parts[0].body);
  std::string more = d["more"].GetString();
  REQUIRE(!more.empty());
  r = lrs.Call("GET", more.substr(6));
  parts = ResponseParts(r);
  REQUIRE(parts.size() == 2);
  CHECK(parts[1].body == kText1);
}

}  // namespace
}  // namespace lrs
