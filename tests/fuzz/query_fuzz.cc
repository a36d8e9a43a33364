// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// libFuzzer target for request parameters: the form/query decoding
// (lrs/http/message.h ParseForm), the parameters of every xAPI resource read
// through lrs::api::XapiService (statement queries: agent JSON, verb,
// activity, registration, since/until, limit, format, attachments,
// ascending, related_*, statementId, `more` tokens; the document, agents,
// activities and about resources), and the 1.0.3 alternate request syntax
// (DecodeAlternateSyntax). The service runs over a small store in a
// temporary directory, filled once; only GET and HEAD reach it, so every
// input sees the same data.
//
// Input: "QUERY\nACCEPT-LANGUAGE\nFORM-BODY" (the later lines optional).
// Invariants:
//  - ParseForm round-trips: what it decodes, encoded again, decodes the same;
//  - a read never fails on the server side: 200, 400, 404 or 413; an error
//    carries a JSON body with a message, and a 400 is an InvalidArgument;
//    a JSON body (errors included) is valid UTF-8 JSON whatever bytes the
//    request held;
//  - the alternate syntax fails only with InvalidArgument and a message, and
//    a request it rewrote has a well-formed query.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/api/service.h"
#include "lrs/http/message.h"
#include "lrs/json/json.h"
#include "lrs/store.h"

namespace {

void Check(bool cond) {
  if (!cond) std::abort();
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kAgent =
    R"({"objectType":"Agent","name":"Ann","mbox":"mailto:ann@example.com"})";

// What the store holds: statements of several actors, verbs and activities,
// one voided, and one document of each kind.
constexpr std::string_view kStatements = R"([
{"id":"6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
 "actor":{"objectType":"Agent","name":"Ann","mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed","fr":"terminé"}},
 "object":{"objectType":"Activity","id":"http://example.com/activities/1",
           "definition":{"name":{"en-US":"Module 1"},"type":"http://adlnet.gov/expapi/activities/module"}},
 "result":{"success":true,"completion":true,"score":{"scaled":0.85},"duration":"PT1H2M"},
 "context":{"registration":"ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "contextActivities":{"parent":[{"id":"http://example.com/courses/42"}]}},
 "timestamp":"2026-03-01T10:11:12.345+01:00"},
{"id":"1a2b3c4d-0000-4000-8000-000000000001",
 "actor":{"objectType":"Agent","account":{"homePage":"https://lms.example.com","name":"bob"}},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/attempted","display":{"en-US":"attempted"}},
 "object":{"objectType":"Activity","id":"http://example.com/activities/2"},
 "timestamp":"2026-03-02T08:00:00Z"},
{"id":"1a2b3c4d-0000-4000-8000-000000000002",
 "actor":{"objectType":"Group","name":"Team","member":[
   {"objectType":"Agent","mbox":"mailto:ann@example.com"},
   {"objectType":"Agent","mbox_sha1sum":"ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}]},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/experienced","display":{"en-US":"experienced"}},
 "object":{"objectType":"SubStatement",
   "actor":{"objectType":"Agent","openid":"http://openid.example.com/carl"},
   "verb":{"id":"http://adlnet.gov/expapi/verbs/passed","display":{"en-US":"passed"}},
   "object":{"objectType":"Activity","id":"http://example.com/activities/1"}}},
{"id":"1a2b3c4d-0000-4000-8000-000000000003",
 "actor":{"objectType":"Agent","mbox":"mailto:ann@example.com"},
 "verb":{"id":"http://adlnet.gov/expapi/verbs/voided","display":{"en-US":"voided"}},
 "object":{"objectType":"StatementRef","id":"1a2b3c4d-0000-4000-8000-000000000001"}}
])";

struct Fixture {
  std::string dir;
  std::unique_ptr<lrs::Store> store;
  std::unique_ptr<lrs::api::XapiService> service;
  lrs::auth::Principal who;

  Fixture() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/lrs-query-fuzz-XXXXXX";
    Check(mkdtemp(pattern.data()) != nullptr);
    dir = pattern;
    lrs::Options options;
    options.sync = false;
    options.initial_map_size = std::size_t{8} << 20;
    Check(lrs::Store::Open(options, dir + "/store", &store).ok());
    service = std::make_unique<lrs::api::XapiService>(store.get(), lrs::api::ServiceOptions());
    who.store = "default";
    who.key = "fuzz";
    who.scopes = lrs::auth::kAll;
    who.authority_json =
        R"({"objectType":"Agent","name":"fuzz","account":{"homePage":"http://localhost/lrs/credentials","name":"fuzz"}})";
    Check(Call("POST", "statements", "", kStatements).status == 200);
    const std::string agent = lrs::http::UrlEncode(kAgent);
    const std::string activity = lrs::http::UrlEncode("http://example.com/activities/1");
    Check(Call("PUT", "activities/state",
               "activityId=" + activity + "&agent=" + agent + "&stateId=bookmark",
               R"({"page":3})")
              .status == 204);
    Check(Call("PUT", "activities/profile", "activityId=" + activity + "&profileId=p1",
               R"({"level":"hard"})")
              .status == 204);
    Check(Call("PUT", "agents/profile", "agent=" + agent + "&profileId=p2", R"({"theme":"dark"})")
              .status == 204);
  }
  ~Fixture() {
    service.reset();
    store.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  lrs::http::Response Call(std::string method, std::string_view resource, std::string query,
                           std::string_view body = {}, std::string_view version = "2.0.0",
                           std::string_view accept_language = {}) {
    lrs::http::Request req;
    req.method = std::move(method);
    req.path = "/xapi/" + std::string(resource);
    req.query = std::move(query);
    req.headers.Set("X-Experience-API-Version", version);
    if (!accept_language.empty()) req.headers.Set("Accept-Language", accept_language);
    if (!body.empty()) {
      req.headers.Set("Content-Type", "application/json");
      req.headers.Set("If-None-Match", "*");
      req.body.assign(body);
    }
    return service->Handle(req, who);
  }
};

Fixture& TheFixture() {
  static Fixture f;
  return f;
}

// A read's answer: a success, or a client error with its JSON error body.
void CheckReadResponse(const lrs::http::Response& r) {
  bool ok = r.status == 200 || r.status == 400 || r.status == 404 || r.status == 413;
  if (ok && r.status != 200 && !r.body.empty()) {  // HEAD answers without a body
    lrs::json::Document d;
    const lrs::json::Value* err = nullptr;
    if (lrs::json::Parse(r.body, &d).ok() && d.IsObject()) err = lrs::json::Member(d, "error");
    ok = err != nullptr && err->IsObject() && !lrs::json::StringOr(*err, "message").empty() &&
         (r.status != 400 || lrs::json::StringOr(*err, "code") == "InvalidArgument");
  }
  if (ok && r.status == 200 && !r.body.empty() &&
      r.headers.Get("Content-Type").value_or("").substr(0, 16) == "application/json") {
    lrs::json::Document d;
    ok = lrs::json::Parse(r.body, &d).ok();
  }
  if (!ok) std::fprintf(stderr, "query_fuzz: HTTP %d %s\n", r.status, r.body.c_str());
  Check(ok);
}

void FormRoundTrip(std::string_view text) {
  Pairs pairs;
  if (!lrs::http::ParseForm(text, &pairs)) return;
  std::string encoded;
  for (const auto& [k, v] : pairs) {
    if (!encoded.empty()) encoded += '&';
    encoded += lrs::http::UrlEncode(k) + "=" + lrs::http::UrlEncode(v);
  }
  Pairs again;
  Check(lrs::http::ParseForm(encoded, &again));
  Check(again == pairs);
}

void AlternateSyntax(std::string_view query, std::string_view body) {
  Pairs original;
  bool has_method = false;
  if (lrs::http::ParseForm(query, &original)) {
    for (const auto& [k, v] : original) has_method = has_method || k == "method";
  }
  lrs::http::Request req;
  req.method = "POST";
  req.path = "/xapi/statements";
  req.query.assign(query);
  req.body.assign(body);
  req.headers.Set("Content-Type", "application/x-www-form-urlencoded");
  req.headers.Set("X-Experience-API-Version", "1.0.3");
  lrs::Status s = lrs::api::DecodeAlternateSyntax(&req);
  if (!s.ok()) {
    Check(s.IsInvalidArgument() && !s.message().empty());
    return;
  }
  if (!has_method) {  // not the alternate syntax: left as it was
    Check(req.method == "POST" && req.query == query && req.body == body);
    return;
  }
  Pairs params;
  Check(lrs::http::ParseForm(req.query, &params));
  for (const auto& [k, v] : params) Check(k != "content");
  if (req.method != "GET" && req.method != "HEAD") return;  // the store is not written
  CheckReadResponse(TheFixture().service->Handle(req, TheFixture().who));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string_view query = input.substr(0, input.find('\n'));
  std::string_view rest = query.size() < input.size() ? input.substr(query.size() + 1) : "";
  std::string_view accept_language = rest.substr(0, rest.find('\n'));
  std::string_view body =
      accept_language.size() < rest.size() ? rest.substr(accept_language.size() + 1) : "";

  FormRoundTrip(query);
  FormRoundTrip(body);

  Fixture& f = TheFixture();
  const std::string q(query);
  for (std::string_view resource :
       {"statements", "activities/state", "activities/profile", "agents/profile", "agents",
        "activities", "about"}) {
    CheckReadResponse(f.Call("GET", resource, q, {}, "2.0.0", accept_language));
  }
  CheckReadResponse(f.Call("GET", "statements", q, {}, "1.0.3", accept_language));
  CheckReadResponse(f.Call("HEAD", "statements", q, {}, "1.0.3", accept_language));

  AlternateSyntax(query, body);
  return 0;
}
