// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/http/message.h"

#include <catch2/catch.hpp>

#include "lrs/http/wire.h"

namespace lrs::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("Headers: case-insensitive get, count, set, remove", "[http][message]") {
  Headers h;
  h.Add("Content-Type", "application/json");
  h.Add("X-Experience-API-Version", "2.0.0");
  h.Add("x-experience-api-version", "1.0.3");
  CHECK(h.Get("content-type") == "application/json");
  CHECK(h.Get("X-EXPERIENCE-API-VERSION") == "2.0.0");  // the first value
  CHECK(h.Count("x-experience-api-version") == 2);
  CHECK_FALSE(h.Get("Accept").has_value());
  CHECK(h.Count("Accept") == 0);

  h.Set("X-Experience-Api-Version", "1.0.3");
  CHECK(h.Count("x-experience-api-version") == 1);
  CHECK(h.Get("x-experience-api-version") == "1.0.3");
  REQUIRE(h.fields().size() == 2);
  CHECK(h.fields()[1].first == "X-Experience-API-Version");  // keeps its place and spelling

  h.Set("ETag", "\"abc\"");
  CHECK(h.fields().back().first == "ETag");
  h.Remove("CONTENT-TYPE");
  CHECK_FALSE(h.Get("Content-Type").has_value());
  CHECK(h.fields().size() == 2);
}

TEST_CASE("EqualsIgnoreCase compares ASCII case-insensitively", "[http][message]") {
  CHECK(EqualsIgnoreCase("Keep-Alive", "keep-alive"));
  CHECK(EqualsIgnoreCase("", ""));
  CHECK_FALSE(EqualsIgnoreCase("close", "closed"));
  CHECK_FALSE(EqualsIgnoreCase("a", "b"));
  CHECK_FALSE(EqualsIgnoreCase("[", "{"));  // not a letter: no case folding
}

TEST_CASE("ParseForm decodes pairs in order", "[http][message]") {
  Pairs out;
  REQUIRE(ParseForm("verb=http%3A%2F%2Fadlnet.gov%2Fexpapi%2Fverbs%2Fcompleted&limit=10", &out));
  CHECK(out == Pairs{{"verb", "http://adlnet.gov/expapi/verbs/completed"}, {"limit", "10"}});

  out.clear();
  REQUIRE(ParseForm("a=1&a=2&&b&c=&d=x+y%20z&e%3D=%c3%a9", &out));
  CHECK(out == Pairs{{"a", "1"}, {"a", "2"}, {"b", ""}, {"c", ""}, {"d", "x y z"}, {"e=", "é"}});

  out.clear();
  REQUIRE(ParseForm("", &out));
  CHECK(out.empty());
  REQUIRE(ParseForm("x=a=b", &out));
  CHECK(out == Pairs{{"x", "a=b"}});
}

TEST_CASE("ParseForm rejects a malformed escape", "[http][message]") {
  Pairs out;
  CHECK_FALSE(ParseForm("a=%", &out));
  out.clear();
  CHECK_FALSE(ParseForm("a=%4", &out));
  out.clear();
  CHECK_FALSE(ParseForm("a=%zz", &out));
  out.clear();
  CHECK_FALSE(ParseForm("%g1=1", &out));
}

TEST_CASE("UrlEncode keeps unreserved characters only", "[http][message]") {
  CHECK(UrlEncode("AZaz09-._~") == "AZaz09-._~");
  CHECK(UrlEncode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
  CHECK(UrlEncode("") == "");
  Pairs out;
  std::string odd = "x+y %/?#&=\x01";
  REQUIRE(ParseForm("k=" + UrlEncode(odd), &out));
  CHECK(out == Pairs{{"k", odd}});
}

TEST_CASE("DecodePath and SplitTarget", "[http][wire]") {
  std::string path;
  CHECK(DecodePath("/a%20b/%C3%A9+c", &path));
  CHECK(path == "/a b/é+c");
  CHECK_FALSE(DecodePath("/a%2", &path));
  CHECK_FALSE(DecodePath("/a%zz", &path));
  CHECK_FALSE(DecodePath("/a%00b", &path));
  CHECK_FALSE(DecodePath(std::string_view("/a\0b", 4), &path));

  Request req;
  REQUIRE(SplitTarget("/xapi/statements?verb=http%3A%2F%2Fx&limit=1", &req));
  CHECK(req.path == "/xapi/statements");
  CHECK(req.query == "verb=http%3A%2F%2Fx&limit=1");
  REQUIRE(SplitTarget("/x?activityId=http://a/b?c", &req));
  CHECK(req.path == "/x");
  CHECK(req.query == "activityId=http://a/b?c");
  REQUIRE(SplitTarget("/plain", &req));
  CHECK(req.query.empty());
  REQUIRE(SplitTarget("http://example.com:8080/p%20q?z=1", &req));
  CHECK(req.path == "/p q");
  CHECK(req.query == "z=1");
  REQUIRE(SplitTarget("http://example.com", &req));
  CHECK(req.path == "/");
  REQUIRE(SplitTarget("*", &req));
  CHECK(req.path == "*");
}

// Removes the Date field after checking it is an IMF-fixdate (RFC 9110 5.6.7):
// "Date: Sun, 06 Nov 1994 08:49:37 GMT".
std::string WithoutDate(const std::string& head) {
  std::size_t at = head.find("\r\nDate: ");
  REQUIRE(at != std::string::npos);
  std::size_t end = head.find("\r\n", at + 2);
  std::string value = head.substr(at + 8, end - at - 8);
  CHECK(value.size() == 29);
  CHECK(value.substr(25) == " GMT");
  return head.substr(0, at) + head.substr(end);
}

TEST_CASE("AppendResponseHead frames the response", "[http][wire]") {
  Response resp;
  resp.status = 201;
  resp.headers.Add("Content-Type", "application/json");
  resp.headers.Add("Content-Length", "999");      // replaced by the real length
  resp.headers.Add("Connection", "keep-alive");   // the server decides
  resp.headers.Add("X-Bad", "a\r\nInjected: 1");  // dropped
  resp.body = "[\"id\"]";
  std::string out;
  CHECK(AppendResponseHead(resp, ResponseFraming{}, &out) == 6);
  CHECK(WithoutDate(out) ==
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\n");

  out.clear();
  CHECK(AppendResponseHead(resp, ResponseFraming{true, false, false}, &out) == 0);  // HEAD
  CHECK(out.find("Content-Length: 6\r\n") != std::string::npos);
  CHECK(out.find("Connection: close\r\n") != std::string::npos);

  out.clear();
  Response head_only;
  head_only.headers.Set("Content-Length", "1234");
  CHECK(AppendResponseHead(head_only, ResponseFraming{true, true, true}, &out) == 0);
  CHECK(WithoutDate(out) ==
        "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nConnection: keep-alive\r\n\r\n");

  out.clear();
  Response empty;
  empty.status = 204;
  empty.body = "ignored";
  CHECK(AppendResponseHead(empty, ResponseFraming{}, &out) == 0);
  CHECK(WithoutDate(out) == "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST_CASE("ErrorBody is the transport's JSON error shape", "[http][wire]") {
  CHECK(ErrorBody(413, "TooLarge", "request body exceeds 67108864 bytes") ==
        R"({"error":{"code":"TooLarge","status":413,)"
        R"("message":"request body exceeds 67108864 bytes"}})");
  CHECK(ErrorBody(400, "InvalidArgument", "bad \"x\"\n") ==
        R"({"error":{"code":"InvalidArgument","status":400,"message":"bad \"x\"\u000a"}})");
  Response r = ErrorResponse(408, "Timeout", "late");
  CHECK(r.status == 408);
  CHECK(r.headers.Get("content-type") == "application/json");
  // Bytes that are not UTF-8 (a path quoted in a message) become U+FFFD: the
  // body stays JSON text (found by conformance/bad_input_test.py).
  CHECK(ErrorBody(405, "MethodNotAllowed", "use GET /reports/\xC0\xAF") ==
        "{\"error\":{\"code\":\"MethodNotAllowed\",\"status\":405,"
        "\"message\":\"use GET /reports/\xEF\xBF\xBD\xEF\xBF\xBD\"}}");
}

}  // namespace
}  // namespace lrs::http
