// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Helpers for the statement resource tests: an XapiService on a temporary
// store called without sockets, request builders, multipart bodies.

#ifndef LRS_TESTS_API_STATEMENTS_TEST_UTIL_H_
#define LRS_TESTS_API_STATEMENTS_TEST_UTIL_H_

#include <openssl/sha.h>

#include <string>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/http/multipart.h"
#include "lrs/json/json.h"
#include "tests/support/test_util.h"

namespace lrs::testing {

inline constexpr const char* kVerb = "http://adlnet.gov/expapi/verbs/completed";
inline constexpr const char* kActivity = "http://example.com/activities/1";

inline std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static const char* kHex = "0123456789abcdef";
  std::string s;
  for (unsigned char c : md) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

// An attachment object for raw data (no fileUrl).
inline std::string AttachmentJson(std::string_view data,
                                  std::string_view content_type = "text/plain",
                                  std::string_view usage = "http://example.com/usage/test") {
  return "{\"usageType\":\"" + std::string(usage) +
         "\",\"display\":{\"en-US\":\"att\"},\"contentType\":\"" + std::string(content_type) +
         "\",\"length\":" + std::to_string(data.size()) + ",\"sha2\":\"" + Sha256Hex(data) + "\"}";
}

struct Part {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// A multipart/mixed body with boundary "B0undary": the statements part,
// then `parts`.
inline std::string MultipartBody(const std::string& json, const std::vector<Part>& parts) {
  std::string out = "--B0undary\r\nContent-Type: application/json\r\n\r\n" + json + "\r\n";
  for (const auto& p : parts) {
    out += "--B0undary\r\n";
    for (const auto& [k, v] : p.headers) out += k + ": " + v + "\r\n";
    out += "\r\n" + p.body + "\r\n";
  }
  return out + "--B0undary--\r\n";
}
inline const char* kMultipartType = "multipart/mixed; boundary=B0undary";

// An attachment data part as the spec describes it.
inline Part DataPart(const std::string& data, const std::string& content_type = "text/plain") {
  return Part{{{"Content-Type", content_type},
               {"Content-Transfer-Encoding", "binary"},
               {"X-Experience-API-Hash", Sha256Hex(data)}},
              data};
}

// An LRS endpoint at /xapi over a temporary store.
class Lrs {
 public:
  Lrs() : service_(ts_.store.get(), api::ServiceOptions{"/xapi"}) {
    who.scopes = auth::kAll;
    who.authority_json = Agent("lrs-client@example.com", "Test client");
  }

  // `target` is "statements?query" below /xapi.
  http::Response Call(const std::string& method, const std::string& target,
                      const std::string& body = "",
                      std::vector<std::pair<std::string, std::string>> headers = {},
                      const std::string& version = "2.0.0") {
    http::Request req;
    req.method = method;
    std::string t = "/xapi/" + target;
    if (auto q = t.find('?'); q != std::string::npos) {
      req.path = t.substr(0, q);
      req.query = t.substr(q + 1);
    } else {
      req.path = t;
    }
    if (!version.empty()) req.headers.Set("X-Experience-API-Version", version);
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      req.headers.Add(k, v);
      has_type = has_type || http::EqualsIgnoreCase(k, "Content-Type");
    }
    if (!body.empty() && !has_type) req.headers.Set("Content-Type", "application/json");
    req.body = body;
    return service_.Handle(req, who);
  }

  // POSTs statements (JSON); returns the ids.
  std::vector<std::string> Post(const std::string& json) {
    http::Response r = Call("POST", "statements", json);
    INFO(r.body);
    REQUIRE(r.status == 200);
    json::Document d;
    REQUIRE(json::Parse(r.body, &d).ok());
    std::vector<std::string> ids;
    for (const auto& v : d.GetArray()) ids.emplace_back(v.GetString());
    return ids;
  }

  Store* store() { return ts_.store.get(); }
  auth::Principal who;

 private:
  TestStore ts_;
  api::XapiService service_;
};

inline json::Document ParseJson(std::string_view text) {
  json::Document d;
  Status s = json::Parse(text, &d);
  INFO(s.ToString() << " in " << text);
  REQUIRE(s.ok());
  return d;
}

// Splits a multipart response into its parts (the body must outlive them).
inline std::vector<http::MultipartPart> ResponseParts(const http::Response& r) {
  std::string boundary;
  auto ct = r.headers.Get("Content-Type");
  REQUIRE(ct);
  REQUIRE(ct->substr(0, 17) == "multipart/mixed; ");
  REQUIRE(http::BoundaryOf(*ct, &boundary).ok());
  std::vector<http::MultipartPart> parts;
  Status s = http::ParseMultipart(r.body, boundary, &parts);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return parts;
}

}  // namespace lrs::testing

#endif  // LRS_TESTS_API_STATEMENTS_TEST_UTIL_H_
