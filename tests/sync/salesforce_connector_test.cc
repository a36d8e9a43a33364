// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The Salesforce connector's delivery contract, against the loopback mock
// of tests/sync/salesforce_mock.h.

#include "tests/sync/salesforce_mock.h"

namespace lrs::sync {
namespace {

using testing::ConnectorHarness;
using testing::FakeClock;
using testing::Ptrs;
using testing::SalesforceMock;
using testing::SfRecord;
using testing::SfSettings;

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

TEST_CASE("salesforce: client credentials, upsert body, remote ids, cached session") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(
      SfSettings(
          mock, "client_credentials",
          R"(,"field_names":{"course":"Course__c","score":null,"grade":"Score__c"},"batch_size":50)"),
      &clock);
  auto c = MakeConnector(h);
  CHECK(c->max_batch() == 200);  // 50 per call x 4 calls at once
  CHECK(c->uses_mapping());
  std::vector<OutRecord> recs;
  recs.push_back(SfRecord(1, R"({"score":0.5,"course":"Safety 101","grade":95,"learner":"L1"})"));
  recs.push_back(SfRecord(2, R"({"course":"Fire drill","statement_id":"forged"})"));
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(AllDelivered(r, 2));
  CHECK(mock.token_requests() == 1);
  auto forms = mock.token_forms();
  REQUIRE(forms.size() == 1);
  std::map<std::string, std::string> form(forms[0].begin(), forms[0].end());
  CHECK(form["grant_type"] == "client_credentials");
  CHECK(form["client_id"] == "3MVG9client");
  CHECK(form["client_secret"] == "cs-very-secret");

  // The wire request.
  testing::Received call;
  for (const auto& x : mock.server().received())
    if (x.path != "/services/oauth2/token") call = x;
  CHECK(call.method == "PATCH");
  CHECK(call.path == "/services/data/v59.0/composite/sobjects/Learning_Event__c/Statement_Id__c");
  CHECK(call.headers.Get("Authorization").value_or("") == "Bearer 00Dxx!at-1");
  CHECK(call.headers.Get("Content-Type").value_or("") == "application/json");
  json::Document body;
  REQUIRE(json::Parse(call.body, &body).ok());
  CHECK(body["allOrNone"].IsFalse());
  REQUIRE(body["records"].Size() == 2);
  const json::Value& first = body["records"][0];
  CHECK(json::StringOr(first["attributes"], "type") == "Learning_Event__c");
  CHECK(json::StringOr(first, "Statement_Id__c") == recs[0].statement_id);
  CHECK(json::StringOr(first, "Email__c") == "learner1@example.com");
  CHECK(json::StringOr(first, "Event__c") == "completed");
  CHECK(json::StringOr(first, "Occurred_At__c") == "2023-11-14T22:13:20.001Z");
  CHECK(json::StringOr(first, "Course__c") == "Safety 101");  // renamed (same name)
  CHECK(first["Score__c"].GetInt() == 95);                    // "grade" renamed
  CHECK(json::StringOr(first, "learner__c") == "L1");         // default <p>__c
  CHECK(json::Member(first, "score") == nullptr);             // dropped by null
  // A property cannot overwrite the external id (names are case-insensitive).
  const json::Value& second = body["records"][1];
  CHECK(json::StringOr(second, "Statement_Id__c") == recs[1].statement_id);
  CHECK(json::Member(second, "statement_id__c") == nullptr);

  // Remote-id map and cached session.
  auto rows = mock.rows();
  REQUIRE(rows.size() == 2);
  auto state = h.state.snapshot();
  CHECK(state["sf:" + recs[0].statement_id] == rows[recs[0].statement_id].id);
  CHECK(state["sf:" + recs[1].statement_id] == rows[recs[1].statement_id].id);
  CHECK(state.count("session") == 1);
  CHECK(state["session"].find("cs-very-secret") == std::string::npos);

  // Idempotent upsert: re-sending updates the same records.
  r = c->Deliver(Ptrs(recs));
  REQUIRE(AllDelivered(r, 2));
  CHECK(mock.token_requests() == 1);
  CHECK(mock.creates() == 2);
  CHECK(mock.updates() == 2);
  CHECK(mock.rows().size() == 2);
  CHECK(mock.rows()[recs[0].statement_id].id == rows[recs[0].statement_id].id);

  // A restarted connector on the same state reuses the stored session.
  auto c2 = MakeConnector(h);
  REQUIRE(AllDelivered(c2->Deliver(Ptrs(recs)), 2));
  CHECK(mock.token_requests() == 1);
}

TEST_CASE("salesforce: a statement repeated in one batch is upserted once") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1), SfRecord(2), SfRecord(1)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(AllDelivered(r, 3));
  CHECK(mock.creates() == 2);
  CHECK(mock.updates() == 0);
}

TEST_CASE("salesforce: per-record failures map to reject or retry") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 8; ++i) recs.push_back(SfRecord(i));
  mock.FailRecord(recs[1].statement_id, "REQUIRED_FIELD_MISSING");
  mock.FailRecord(recs[2].statement_id, "STRING_TOO_LONG");
  mock.FailRecord(recs[3].statement_id, "UNABLE_TO_LOCK_ROW");
  mock.FailRecord(recs[4].statement_id, "DUPLICATE_VALUE");
  mock.FailRecord(recs[5].statement_id, "FIELD_CUSTOM_VALIDATION_EXCEPTION");
  mock.FailRecord(recs[6].statement_id, "SOMETHING_NEW");
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  REQUIRE(r.records.size() == 8);
  CHECK(r.records[0].outcome == Outcome::kDelivered);
  CHECK(r.records[1].outcome == Outcome::kReject);
  CHECK(r.records[1].error.find("REQUIRED_FIELD_MISSING") != std::string::npos);
  CHECK(r.records[1].error.find("Email__c") != std::string::npos);  // the fields named
  CHECK(r.records[2].outcome == Outcome::kReject);
  CHECK(r.records[3].outcome == Outcome::kRetry);
  CHECK(r.records[3].error.find("UNABLE_TO_LOCK_ROW") != std::string::npos);
  CHECK(r.records[4].outcome == Outcome::kReject);
  CHECK(r.records[5].outcome == Outcome::kReject);
  CHECK(r.records[6].outcome == Outcome::kRetry);  // unknown codes: retried, then dead-lettered
  CHECK(r.records[7].outcome == Outcome::kDelivered);
  auto state = h.state.snapshot();
  CHECK(state.count("sf:" + recs[0].statement_id) == 1);
  CHECK(state.count("sf:" + recs[1].statement_id) == 0);
  CHECK(state.count("sf:" + recs[7].statement_id) == 1);
}

TEST_CASE("salesforce: a request-level 400 is bisected down to the record causing it") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 8; ++i) recs.push_back(SfRecord(i));
  recs[5].mapped.properties = R"({"score":"high"})";  // Score__c is a number field
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  for (int i = 0; i < 8; ++i) {
    INFO(i);
    CHECK(r.records[i].outcome == (i == 5 ? Outcome::kReject : Outcome::kDelivered));
  }
  CHECK(r.records[5].error.find("JSON_PARSER_ERROR") != std::string::npos);
  CHECK(mock.rows().size() == 7);
  CHECK(mock.api_calls() <= 1 + 2 * 3);  // whole, then two halves per level
}

TEST_CASE("salesforce: a 400 every part of the batch hits is a settings problem") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials", R"(,"field_names":{"course":"Score__c"})"),
                     &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 6; ++i) recs.push_back(SfRecord(i, R"({"course":"Safety 101"})"));
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("JSON_PARSER_ERROR") != std::string::npos);
  CHECK(r.error.find("field_names setting") != std::string::npos);
  CHECK(mock.api_calls() == 3);  // the whole batch and its two halves, no more
  CHECK(mock.rows().empty());
}

TEST_CASE("salesforce: a field the object lacks is a settings problem, not the records'") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 6; ++i) recs.push_back(SfRecord(i));
  recs[2].mapped.properties = R"({"score":1,"bogus":"x"})";  // bogus__c does not exist
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("INVALID_FIELD: No such column 'bogus__c'") != std::string::npos);
  CHECK(mock.api_calls() == 1);

  // Mapping the property to null fixes it.
  ConnectorHarness h2(SfSettings(mock, "client_credentials", R"(,"field_names":{"bogus":null})"),
                      &clock);
  auto c2 = MakeConnector(h2);
  REQUIRE(AllDelivered(c2->Deliver(Ptrs(recs)), 6));
}

TEST_CASE("salesforce: an unknown object is a destination-level failure") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials", R"(,"object":"Missing__c")"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1), SfRecord(2)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("404") != std::string::npos);
  CHECK(r.error.find("NOT_FOUND") != std::string::npos);
}

TEST_CASE("salesforce: concurrent calls that get 401 share one token refresh") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(
      SfSettings(mock, "client_credentials", R"(,"batch_size":2,"parallel_requests":4)"), &clock);
  auto c = MakeConnector(h);
  CHECK(c->max_batch() == 8);
  std::vector<OutRecord> recs;
  for (int i = 1; i <= 8; ++i) recs.push_back(SfRecord(i));
  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 8));
  CHECK(mock.token_requests() == 1);
  CHECK(mock.api_calls() == 4);
  CHECK(mock.max_in_flight() > 1);  // the four calls overlapped

  mock.ExpireSessions();
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(AllDelivered(r, 8));
  CHECK(mock.token_requests() == 2);  // one refresh for four 401s
  CHECK(mock.api_calls() == 12);      // 4 ok + 4 x 401 + 4 resent
  CHECK(mock.updates() == 8);
  auto state = h.state.snapshot();
  CHECK(state["session"].find("00Dxx!at-2") != std::string::npos);
}

TEST_CASE("salesforce: 401 after re-authentication makes the destination unavailable") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(
      SfSettings(mock, "client_credentials", R"(,"batch_size":1,"parallel_requests":3)"), &clock);
  auto c = MakeConnector(h);
  mock.RejectAllSessions(true);
  std::vector<OutRecord> recs = {SfRecord(1), SfRecord(2), SfRecord(3)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("401") != std::string::npos);
  CHECK(r.error.find("INVALID_SESSION_ID") != std::string::npos);
  CHECK(r.error.find("re-authentication") != std::string::npos);
  CHECK(mock.token_requests() == 2);  // the first token and exactly one renewal
  CHECK(mock.api_calls() == 6);
  CHECK(r.error.find("at-") == std::string::npos);  // no token in the message
}

TEST_CASE("salesforce: REQUEST_LIMIT_EXCEEDED pauses the destination") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};

  mock.LimitExceeded(1);
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("REQUEST_LIMIT_EXCEEDED") != std::string::npos);
  CHECK(r.retry_after == std::chrono::milliseconds(60000));  // the default pause

  mock.LimitExceeded(1, "120");
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.retry_after == std::chrono::milliseconds(120000));

  mock.FailNextCall(403, R"([{"message":"no access","errorCode":"INSUFFICIENT_ACCESS"}])");
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("INSUFFICIENT_ACCESS") != std::string::npos);
  CHECK(r.retry_after == std::chrono::milliseconds(-1));

  REQUIRE(AllDelivered(c->Deliver(Ptrs(recs)), 1));
  CHECK(mock.token_requests() == 1);  // 403 is not an authentication problem
}

TEST_CASE("salesforce: 429, 5xx and transport errors are destination-level with Retry-After") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1), SfRecord(2)};

  mock.FailNextCall(503, R"([{"message":"down","errorCode":"SERVER_UNAVAILABLE"}])", "7");
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.retry_after == std::chrono::milliseconds(7000));
  CHECK(r.error.find("503") != std::string::npos);

  mock.FailNextCall(429, "{}", "3");
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.retry_after == std::chrono::milliseconds(3000));

  mock.FailNextCall(200, R"([{"id":"x","success":true}])");  // one result for two records
  r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("unexpected") != std::string::npos);

  ConnectorHarness down(R"({"auth":"client_credentials","client_id":"x","client_secret":"y",)"
                        R"("login_url":"http://127.0.0.1:1","timeout_ms":2000})",
                        &clock);
  auto c2 = MakeConnector(down);
  r = c2->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(r.error.find("token endpoint") != std::string::npos);
}

TEST_CASE("salesforce: a record whose properties cannot be read is rejected alone") {
  FakeClock clock;
  SalesforceMock mock({}, &clock);
  ConnectorHarness h(SfSettings(mock, "client_credentials"), &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1), SfRecord(2, "[1,2]")};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  REQUIRE(r.kind == DeliveryResult::Kind::kDone);
  CHECK(r.records[0].outcome == Outcome::kDelivered);
  CHECK(r.records[1].outcome == Outcome::kReject);
  CHECK(mock.rows().size() == 1);
}

TEST_CASE("salesforce: settings are checked and name the bad one") {
  FakeClock clock;
  auto bad = [&](const std::string& settings, const std::string& what) {
    ConnectorHarness h(settings, &clock);
    std::unique_ptr<Connector> c;
    Status s = NewSalesforceConnector(h.ctx, &c);
    INFO(settings);
    INFO(s.ToString());
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find(what) != std::string::npos);
    CHECK(s.message().find("hunter2") == std::string::npos);
  };
  const std::string base = R"({"client_id":"id","client_secret":"hunter2")";
  bad(base + "}", "auth");
  bad(base + R"(,"auth":"password"})", "auth");
  bad(base + R"(,"auth":"client_credentials","object":"Bad Name"})", "object");
  bad(base + R"(,"auth":"client_credentials","external_id_field":"x/y"})", "external_id_field");
  bad(base + R"(,"auth":"client_credentials","api_version":"59"})", "api_version");
  bad(base + R"(,"auth":"client_credentials","batch_size":201})", "batch_size");
  bad(base + R"(,"auth":"client_credentials","parallel_requests":0})", "parallel_requests");
  bad(base + R"(,"auth":"client_credentials","field_names":{"a":"no spaces"}})", "field_names.a");
  bad(base + R"(,"auth":"client_credentials","field_names":{"$bogus":"X__c"}})", "$bogus");
  bad(base + R"(,"auth":"client_credentials","login_url":"ftp://x"})", "login_url");
  bad(base + R"(,"auth":"client_credentials","instance_url":"x"})", "instance_url");
  bad(base + R"(,"auth":"client_credentials","timeout_ms":0})", "timeout_ms");
  bad(R"({"auth":"client_credentials","client_id":"id"})", "client_secret");
  bad(R"({"auth":"jwt_bearer","client_id":"id","username":"u","private_key":"hunter2"})",
      "private_key");
  bad(R"({"auth":"refresh_token","client_id":"id","client_secret":"hunter2"})", "refresh_token");
}

TEST_CASE("salesforce: instance_url setting overrides the token's, api_version is used") {
  FakeClock clock;
  SalesforceMock::Options o;
  SalesforceMock api(o, &clock);  // serves the API; the token comes from `login`
  SalesforceMock login(o, &clock);
  ConnectorHarness h(
      SfSettings(login, "client_credentials",
                 ",\"instance_url\":\"" + api.url() + "/\",\"api_version\":\"v60.0\""),
      &clock);
  auto c = MakeConnector(h);
  std::vector<OutRecord> recs = {SfRecord(1)};
  DeliveryResult r = c->Deliver(Ptrs(recs));
  // The api mock does not know login's session and serves v59.0 only.
  REQUIRE(r.kind == DeliveryResult::Kind::kUnavailable);
  CHECK(login.token_requests() == 2);  // first token, one renewal after 401
  CHECK(login.api_calls() == 0);
  REQUIRE(api.api_calls() == 2);
  CHECK(api.server().received()[0].path ==
        "/services/data/v60.0/composite/sobjects/Learning_Event__c/Statement_Id__c");
}

}  // namespace
}  // namespace lrs::sync
