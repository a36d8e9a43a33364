// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A loopback mock of Marketo's contract as the Marketo connector uses it:
// the identity endpoint (1-hour tokens on the given clock; the same token
// comes back while it is valid), HTTP 200 + {"success":false,"errors":[..]}
// envelopes, leads createOrUpdate by e-mail, custom activities (not
// de-duplicated, as Marketo does not: effects counted, in order), and
// per-record "skipped" reasons. Shared by the connector test and the sync
// soak.

#ifndef LRS_TESTS_SYNC_MARKETO_MOCK_H_
#define LRS_TESTS_SYNC_MARKETO_MOCK_H_

#include <cctype>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "lrs/clock.h"
#include "lrs/http/message.h"
#include "lrs/json/json.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync::testing {

// Marketo as far as this connector sees it.
class MarketoMock {
 public:
  static constexpr const char* kClientId = "a1b2c3-client";
  static constexpr const char* kSecret = "S3cr3t&Value=+";
  static constexpr std::int64_t kTypeId = 100001;
  static constexpr std::int64_t kHourUs = 3'600'000'000LL;

  explicit MarketoMock(Clock* clock)
      : clock_(clock), server_([this](const Received& r) { return Handle(r); }) {}
  ~MarketoMock() { CHECK(violations == std::vector<std::string>{}); }
  std::string url() const { return server_.url(); }
  MockServer& server() { return server_; }
  std::vector<Received> received() const { return server_.received(); }
  std::size_t requests(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& r : server_.received()) n += r.path == path;
    return n;
  }

  // Knobs (set before Deliver).
  std::deque<std::string> codes;     // the next REST calls fail with these codes
  std::set<std::string> bad_emails;  // leads skipped: 1003
  std::set<std::string> bad_values;  // a primaryAttributeValue Marketo refuses: 709
  bool revoke = false;               // drop every token now (next REST call: 601)
  int stall_ms = 0;                  // after recording activities, wait this long

  // Effects.
  std::mutex mu;
  int identity_calls = 0;
  std::map<std::string, std::int64_t> tokens;  // token -> expiry (us)
  std::map<std::string, std::int64_t> leads;   // lowercased e-mail -> id
  std::set<std::int64_t> deleted;              // lead ids merged away
  std::vector<std::string> activities;         // added, as received
  std::map<std::string, int> per_value;        // primaryAttributeValue -> times added
  std::vector<std::string> violations;

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  static http::Response Fail(const std::string& code, const std::string& msg) {
    return Json(200, R"({"requestId":"e42b#14272d07d78","success":false,"errors":[{"code":")" +
                         code + R"(","message":")" + msg + "\"}]}");
  }

  void Expect(bool ok, const std::string& what) {
    if (!ok) violations.push_back(what);
  }

  http::Response Handle(const Received& r) {
    std::lock_guard<std::mutex> l(mu);
    const std::int64_t now = clock_->NowMicros();
    if (r.path == "/identity/oauth/token") return Identity(r, now);
    Expect(r.query.find("access_token") == std::string::npos, "token in the query");
    std::string auth(r.headers.Get("Authorization").value_or(""));
    std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
    if (revoke) {
      tokens.clear();
      revoke = false;
    }
    auto t = tokens.find(token);
    if (t == tokens.end()) return Fail("601", "Access token invalid");
    if (now >= t->second) return Fail("602", "Access token expired");
    if (!codes.empty()) {
      std::string c = codes.front();
      codes.pop_front();
      return Fail(c, "error " + c);
    }
    json::Document d;
    if (r.method != "POST" || !json::Parse(r.body, &d).ok() || !d.IsObject() ||
        !json::Member(d, "input") || !json::Member(d, "input")->IsArray())
      return Fail("609", "Invalid JSON");
    const json::Value& input = *json::Member(d, "input");
    if (input.Size() > 300) return Fail("1003", "Batch too large");
    if (r.path == "/rest/v1/leads.json") return Leads(d, input);
    if (r.path == "/rest/v1/activities/external.json") return Activities(input);
    return Fail("610", "Requested resource not found");
  }

  http::Response Identity(const Received& r, std::int64_t now) {
    ++identity_calls;
    std::vector<std::pair<std::string, std::string>> q;
    Expect(r.method == "GET", "identity method");
    Expect(http::ParseForm(r.query, &q), "identity query");
    std::map<std::string, std::string> m(q.begin(), q.end());
    if (m["grant_type"] != "client_credentials" || m["client_id"] != kClientId ||
        m["client_secret"] != kSecret)
      return Json(401, R"({"error":"unauthorized","error_description":"Bad client credentials"})");
    // The same token comes back while it is valid, with its remaining life.
    for (const auto& [tok, exp] : tokens) {
      if (now < exp) {
        return Json(200, R"({"access_token":")" + tok + R"(","token_type":"bearer","expires_in":)" +
                             std::to_string((exp - now) / 1000000) + R"(,"scope":"api@x.com"})");
      }
    }
    std::string tok = "tok-" + std::to_string(identity_calls) + ":ab";
    tokens[tok] = now + kHourUs;
    return Json(200, R"({"access_token":")" + tok +
                         R"(","token_type":"bearer","expires_in":3599,"scope":"api@x.com"})");
  }

  http::Response Leads(const json::Document& d, const json::Value& input) {
    Expect(json::StringOr(d, "action") == "createOrUpdate", "action");
    Expect(json::StringOr(d, "lookupField") == "email", "lookupField");
    std::set<std::string> seen;
    std::string result;
    for (const json::Value& lead : input.GetArray()) {
      std::string email = Lower(std::string(json::StringOr(lead, "email")));
      Expect(seen.insert(email).second, "duplicate e-mail in one call: " + email);
      if (!result.empty()) result += ',';
      if (bad_emails.count(email)) {
        result += R"({"status":"skipped","reasons":[{"code":"1003","message":"Invalid email"}]})";
        continue;
      }
      bool fresh = !leads.count(email);
      if (fresh) leads[email] = next_lead_++;
      result += R"({"id":)" + std::to_string(leads[email]) + R"(,"status":")" +
                (fresh ? "created" : "updated") + "\"}";
    }
    return Json(200, R"({"requestId":"1#1","success":true,"result":[)" + result + "]}");
  }

  http::Response Activities(const json::Value& input) {
    for (const json::Value& a : input.GetArray()) {
      if (bad_values.count(std::string(json::StringOr(a, "primaryAttributeValue"))))
        return Fail("709", "Business rule violation: primary attribute value");
    }
    std::string result;
    for (const json::Value& a : input.GetArray()) {
      const json::Value* lead = json::Member(a, "leadId");
      const json::Value* type = json::Member(a, "activityTypeId");
      Expect(type && type->IsInt64() && type->GetInt64() == kTypeId, "activityTypeId");
      Expect(json::StringOr(a, "activityDate").size() == 24, "activityDate");
      Expect(json::Member(a, "attributes") && json::Member(a, "attributes")->IsArray(),
             "attributes");
      bool known = false;
      for (const auto& [e, id] : leads)
        known = known || (lead && lead->IsInt64() && lead->GetInt64() == id);
      if (!result.empty()) result += ',';
      if (!known || deleted.count(lead->GetInt64())) {
        result += R"({"status":"skipped","reasons":[{"code":"1004","message":"Lead not found"}]})";
        continue;
      }
      activities.push_back(json::Write(a));
      ++per_value[std::string(json::StringOr(a, "primaryAttributeValue"))];
      result += R"({"id":)" + std::to_string(activities.size()) + R"(,"status":"added"})";
    }
    if (stall_ms)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::exchange(stall_ms, 0)));
    return Json(200, R"({"requestId":"2#2","success":true,"result":[)" + result + "]}");
  }

  Clock* clock_;
  std::int64_t next_lead_ = 1000;
  MockServer server_;
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_MARKETO_MOCK_H_
