// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The 1.0.3 alternate request syntax (xAPI Communication 1.3): decoding a
// form POST into the request it stands for, and what it refuses.

#include <catch2/catch.hpp>

#include "lrs/api/service.h"

namespace lrs {
namespace {

http::Request FormPost(std::string path, std::string query, std::string body) {
  http::Request req;
  req.method = "POST";
  req.path = std::move(path);
  req.query = std::move(query);
  req.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  req.body = std::move(body);
  return req;
}

TEST_CASE("Communication 1.3: form parameters become headers, parameters and content",
          "[alternate-syntax]") {
  http::Request req =
      FormPost("/xapi/activities/state", "method=PUT",
               "X-Experience-API-Version=1.0.3&Content-Type=text%2Fplain&If-Match=%22abc%22"
               "&stateId=s1&content=hello+world");
  REQUIRE(api::DecodeAlternateSyntax(&req).ok());
  CHECK(req.method == "PUT");
  CHECK(req.query == "stateId=s1");
  CHECK(req.body == "hello world");
  CHECK(req.headers.Get("Content-Type") == "text/plain");
  CHECK(req.headers.Get("If-Match") == "\"abc\"");
  CHECK(req.headers.Get("X-Experience-API-Version") == "1.0.3");
}

TEST_CASE("Communication 1.3: a header parameter holding CR, LF or NUL is 400 (RFC 9110 5.5)",
          "[alternate-syntax]") {
  // Found by conformance/bad_input_test.py: a Content-Type with CRLF was
  // stored with a state document.
  for (const char* field : {"Content-Type=text%2Fplain%0D%0ASet-Cookie%3A+x%3D1",
                            "If-Match=%22abc%22%0ASet-Cookie%3A+x", "Content-Type=text%2Fplain%0D",
                            "Authorization=Basic+a2V5%00", "X-Experience-API-Version=1.0.3%0D%0A"}) {
    INFO(field);
    http::Request req = FormPost("/xapi/activities/state", "method=PUT",
                                 std::string(field) + "&stateId=s1&content=x");
    Status s = api::DecodeAlternateSyntax(&req);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("must not contain CR, LF or NUL") != std::string::npos);
  }
}

}  // namespace
}  // namespace lrs
