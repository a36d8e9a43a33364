// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// multipart/mixed (RFC 2046 5.1) parsing and writing: boundaries from
// Content-Type, delimiters and CRLF rules, preamble and epilogue, header
// fields, limits, and malformed input.

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lrs/http/multipart.h"

namespace lrs::http {
namespace {

std::vector<MultipartPart> MustParse(std::string_view body, std::string_view boundary) {
  std::vector<MultipartPart> parts;
  Status s = ParseMultipart(body, boundary, &parts);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return parts;
}

Status ParseStatus(std::string_view body, std::string_view boundary,
                   const MultipartLimits& limits = MultipartLimits()) {
  std::vector<MultipartPart> parts;
  return ParseMultipart(body, boundary, &parts, limits);
}

TEST_CASE("RFC 2046 5.1.1: the boundary parameter of Content-Type", "[multipart]") {
  std::string b;
  REQUIRE(BoundaryOf("multipart/mixed; boundary=-------314159265358979323846", &b).ok());
  CHECK(b == "-------314159265358979323846");
  REQUIRE(BoundaryOf("multipart/mixed;boundary=abc;charset=utf-8", &b).ok());
  CHECK(b == "abc");
  REQUIRE(BoundaryOf("multipart/mixed; charset=utf-8; BOUNDARY=\"a b:c\"", &b).ok());
  CHECK(b == "a b:c");
  REQUIRE(BoundaryOf("multipart/mixed; boundary=\"q\\\"x\"", &b).IsInvalidArgument());  // '"'
}

TEST_CASE("RFC 2046 5.1.1: a missing or invalid boundary parameter is rejected", "[multipart]") {
  std::string b;
  CHECK(BoundaryOf("multipart/mixed", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed;", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=\"\"", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=\"unterminated", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=a; boundary=b", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=" + std::string(71, 'x'), &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=\"ends with space \"", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; boundary=a b", &b).IsInvalidArgument());
  CHECK(BoundaryOf("multipart/mixed; =x", &b).IsInvalidArgument());
}

TEST_CASE("RFC 2046 5.1.1: parts with headers and bodies, CRLF line ends", "[multipart]") {
  std::string body =
      "--XyZ\r\n"
      "Content-Type: application/json\r\n"
      "\r\n"
      "{\"a\":1}\r\n"
      "--XyZ\r\n"
      "Content-Type:text/plain\r\n"
      "X-Experience-API-Hash:  abc  \r\n"
      "\r\n"
      "line one\r\nline two\r\n"
      "--XyZ--\r\n";
  auto parts = MustParse(body, "XyZ");
  REQUIRE(parts.size() == 2);
  CHECK(*parts[0].headers.Get("content-type") == "application/json");
  CHECK(parts[0].body == "{\"a\":1}");
  CHECK(*parts[1].headers.Get("Content-Type") == "text/plain");
  CHECK(*parts[1].headers.Get("x-experience-api-hash") == "abc");
  CHECK(parts[1].body == "line one\r\nline two");  // the CRLF before a delimiter belongs to it
}

TEST_CASE("RFC 2046 5.1.1: preamble, epilogue, padding and a headerless part", "[multipart]") {
  std::string body =
      "This is the preamble.\r\n"
      "--b \t\r\n"  // transport padding after the boundary
      "\r\n"
      "no headers\r\n"
      "--b--  and then an epilogue\r\nmore epilogue";
  auto parts = MustParse(body, "b");
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].headers.fields().empty());
  CHECK(parts[0].body == "no headers");

  // A leading CRLF and no CRLF after the close delimiter (the ADL suite's signed statements).
  parts = MustParse("\r\n--b\r\nContent-Type:application/json\r\n\r\n{}\r\n--b--", "b");
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].body == "{}");
}

TEST_CASE("RFC 2046 5.1.1: binary bodies and boundary look-alikes", "[multipart]") {
  const char raw[] = "\0\r\n--bo\r\n--bound\xff\r\n--boundaryX\r\n";
  std::string data(raw, sizeof raw - 1);
  std::string body = "--boundary\r\n\r\n" + data + "\r\n--boundary--\r\n";
  auto parts = MustParse(body, "boundary");
  REQUIRE(parts.size() == 1);
  CHECK(parts[0].body == data);

  // Empty bodies.
  parts = MustParse("--b\r\nA: 1\r\n\r\n\r\n--b\r\n\r\n\r\n--b--", "b");
  REQUIRE(parts.size() == 2);
  CHECK(parts[0].body.empty());
  CHECK(parts[1].body.empty());
}

TEST_CASE("RFC 2046 5.1.1: folded header lines continue the previous field", "[multipart]") {
  auto parts = MustParse("--b\r\nX-Long: one\r\n two\r\n\r\nx\r\n--b--", "b");
  REQUIRE(parts.size() == 1);
  CHECK(*parts[0].headers.Get("X-Long") == "one two");
}

TEST_CASE("RFC 2046 5.1.1: a folded value is trimmed like any other (found by multipart_fuzz)",
          "[multipart]") {
  // An empty first line or an empty continuation line used to leave a space
  // at the edge of the value, which a written copy then lost.
  auto parts = MustParse(
      "--b\r\nContent-Type:\r\n application/json\r\nX-A: one\r\n \t\r\nX-B:\r\n \r\n\r\n"
      "x\r\n--b--",
      "b");
  REQUIRE(parts.size() == 1);
  CHECK(*parts[0].headers.Get("Content-Type") == "application/json");
  CHECK(*parts[0].headers.Get("X-A") == "one");
  CHECK(*parts[0].headers.Get("X-B") == "");
  std::string out;
  const std::string boundary = WriteMultipartSafe(parts, &out);
  auto again = MustParse(out, boundary);
  REQUIRE(again.size() == 1);
  CHECK(again[0].headers.fields() == parts[0].headers.fields());
}

TEST_CASE("RFC 2046 5.1.1: malformed multipart bodies are rejected", "[multipart]") {
  // No delimiter at all, or only in the middle of a line.
  CHECK(ParseStatus("Content-Type: application/json\r\n\r\n{}", "b").IsInvalidArgument());
  // "x--b" is preamble, so the only delimiter is the close one: no parts.
  CHECK(ParseStatus("x--b\r\n\r\n{}\r\n--b--", "b").IsInvalidArgument());
  CHECK(ParseStatus("x--b\r\n\r\n{}", "b").IsInvalidArgument());
  // Close delimiter missing (truncated body).
  CHECK(ParseStatus("--b\r\n\r\n{}\r\n", "b").IsInvalidArgument());
  CHECK(ParseStatus("--b\r\n\r\n{}\r\n--b\r\n\r\n", "b").IsInvalidArgument());
  // No parts.
  CHECK(ParseStatus("--b--\r\n", "b").IsInvalidArgument());
  // Delimiter line with garbage after the boundary.
  CHECK(ParseStatus("--bX\r\n\r\n{}\r\n--b--", "b").IsInvalidArgument());
  // Header block without its empty line, header line without a colon, bad names.
  CHECK(ParseStatus("--b\r\nContent-Type: a/b", "b").IsInvalidArgument());
  CHECK(ParseStatus("--b\r\nno colon here\r\n\r\nx\r\n--b--", "b").IsInvalidArgument());
  CHECK(ParseStatus("--b\r\n: empty name\r\n\r\nx\r\n--b--", "b").IsInvalidArgument());
  CHECK(ParseStatus("--b\r\nBad Name: v\r\n\r\nx\r\n--b--", "b").IsInvalidArgument());
  CHECK(ParseStatus("--b\r\n continuation first\r\n\r\nx\r\n--b--", "b").IsInvalidArgument());
  // A bare LF inside a header line.
  CHECK(ParseStatus("--b\r\nA: 1\nB: 2\r\n\r\nx\r\n--b--", "b").IsInvalidArgument());
  // Bare-LF line ends are not delimiters.
  CHECK(ParseStatus("--b\n\n{}\n--b--\n", "b").IsInvalidArgument());
  CHECK(ParseStatus("", "b").IsInvalidArgument());
  CHECK(ParseStatus("--b\r\n\r\nx\r\n--b--", "").IsInvalidArgument());
}

TEST_CASE("Multipart limits: parts, header bytes and fields", "[multipart]") {
  MultipartLimits limits;
  limits.max_parts = 2;
  std::string three = "--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--";
  CHECK(ParseStatus(three, "b", limits).code() == Status::Code::kTooLarge);
  limits = MultipartLimits();
  limits.max_header_bytes = 32;
  const std::string long_header = "--b\r\nX: " + std::string(64, 'v') + "\r\n\r\nx\r\n--b--";
  CHECK(ParseStatus(long_header, "b", limits).code() == Status::Code::kTooLarge);
  limits = MultipartLimits();
  limits.max_header_fields = 2;
  CHECK(ParseStatus("--b\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\nx\r\n--b--", "b", limits).code() ==
        Status::Code::kTooLarge);
}

TEST_CASE("Multipart writer: output parses back to the same parts", "[multipart]") {
  std::vector<MultipartPart> parts(2);
  parts[0].headers.Set("Content-Type", "application/json");
  parts[0].body = "{\"statements\":[]}";
  const char raw[] = "\0\xff\r\n--\r\n";
  std::string binary(raw, sizeof raw - 1);
  parts[1].headers.Set("Content-Type", "application/octet-stream");
  parts[1].headers.Set("Content-Transfer-Encoding", "binary");
  parts[1].body = binary;
  std::string out;
  std::string boundary = WriteMultipartSafe(parts, &out);
  CHECK(boundary.size() <= 70);
  CHECK(out.substr(0, boundary.size() + 4) == "--" + boundary + "\r\n");
  CHECK(out.substr(out.size() - boundary.size() - 6) == "--" + boundary + "--\r\n");
  std::string ct = "multipart/mixed; boundary=" + boundary;
  std::string parsed_boundary;
  REQUIRE(BoundaryOf(ct, &parsed_boundary).ok());
  auto back = MustParse(out, parsed_boundary);
  REQUIRE(back.size() == 2);
  CHECK(back[0].body == parts[0].body);
  CHECK(back[1].body == binary);
  CHECK(*back[1].headers.Get("Content-Transfer-Encoding") == "binary");
  CHECK(NewBoundary() != NewBoundary());
}

}  // namespace
}  // namespace lrs::http
