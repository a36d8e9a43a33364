// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A loopback mock of HubSpot's contract as the HubSpot connector uses it:
// bearer auth, the {"status":"error",...} envelope, contact upsert by e-mail
// (idempotent), event occurrences de-duplicated by uuid (effects counted,
// in order), 207 partial failures, whole-batch 400s, and 429s by policy.
// Shared by the connector test and the sync soak.

#ifndef LRS_TESTS_SYNC_HUBSPOT_MOCK_H_
#define LRS_TESTS_SYNC_HUBSPOT_MOCK_H_

#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lrs/http/message.h"
#include "lrs/json/json.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync::testing {

// HubSpot as far as this connector sees it.
class HubSpotMock {
 public:
  static constexpr const char* kToken = "pat-na1-0000-SECRET-TOKEN";
  static constexpr const char* kEvent = "pe12345_course_completed";

  HubSpotMock() : server_([this](const Received& r) { return Handle(r); }) {}
  // What the connector sent against the contract (checked here, on the test
  // thread: Catch2 assertions are not thread-safe).
  ~HubSpotMock() { CHECK(violations == std::vector<std::string>{}); }
  std::string url() const { return server_.url(); }
  MockServer& server() { return server_; }
  std::size_t requests(const std::string& path) const {
    std::size_t n = 0;
    for (const auto& r : server_.received()) n += r.path == path;
    return n;
  }
  std::vector<Received> received() const { return server_.received(); }

  // Knobs (set before Deliver).
  std::string policy;       // next request: 429 with this policyName
  std::string retry_after;  // ... and this Retry-After
  int fail_status = 0;      // next request: this status
  bool batch_400 = false;   // a batch holding an invalid event: 400 for all of it
  bool untied = false;      // 207 errors without context
  // A uuid seen before: 0 accepted silently, 207 or 409 refused as a
  // duplicate (HubSpot: "the first will be accepted and all others will be
  // rejected").
  int duplicate_status = 0;
  std::set<std::string> invalid_uuids, flaky_uuids, invalid_emails;
  // Any other event input HubSpot refuses: the error category for it
  // ("VALIDATION_ERROR", "INTERNAL_ERROR"...) or empty to take it. Called
  // with `mu` held.
  std::function<std::string(const json::Value& input)> refuse;

  // Effects.
  std::mutex mu;
  std::map<std::string, std::string> contacts;       // lowercased e-mail -> id
  std::map<std::string, std::string> contact_props;  // e-mail -> last properties JSON
  std::map<std::string, std::string> events;         // uuid -> the input as received
  std::vector<std::string> event_order;              // uuids, in the order first accepted
  int duplicates = 0;
  std::vector<std::string> violations;

  // HubSpot's 429 for a rate-limit policy (SECONDLY, TEN_SECONDLY_ROLLING,
  // DAILY), with Retry-After unless empty.
  static http::Response RateLimited(const std::string& policy, const std::string& retry_after) {
    http::Response resp =
        Json(429, R"({"status":"error","message":"You have reached your )" + Lower(policy) +
                      R"( limit.","errorType":"RATE_LIMIT",)"
                      R"("correlationId":"c0","policyName":")" +
                      policy + "\"}");
    if (!retry_after.empty()) resp.headers.Set("Retry-After", retry_after);
    return resp;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  static bool IsUuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash != (s[i] == '-')) return false;
      if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
  }

  static http::Response Envelope(int status, const std::string& category,
                                 const std::string& message) {
    return Json(status,
                R"({"status":"error","message":")" + message +
                    R"(","correlationId":"6b1c0a3e-0000-4000-8000-000000000001","category":")" +
                    category + "\"}");
  }

  void Expect(bool ok, const std::string& what) {
    if (!ok) violations.push_back(what);
  }

  http::Response Handle(const Received& r) {
    std::lock_guard<std::mutex> l(mu);
    if (r.headers.Get("Authorization").value_or("") != std::string("Bearer ") + kToken)
      return Envelope(401, "INVALID_AUTHENTICATION", "Authentication credentials not found.");
    if (fail_status) {
      int s = std::exchange(fail_status, 0);
      http::Response resp = s == 403 ? Envelope(403, "MISSING_SCOPES", "This app lacks scopes")
                                     : Envelope(s, "INTERNAL_ERROR", "internal error");
      if (!retry_after.empty()) resp.headers.Set("Retry-After", std::exchange(retry_after, ""));
      return resp;
    }
    if (!policy.empty())
      return RateLimited(std::exchange(policy, ""), std::exchange(retry_after, ""));
    json::Document d;
    if (r.method != "POST" || !json::Parse(r.body, &d).ok() || !d.IsObject() ||
        !json::Member(d, "inputs") || !json::Member(d, "inputs")->IsArray())
      return Envelope(400, "VALIDATION_ERROR", "Invalid input JSON");
    const json::Value& inputs = *json::Member(d, "inputs");
    if (r.path == "/crm/v3/objects/contacts/batch/upsert") return Upsert(inputs);
    if (r.path == "/events/v3/send/batch") return Events(inputs);
    return Envelope(404, "OBJECT_NOT_FOUND", "Not found");
  }

  http::Response Upsert(const json::Value& inputs) {
    if (inputs.Size() > 100) return Envelope(400, "VALIDATION_ERROR", "Batch limit is 100");
    std::string results, errors;
    int nerr = 0;
    for (const json::Value& in : inputs.GetArray()) {
      Expect(json::StringOr(in, "idProperty") == "email", "idProperty is not email");
      std::string email = Lower(std::string(json::StringOr(in, "id")));
      if (invalid_emails.count(email)) {
        errors +=
            std::string(nerr++ ? "," : "") +
            R"({"status":"error","category":"VALIDATION_ERROR","message":"Property values were not valid: email","context":{"ids":[")" +
            email + "\"]}}";
        continue;
      }
      bool fresh = !contacts.count(email);
      if (fresh) contacts[email] = std::to_string(500 + contacts.size());
      const json::Value* props = json::Member(in, "properties");
      Expect(props && props->IsObject(), "contact properties");
      contact_props[email] = props ? json::Write(*props) : "";
      if (!results.empty()) results += ',';
      results += R"({"id":")" + contacts[email] + R"(","new":)" + (fresh ? "true" : "false") +
                 R"(,"properties":{"email":")" + email + "\"}}";
    }
    std::string body = R"({"status":"COMPLETE","results":[)" + results + "]";
    if (nerr) body += R"(,"numErrors":)" + std::to_string(nerr) + R"(,"errors":[)" + errors + "]";
    return Json(nerr ? 207 : 200, body + "}");
  }

  http::Response Events(const json::Value& inputs) {
    std::string errors;
    int nerr = 0;
    if (batch_400 && inputs.Size() > 1) {
      for (const json::Value& in : inputs.GetArray()) {
        if (invalid_uuids.count(std::string(json::StringOr(in, "uuid"))))
          return Envelope(400, "VALIDATION_ERROR", "Some event inputs are invalid");
      }
    }
    for (const json::Value& in : inputs.GetArray()) {
      std::string uuid(json::StringOr(in, "uuid"));
      Expect(IsUuid(uuid), "uuid not 8-4-4-4-12: " + uuid);
      Expect(json::StringOr(in, "eventName") == kEvent, "eventName");
      Expect(!json::StringOr(in, "email").empty(), "no email");
      Expect(json::StringOr(in, "occurredAt").size() == 24, "occurredAt");  // ...00.000Z
      Expect(json::Member(in, "properties") && json::Member(in, "properties")->IsObject(),
             "properties");
      std::string category = invalid_uuids.count(uuid) ? "VALIDATION_ERROR"
                             : flaky_uuids.count(uuid) ? "INTERNAL_ERROR"
                             : refuse                  ? refuse(in)
                                                       : "";
      if (!category.empty()) {
        if (batch_400) return Envelope(400, category, "Property course_score is not a number");
        errors += std::string(nerr++ ? "," : "") + R"({"status":"error","category":")" + category +
                  R"(","message":"occurrence refused: )" + category + "\"" +
                  (untied ? std::string() : R"(,"context":{"uuid":[")" + uuid + "\"]}") + "}";
        continue;
      }
      if (events.count(uuid)) {
        ++duplicates;
        if (duplicate_status == 409 && inputs.Size() == 1)
          return Envelope(409, "CONFLICT", "Event occurrence " + uuid + " already exists");
        if (duplicate_status) {
          errors += std::string(nerr++ ? "," : "") +
                    R"({"status":"error","category":"CONFLICT","message":"duplicate uuid",)"
                    R"("context":{"uuid":[")" +
                    uuid + R"("]}})";
        }
      } else {
        events[uuid] = json::Write(in);
        event_order.push_back(uuid);
      }
    }
    if (!nerr) {
      http::Response resp;
      resp.status = 204;
      return resp;
    }
    return Json(207, R"({"status":"COMPLETE","results":[],"numErrors":)" + std::to_string(nerr) +
                         R"(,"errors":[)" + errors + "]}");
  }

  MockServer server_;
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_HUBSPOT_MOCK_H_
