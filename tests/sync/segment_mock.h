// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// A loopback emulation of Segment's HTTP Tracking API batch endpoint (also
// RudderStack's): Basic auth by write key, 500 KB per request and 32 KB per
// message (400 beyond), all-or-nothing requests, de-duplication by
// messageId (applied messages kept in order), 429 with Retry-After and 500
// on demand. Shared by the connector test and the sync soak.

#ifndef LRS_TESTS_SYNC_SEGMENT_MOCK_H_
#define LRS_TESTS_SYNC_SEGMENT_MOCK_H_

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lrs/common/encoding.h"
#include "lrs/json/json.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync::testing {

class SegmentMock {
 public:
  static constexpr const char* kWriteKey = "wk_Zq3secret";
  static constexpr std::size_t kMaxRequest = 500 * 1024;
  static constexpr std::size_t kMaxMessage = 32 * 1024;

  std::atomic<int> fail_status{0};            // answer this to everything (0: behave)
  std::atomic<bool> fail_after_apply{false};  // apply, then answer 500
  std::string retry_after;                    // with fail_status

  std::string url() const { return server_.url() + "/v1/batch"; }
  const MockServer& server() const { return server_; }
  MockServer& server() { return server_; }
  // Messages applied (first time seen), in order.
  std::vector<std::string> applied() const {
    std::lock_guard<std::mutex> l(mu_);
    return applied_;
  }
  std::map<std::string, std::string> messages() const {  // messageId -> JSON
    std::lock_guard<std::mutex> l(mu_);
    return by_id_;
  }
  int duplicates() const {
    std::lock_guard<std::mutex> l(mu_);
    return duplicates_;
  }

 private:
  http::Response Handle(const Received& r) {
    if (r.method != "POST" || r.path != "/v1/batch") return testing::Json(404, "");
    const std::string auth = "Basic " + Base64Encode(std::string(kWriteKey) + ":");
    if (r.headers.Get("Authorization").value_or("") != auth)
      return testing::Json(401, R"({"success":false,"message":"invalid write key"})");
    if (int s = fail_status.load()) {
      http::Response resp = testing::Json(s, R"({"message":"try later"})");
      if (!retry_after.empty()) resp.headers.Set("Retry-After", retry_after);
      return resp;
    }
    if (r.body.size() > kMaxRequest)
      return testing::Json(400, R"({"success":false,"message":"request body too large"})");
    json::Document d;
    if (!json::Parse(r.body, &d).ok() || !d.IsObject() || !json::Member(d, "batch") ||
        !json::Member(d, "batch")->IsArray() || json::StringOr(d, "sentAt").empty())
      return testing::Json(400, R"({"success":false,"message":"invalid JSON"})");
    std::vector<std::pair<std::string, std::string>> msgs;
    for (const json::Value& m : json::Member(d, "batch")->GetArray()) {
      std::string text = json::Write(m);
      if (text.size() > kMaxMessage)
        return testing::Json(400, R"({"success":false,"message":"message too large"})");
      if (json::StringOr(m, "event") == "poison")
        return testing::Json(400, R"({"success":false,"message":"invalid event: poison"})");
      std::string id(json::StringOr(m, "messageId"));
      if (id.empty() || json::StringOr(m, "userId").empty())
        return testing::Json(400, R"({"success":false,"message":"missing messageId or userId"})");
      msgs.emplace_back(std::move(id), std::move(text));
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      for (auto& [id, text] : msgs) {
        if (by_id_.emplace(id, text).second) {
          applied_.push_back(id);
        } else {
          ++duplicates_;
        }
      }
    }
    if (fail_after_apply.load()) return testing::Json(500, "upstream timeout");
    return testing::Json(200, R"({"success":true})");
  }

  mutable std::mutex mu_;
  std::vector<std::string> applied_;  // messageIds, in the order first applied
  std::map<std::string, std::string> by_id_;
  int duplicates_ = 0;
  MockServer server_{[this](const Received& r) { return Handle(r); }};
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_SEGMENT_MOCK_H_
