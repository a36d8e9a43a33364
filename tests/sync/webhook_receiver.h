// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Receiver side of Standard Webhooks 1.0 for tests: signature verification
// written independently of the connector's code (OpenSSL; checked against
// the spec libraries' published test vector in webhook_connector_test.cc),
// and a loopback receiver that applies each message once per webhook-id, as
// the spec asks receivers to. Shared by the connector test and the sync
// soak.

#ifndef LRS_TESTS_SYNC_WEBHOOK_RECEIVER_H_
#define LRS_TESTS_SYNC_WEBHOOK_RECEIVER_H_

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "lrs/json/json.h"
#include "tests/sync/sync_test_util.h"

namespace lrs::sync::testing {

// The key bytes of a "whsec_<base64>" secret; empty when malformed.
inline std::string DecodeWebhookKey(const std::string& secret) {
  if (secret.rfind("whsec_", 0) != 0) return {};
  std::string b64 = secret.substr(6);
  std::string out(b64.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return {};
  out.resize(static_cast<std::size_t>(n));
  while (!b64.empty() && b64.back() == '=') {  // EVP_DecodeBlock keeps pad bytes
    b64.pop_back();
    out.pop_back();
  }
  return out;
}

// "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)).
inline std::string WebhookSignature(const std::string& secret, const std::string& id,
                                    const std::string& ts, const std::string& body) {
  const std::string key = DecodeWebhookKey(secret);
  const std::string content = id + "." + ts + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &len);
  std::string b64(4 * ((len + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), mac, static_cast<int>(len));
  b64.resize(static_cast<std::size_t>(n));
  return "v1," + b64;
}

inline bool VerifyWebhook(const Received& r, const std::string& secret) {
  auto id = r.headers.Get("webhook-id"), ts = r.headers.Get("webhook-timestamp"),
       sig = r.headers.Get("webhook-signature");
  if (!id || !ts || !sig) return false;
  return std::string(*sig) == WebhookSignature(secret, std::string(*id), std::string(*ts), r.body);
}

// A webhook endpoint (POST <url>/hook) that checks signatures and applies
// each message once: a repeated webhook-id is answered 200 without effect.
class WebhookReceiver {
 public:
  // What becomes of a message before it is applied.
  struct Verdict {
    int status = 0;      // 0: apply it (answer 200); else answer this status
    bool abort = false;  // with "webhook-delivery: abort-message"
  };

  explicit WebhookReceiver(std::string secret)
      : secret_(std::move(secret)), server_([this](const Received& r) { return Handle(r); }) {}

  std::string url() const { return server_.url() + "/hook"; }
  MockServer& server() { return server_; }

  // Knob: the verdict on a message not applied yet (its parsed body and
  // webhook-id); unset applies everything. Called with `mu` held.
  std::function<Verdict(const json::Value& body, const std::string& id)> judge;

  // Effects.
  std::mutex mu;
  std::map<std::string, std::string> messages;  // webhook-id -> body
  std::vector<std::string> order;               // webhook-ids, in the order applied
  int duplicates = 0;
  std::vector<std::string> violations;  // bad signatures, malformed messages

 private:
  http::Response Handle(const Received& r) {
    std::lock_guard<std::mutex> l(mu);
    if (r.method != "POST" || r.path != "/hook") return Json(404, "");
    if (!VerifyWebhook(r, secret_)) {
      violations.push_back("bad signature");
      return Json(401, R"({"error":"bad signature"})");
    }
    const std::string id(r.headers.Get("webhook-id").value_or(""));
    if (messages.count(id)) {
      ++duplicates;
      return Json(200, "");
    }
    json::Document d;
    if (!json::Parse(r.body, &d).ok() || !d.IsObject() || !json::Member(d, "data")) {
      violations.push_back("malformed message " + id);
      return Json(400, "");
    }
    if (judge) {
      Verdict v = judge(d, id);
      if (v.status) {
        http::Response resp = Json(v.status, R"({"error":"refused"})");
        if (v.abort) resp.headers.Set("webhook-delivery", "abort-message");
        return resp;
      }
    }
    messages[id] = r.body;
    order.push_back(id);
    return Json(200, "");
  }

  std::string secret_;
  MockServer server_;  // last: stops before the state above goes
};

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_WEBHOOK_RECEIVER_H_
