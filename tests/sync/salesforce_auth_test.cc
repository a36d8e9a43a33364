// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Salesforce OAuth: the JWT bearer assertion, refresh token rotation, the
// single-flight renewal and token endpoint errors, against the loopback
// mock of tests/sync/salesforce_mock.h.

#include "lrs/sync/salesforce_auth.h"

#include <thread>

#include "tests/sync/salesforce_mock.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::Ptrs;
using testing::SalesforceMock;
using testing::SfRecord;
using testing::SfSettings;
using testing::TestKey;

const TestKey& Key() {
  static const TestKey k = TestKey::Generate();
  return k;
}
const TestKey& OtherKey() {
  static const TestKey k = TestKey::Generate();
  return k;
}

std::string JsonString(std::string_view s) {
  json::Document d;
  d.SetString(s.data(), static_cast<rapidjson::SizeType>(s.size()), d.GetAllocator());
  return json::Write(d);
}

std::unique_ptr<Connector> MakeConnector(ConnectorHarness& h) {
  std::unique_ptr<Connector> c;
  Status s = NewSalesforceConnector(h.ctx, &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return c;
}

bool AllDelivered(const DeliveryResult& r, std::size_t n) {
  UNSCOPED_INFO("kind " << static_cast<int>(r.kind) << ": " << r.error);
  if (r.kind != DeliveryResult::Kind::kDone || r.records.size() != n) return false;
  for (const auto& x : r.records) {
    UNSCOPED_INFO("record: " << static_cast<int>(x.outcome) << " " << x.error);
    if (x.outcome != Outcome::kDelivered) return false;
  }
  return true;
}

// A StateStore whose writes of one key can be made to fail.
class FlakyState final : public StateStore {
 public:
  explicit FlakyState(StateStore* base) : base_(base) {}
  Status Get(std::string_view k, std::string* v) override { return base_->Get(k, v); }
  Status Put(std::string_view k, std::string_view v) override {
    if (k == fail_key) return Status::IOError("disk full");
    return base_->Put(k, v);
  }
  Status Delete(std::string_view k) override { return base_->Delete(k); }
  std::string fail_key;

 private:
  StateStore* base_;
};

TEST_CASE("salesforce auth: RS256 JWT verifies with the public key") {
  std::string jwt;
  REQUIRE(SignJwtRs256(Key().pem, R"({"iss":"x"})", &jwt).ok());
  const auto d1 = jwt.find('.'), d2 = jwt.rfind('.');
  CHECK(jwt.substr(0, d1) == "eyJhbGciOiJSUzI1NiJ9");
  std::string sig, claims;
  REQUIRE(testing::DecodeBase64Url(jwt.substr(d2 + 1), &sig));
  REQUIRE(testing::DecodeBase64Url(jwt.substr(d1 + 1, d2 - d1 - 1), &claims));
  CHECK(claims == R"({"iss":"x"})");
  CHECK(sig.size() == 256);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> md(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const std::string signed_part = jwt.substr(0, d2);
  REQUIRE(EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, Key().key.get()) == 1);
  CHECK(EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                         reinterpret_cast<const unsigned char*>(signed_part.data()),
                         signed_part.size()) == 1);
  CHECK(SignJwtRs256("-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n", "{}", &jwt)
            .IsInvalidArgument());
}

TEST_CASE("salesforce auth: JWT bearer flow with claims checked by the mock") {
  FakeClock clock;
  SalesforceMock::Options o;
  o.jwt_key = Key().key;
  SalesforceMock mock(o, &clock);
  ConnectorHarness h(SfSettings(mock, "jwt_bearer", ",\"private_key\":" + JsonString(Key().pem)),
                     &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1), SfRecord(2)};
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 2));
  REQUIRE(mock.token_requests() == 1);
  auto forms = mock.token_forms();
  std::map<std::string, std::string> form(forms[0].begin(), forms[0].end());
  CHECK(form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer");
  CHECK(form.count("client_secret") == 0);
  auto claims = mock.jwt_claims();
  REQUIRE(claims.size() == 1);
  json::Document d;
  REQUIRE(json::Parse(claims[0], &d).ok());
  CHECK(json::StringOr(d, "iss") == "3MVG9client");
  CHECK(json::StringOr(d, "sub") == "integration@example.com");
  CHECK(json::StringOr(d, "aud") == mock.url());
  CHECK(d["exp"].GetInt64() == clock.NowMicros() / 1000000 + 180);

  // A session the API drops is renewed with a fresh assertion (new exp).
  clock.Advance(3600LL * 1000000);
  mock.ExpireSessions();
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 2));
  CHECK(mock.token_requests() == 2);
  claims = mock.jwt_claims();
  REQUIRE(json::Parse(claims[1], &d).ok());
  CHECK(d["exp"].GetInt64() == clock.NowMicros() / 1000000 + 180);
}

TEST_CASE("salesforce auth: a JWT signed with the wrong key is refused without leaking it") {
  FakeClock clock;
  SalesforceMock::Options o;
  o.jwt_key = Key().key;
  SalesforceMock mock(o, &clock);
  ConnectorHarness h(
      SfSettings(mock, "jwt_bearer", ",\"private_key\":" + JsonString(OtherKey().pem)), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("invalid_grant") != std::string::npos);
  CHECK(r.error.find("invalid assertion signature") != std::string::npos);
  CHECK(r.error.find("PRIVATE KEY") == std::string::npos);
  CHECK(r.error.find("eyJ") == std::string::npos);  // no assertion
  CHECK(mock.api_calls() == 0);

  // With jwt_audience set, aud follows it.
  SalesforceMock::Options o2 = o;
  o2.jwt_audience = "https://test.salesforce.com";
  SalesforceMock sandbox(o2, &clock);
  ConnectorHarness h2(
      SfSettings(sandbox, "jwt_bearer",
                 ",\"jwt_audience\":\"https://test.salesforce.com\",\"private_key\":" +
                     JsonString(Key().pem)),
      &clock);
  auto c2 = MakeConnector(h2);
  REQUIRE(AllDelivered(c2->Deliver(Ptrs(recs)), 1));
}

TEST_CASE("salesforce auth: refresh token rotation persists each new token before use") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "refresh_token", R"(,"client_secret":"cs-very-secret")"),
                     &clock);
  // Each API call checks that the refresh token issued with its access
  // token ("at-N" with "rt-N") was durable first.
  std::atomic<int> calls{0}, violations{0};
  mock.OnApiCall([&](const std::string& at) {
    ++calls;
    std::string rt;
    const std::string n = at.substr(at.rfind('-') + 1);
    if (!h.state.Get("refresh_token", &rt).ok() || rt != "rt-" + n) ++violations;
  });
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
  auto forms = mock.token_forms();
  REQUIRE(forms.size() == 1);
  std::map<std::string, std::string> form(forms[0].begin(), forms[0].end());
  CHECK(form["grant_type"] == "refresh_token");
  CHECK(form["refresh_token"] == "rt-seed");
  CHECK(form["client_secret"] == "cs-very-secret");
  std::string v;
  REQUIRE(h.state.Get("refresh_token", &v).ok());
  CHECK(v == "rt-1");

  // The session expires: the next refresh uses the rotated token.
  mock.ExpireSessions();
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
  forms = mock.token_forms();
  REQUIRE(forms.size() == 2);
  form = std::map<std::string, std::string>(forms[1].begin(), forms[1].end());
  CHECK(form["refresh_token"] == "rt-1");
  REQUIRE(h.state.Get("refresh_token", &v).ok());
  CHECK(v == "rt-2");

  // After a restart the persisted token wins over the configured seed
  // (the mock revokes everything if a rotated-out token comes back).
  mock.ExpireSessions();
  auto restarted = MakeConnector(h);
  REQUIRE(AllDelivered(restarted->Deliver(Ptrs(recs)), 1));
  forms = mock.token_forms();
  REQUIRE(forms.size() == 3);
  form = std::map<std::string, std::string>(forms[2].begin(), forms[2].end());
  CHECK(form["refresh_token"] == "rt-2");
  CHECK(mock.valid_refresh() == "rt-3");
  CHECK(violations == 0);
  CHECK(calls == 5);  // 1 + (401, resent) + (401, resent)
}

TEST_CASE("salesforce auth: a new configured refresh token starts a new chain") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "refresh_token"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
  CHECK(mock.valid_refresh() == "rt-1");
  CHECK(mock.token_forms()[0].size() == 3);  // no client_secret when none is set

  // The operator authorizes again and configures the new token.
  mock.Authorize("rt-reauthorized");
  mock.ExpireSessions();
  json::Document& s = h.settings;
  s["refresh_token"].SetString("rt-reauthorized", s.GetAllocator());
  auto c2 = MakeConnector(h);
  REQUIRE(AllDelivered(c2->Deliver(Ptrs(recs)), 1));
  auto forms = mock.token_forms();
  std::map<std::string, std::string> form(forms.back().begin(), forms.back().end());
  CHECK(form["refresh_token"] == "rt-reauthorized");
  std::string v;
  REQUIRE(h.state.Get("refresh_token", &v).ok());
  CHECK(v == mock.valid_refresh());
}

TEST_CASE("salesforce auth: an unstorable rotated token is never used until stored") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "refresh_token"), &clock);
  FlakyState flaky(&h.state);
  flaky.fail_key = "refresh_token";
  h.ctx.state = &flaky;
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("rotated refresh token") != std::string::npos);
  CHECK(r.error.find("rt-1") == std::string::npos);
  CHECK(mock.api_calls() == 0);
  CHECK(mock.token_requests() == 1);

  // Still failing: no new token request (that would void rt-1 too).
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(mock.token_requests() == 1);

  flaky.fail_key.clear();
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
  CHECK(mock.token_requests() == 1);  // the pending session, now stored, is used
  std::string v;
  REQUIRE(h.state.Get("refresh_token", &v).ok());
  CHECK(v == "rt-1");
}

TEST_CASE("salesforce auth: a rotated-out refresh token gets invalid_grant with advice") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "refresh_token"), &clock);
  mock.Authorize("rt-other");  // the configured seed is no longer valid
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("invalid_grant") != std::string::npos);
  CHECK(r.error.find("authorize again") != std::string::npos);
  CHECK(r.error.find("rt-seed") == std::string::npos);
}

TEST_CASE("salesforce auth: token endpoint errors are unavailable, with Retry-After, no secrets") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  std::vector<OutRecord> recs = {SfRecord(1)};
  {
    ConnectorHarness h(SfSettings(mock, "client_credentials")
                           .replace(SfSettings(mock, "client_credentials").find("cs-very-secret"),
                                    14, "cs-wrong-secret"),
                       &clock);
    auto c = MakeConnector(h);
    DeliveryResult r = c->Deliver(Ptrs(recs));
    REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
    CHECK(r.error.find("invalid_client") != std::string::npos);
    CHECK(r.error.find("cs-wrong-secret") == std::string::npos);
    CHECK(r.retry_after == std::chrono::milliseconds(-1));
  }
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  mock.FailNextToken(503, "unavailable");
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("503") != std::string::npos);
  mock.FailNextToken(
      400, R"({"error":"invalid_grant","error_description":"no client credentials user enabled"})");
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("no client credentials user enabled") != std::string::npos);
  mock.FailNextToken(200, R"({"token_type":"Bearer"})");
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("access_token") != std::string::npos);
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
}

TEST_CASE("salesforce auth: concurrent renewals of one stale session make one token request") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "refresh_token"), &clock);
  std::unique_ptr<SalesforceAuth> auth;
  REQUIRE(SalesforceAuth::Create(h.ctx, &auth).ok());
  SalesforceSession stale;
  std::chrono::milliseconds ra;
  REQUIRE(auth->Current(&stale, &ra).ok());
  CHECK(stale.access_token == "00Dxx!at-1");
  CHECK(stale.instance_url == mock.url());
  CHECK(auth->token_requests() == 1);
  // Current again: cached.
  SalesforceSession again;
  REQUIRE(auth->Current(&again, &ra).ok());
  CHECK(again.generation == stale.generation);

  std::vector<std::thread> threads;
  std::vector<SalesforceSession> got(8);
  std::vector<Status> st(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      std::chrono::milliseconds r;
      st[i] = auth->Renew(stale, &got[i], &r);
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    CHECK(st[i].ok());
    CHECK(got[i].access_token == "00Dxx!at-2");
  }
  CHECK(auth->token_requests() == 2);
  CHECK(mock.token_requests() == 2);
  CHECK(mock.valid_refresh() == "rt-2");  // a second refresh would have voided the chain
}

TEST_CASE("salesforce auth: a session cached for another app is not reused") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
  CHECK(mock.token_requests() == 1);
  h.settings["client_id"].SetString("3MVG9other", h.settings.GetAllocator());
  auto c2 = MakeConnector(h);
  DeliveryResult r = c2->Deliver(Ptrs(recs));
  CHECK(mock.token_requests() == 2);  // fetched (and refused: the mock knows one app)
  CHECK(r.kind == DeliveryResult::Kind::kUnavailable);
}

TEST_CASE("salesforce auth: expires_in, when given, renews before the session ends") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  std::unique_ptr<SalesforceAuth> auth;
  REQUIRE(SalesforceAuth::Create(h.ctx, &auth).ok());
  mock.FailNextToken(200, "{\"access_token\":\"short\",\"instance_url\":\"" + mock.url() +
                              "\",\"expires_in\":600}");
  SalesforceSession s;
  std::chrono::milliseconds ra;
  REQUIRE(auth->Current(&s, &ra).ok());
  CHECK(s.access_token == "short");
  clock.Advance(550LL * 1000000);  // within the last minute: renewed
  REQUIRE(auth->Current(&s, &ra).ok());
  CHECK(s.access_token == "00Dxx!at-1");
  CHECK(auth->token_requests() == 2);
}

}  // namespace
}  // namespace lrs::sync
