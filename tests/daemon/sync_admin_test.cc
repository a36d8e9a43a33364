// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Sync operations of `lrs serve` (lrs/daemon/admin.h): the /admin/sync/...
// endpoints and who may call them, per-store destinations, the sync
// metrics, and the `lrs sync` commands with and without a running daemon.
// Destinations are signed webhooks pointing at a loopback mock receiver
// that refuses messages about activity ".../bad" until told otherwise.

#include <sys/stat.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "lrs/api/context.h"
#include "lrs/auth/registry.h"
#include "lrs/daemon/cli.h"
#include "lrs/http/server.h"
#include "lrs/json/json.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::MakeRequest;
using testing::TestDaemon;

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

// A webhook receiver on 127.0.0.1: refuses (for good) messages about
// ".../bad" while `refuse_bad` is set, accepts everything else.
struct Receiver {
  Receiver() {
    http::ServerOptions o;
    o.listen = "127.0.0.1:0";
    o.io_threads = 1;
    o.worker_threads = 4;
    Status s = http::Server::Start(
        o,
        [this](http::Request& r) {
          if (refuse_bad && r.body.find("http://example.com/bad") != std::string::npos) {
            http::Response resp = api::JsonResponse(422, R"({"error":"no"})");
            resp.headers.Set("webhook-delivery", "abort-message");
            return resp;
          }
          ++accepted;
          return api::JsonResponse(200, "{}");
        },
        nullptr, &server);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  ~Receiver() { server->Stop(std::chrono::milliseconds(200)); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  std::atomic<bool> refuse_bad{true};
  std::atomic<int> accepted{0};
  std::unique_ptr<http::Server> server;
};

std::string Webhook(const std::string& name, const std::string& url, const std::string& extra = "") {
  return R"({"name":")" + name + R"(","type":"webhook","url":")" + url + R"(/hook","secret":")" +
         kSecret + R"(","retry":{"max_attempts":2,"base_ms":1,"cap_ms":5},)" +
         R"("allow_networks":["127.0.0.1"])" + extra + "}";
}

std::string StatementAbout(const std::string& activity) {
  return R"({"actor":{"mbox":"mailto:ana@example.com"},)"
         R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
         R"("object":{"id":"http://example.com/)" +
         activity + R"("}})";
}

// Posts a statement as `auth`; returns its id.
std::string Post(Daemon* d, const std::string& auth, const std::string& activity) {
  auto req = MakeRequest("POST", "/xapi/statements", "", StatementAbout(activity));
  req.headers.Set("X-Experience-API-Version", "2.0.0");
  req.headers.Set("Content-Type", "application/json");
  req.headers.Set("Authorization", auth);
  http::Response r = d->Handle(req);
  INFO(r.body);
  REQUIRE(r.status == 200);
  json::Document ids;
  REQUIRE(json::Parse(r.body, &ids).ok());
  return std::string(json::View(ids[0]));
}

http::Response Admin(Daemon* d, const std::string& method, const std::string& path,
                     const std::string& query, const std::string& auth) {
  auto req = MakeRequest(method, path, query);
  if (!auth.empty()) req.headers.Set("Authorization", auth);
  return d->Handle(req);
}

json::Document Parse(const std::string& body) {
  json::Document d;
  INFO(body);
  REQUIRE(json::Parse(body, &d).ok());
  return d;
}

// Polls the status until `pred(destination 0)` holds (10 s at most).
template <typename Pred>
bool WaitFor(Daemon* d, const std::string& auth, Pred pred, const std::string& query = "") {
  for (int i = 0; i < 1000; ++i) {
    http::Response r = Admin(d, "GET", "/admin/sync/status", query, auth);
    if (r.status == 200) {
      json::Document doc = Parse(r.body);
      if (doc["destinations"].Size() > 0 && pred(doc["destinations"][0])) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::string AdminCredential(Daemon* d, const std::string& store) {
  auth::NewCredential nc;
  nc.store = store;
  nc.label = "ops";
  nc.scopes = auth::kAdmin;
  auth::CredentialInfo info;
  REQUIRE(d->registry()->AddCredential(nc, &info).ok());
  return BasicAuth(info.key, info.secret);
}

std::string AdminToken(const TestDaemon& t) {
  json::Document d = Parse(testing::ReadFile(RuntimeFilePath(t.config.data_dir)));
  return "Bearer " + std::string(json::StringOr(d, "admin_token"));
}

TEST_CASE("sync admin: the admin token or an admin-scoped credential, nothing else",
          "[daemon][sync]") {
  Receiver rx;
  Config c;
  c.sync_destinations = "[" + Webhook("hook", rx.url()) + "]";
  TestDaemon t(c);
  REQUIRE(t.daemon->Start().ok());
  const auto dev = *t.daemon->dev_credential();
  const std::string all = BasicAuth(dev.key, dev.secret);
  const std::string admin = AdminCredential(t.daemon.get(), "default");

  // The runtime file: only this user may read the token.
  struct stat st;
  REQUIRE(stat(RuntimeFilePath(t.config.data_dir).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  const std::string token = AdminToken(t);

  CHECK(Admin(t.daemon.get(), "GET", "/admin/sync/status", "", "").status == 401);
  CHECK(Admin(t.daemon.get(), "GET", "/admin/sync/status", "", "Bearer nope").status == 401);
  http::Response r = Admin(t.daemon.get(), "GET", "/admin/sync/status", "", all);
  CHECK(r.status == 403);  // "all" is xAPI's, not the admin scope
  CHECK(r.body.find("admin scope") != std::string::npos);
  CHECK(Admin(t.daemon.get(), "GET", "/admin/sync/status", "", admin).status == 200);
  CHECK(Admin(t.daemon.get(), "GET", "/admin/sync/status", "", token).status == 200);

  // An admin credential administers its own store only, and no xAPI.
  REQUIRE(t.daemon->registry()->AddStore("acme").ok());
  const std::string acme_admin = AdminCredential(t.daemon.get(), "acme");
  r = Admin(t.daemon.get(), "GET", "/admin/sync/status", "store=default", acme_admin);
  CHECK(r.status == 403);
  r = Admin(t.daemon.get(), "GET", "/admin/sync/status", "", acme_admin);
  REQUIRE(r.status == 200);
  CHECK(json::StringOr(Parse(r.body), "store") == "acme");
  CHECK(Parse(r.body)["destinations"].Size() == 0);
  r = Admin(t.daemon.get(), "GET", "/admin/sync/status", "store=acme", token);
  CHECK(r.status == 200);
  CHECK(Admin(t.daemon.get(), "GET", "/admin/sync/status", "store=nope", token).status == 404);
  auto xreq = MakeRequest("GET", "/xapi/statements");
  xreq.headers.Set("X-Experience-API-Version", "2.0.0");
  xreq.headers.Set("Authorization", admin);
  CHECK(t.daemon->Handle(xreq).status == 403);

  // Routing errors are JSON and name the rule.
  r = Admin(t.daemon.get(), "POST", "/admin/sync/status", "", token);
  CHECK(r.status == 405);
  CHECK(r.headers.Get("Allow").value_or("") == "GET, HEAD");
  r = Admin(t.daemon.get(), "GET", "/admin/sync/dlq/replay", "destination=hook&all=true", token);
  CHECK(r.status == 405);
  CHECK(Admin(t.daemon.get(), "GET", "/admin/sync/bogus", "", token).status == 404);
  CHECK(Admin(t.daemon.get(), "GET", "/admin/other", "", token).status == 404);
  r = Admin(t.daemon.get(), "GET", "/admin/sync/status", "verbose=1", token);
  CHECK(r.status == 400);
  CHECK(json::StringOr(Parse(r.body)["error"], "field") == "verbose");

  // Stop removes the runtime file.
  t.daemon->Stop(std::chrono::milliseconds(100));
  CHECK_FALSE(std::ifstream(RuntimeFilePath(t.config.data_dir)).good());
}

TEST_CASE("sync admin: status, dead letters listed, replayed and dropped; metrics",
          "[daemon][sync]") {
  Receiver rx;
  Config c;
  c.sync_destinations = "[" + Webhook("hook", rx.url()) + "]";
  TestDaemon t(c);
  REQUIRE(t.daemon->Start().ok());
  const auto dev = *t.daemon->dev_credential();
  const std::string all = BasicAuth(dev.key, dev.secret);
  const std::string token = AdminToken(t);
  Daemon* d = t.daemon.get();

  Post(d, all, "good/1");
  const std::string bad = Post(d, all, "bad");
  Post(d, all, "good/2");
  REQUIRE(WaitFor(d, token, [](const json::Value& x) {
    return x["lag"].GetUint64() == 0 && x["dead_lettered"].GetUint64() == 1;
  }));
  http::Response r = Admin(d, "GET", "/admin/sync/status", "", token);
  json::Document st = Parse(r.body);
  const json::Value& hook = st["destinations"][0];
  CHECK(json::StringOr(hook, "name") == "hook");
  CHECK(json::StringOr(hook, "type") == "webhook");
  CHECK(json::StringOr(hook, "breaker") == "closed");
  CHECK(hook["cursor"].GetUint64() == 3);
  CHECK(hook["since_start"]["delivered"].GetUint64() == 2);
  CHECK(hook["since_start"]["dead_lettered"].GetUint64() == 1);
  CHECK(hook["last_success"].IsString());

  // The DLQ holds the refused statement, with why.
  r = Admin(d, "GET", "/admin/sync/dlq", "destination=hook", token);
  REQUIRE(r.status == 200);
  json::Document dlq = Parse(r.body);
  REQUIRE(dlq["entries"].Size() == 1);
  const json::Value& e = dlq["entries"][0];
  CHECK(json::StringOr(e, "statement_id") == bad);
  CHECK(json::StringOr(e, "error").find("abort-message") != std::string::npos);
  CHECK(dlq["more"].IsFalse());
  const std::uint64_t seq = e["seq"].GetUint64();
  CHECK(Admin(d, "GET", "/admin/sync/dlq", "destination=nope", token).status == 404);
  r = Admin(d, "GET", "/admin/sync/dlq", "destination=hook&limit=0", token);
  CHECK(r.status == 400);
  CHECK(json::StringOr(Parse(r.body)["error"], "field") == "limit");
  r = Admin(d, "GET", "/admin/sync/dlq", "", token);
  CHECK(r.status == 400);
  CHECK(json::StringOr(Parse(r.body)["error"], "field") == "destination");

  // Metrics per destination.
  auto mreq = MakeRequest("GET", "/metrics");
  const std::string metrics = d->Handle(mreq).body;
  const std::string labels = R"({store="default",destination="hook",type="webhook"})";
  CHECK(metrics.find("lrs_sync_lag_statements" + labels + " 0") != std::string::npos);
  CHECK(metrics.find("lrs_sync_delivered_total" + labels + " 2") != std::string::npos);
  CHECK(metrics.find("lrs_sync_dead_lettered_total" + labels + " 1") != std::string::npos);
  CHECK(metrics.find("lrs_sync_dlq_size" + labels + " 1") != std::string::npos);
  CHECK(metrics.find("lrs_sync_retried_total" + labels) != std::string::npos);
  CHECK(metrics.find("lrs_sync_breaker_open" + labels + " 0") != std::string::npos);

  // Replay and drop need seq or all=true: an empty query empties nothing.
  r = Admin(d, "POST", "/admin/sync/dlq/replay", "destination=hook", token);
  CHECK(r.status == 400);
  CHECK(json::StringOr(Parse(r.body)["error"], "field") == "seq");
  CHECK(Admin(d, "POST", "/admin/sync/dlq/drop", "destination=hook&seq=99999", token).status ==
        404);
  CHECK(Admin(d, "POST", "/admin/sync/dlq/drop", "destination=hook&seq=x", token).status == 400);

  // Replayed once the receiver accepts it: delivered, the DLQ empties.
  rx.refuse_bad = false;
  const int before = rx.accepted;
  r = Admin(d, "POST", "/admin/sync/dlq/replay",
            "destination=hook&seq=" + std::to_string(seq), token);
  REQUIRE(r.status == 200);
  CHECK(Parse(r.body)["count"].GetUint64() == 1);
  REQUIRE(WaitFor(d, token, [](const json::Value& x) {
    return x["dead_lettered"].GetUint64() == 0 && x["retrying"].GetUint64() == 0;
  }));
  CHECK(rx.accepted == before + 1);

  // Another refusal, dropped this time.
  rx.refuse_bad = true;
  Post(d, all, "bad");
  REQUIRE(WaitFor(d, token, [](const json::Value& x) {
    return x["lag"].GetUint64() == 0 && x["dead_lettered"].GetUint64() == 1;
  }));
  r = Admin(d, "POST", "/admin/sync/dlq/drop", "destination=hook&all=true", token);
  REQUIRE(r.status == 200);
  CHECK(Parse(r.body)["count"].GetUint64() == 1);
  r = Admin(d, "GET", "/admin/sync/dlq", "destination=hook", token);
  CHECK(Parse(r.body)["entries"].Size() == 0);

  // Dry run: the exact request, secrets masked.
  r = Admin(d, "GET", "/admin/sync/dry-run", "destination=hook&statementId=" + bad, token);
  REQUIRE(r.status == 200);
  const std::string report(json::StringOr(Parse(r.body), "report"));
  CHECK(report.find("POST " + rx.url() + "/hook") != std::string::npos);
  CHECK(report.find("webhook-signature: v1,") != std::string::npos);
  CHECK(report.find(kSecret) == std::string::npos);
  r = Admin(d, "GET", "/admin/sync/dry-run",
            "destination=hook&statementId=00000000-0000-4000-8000-000000000000", token);
  CHECK(r.status == 404);

  // Pause holds everything back; resume sends it.
  CHECK(Admin(d, "POST", "/admin/sync/pause", "", token).status == 200);
  const int paused_at = rx.accepted;
  Post(d, all, "good/3");
  REQUIRE(WaitFor(d, token, [](const json::Value& x) { return x["paused"].IsTrue(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(rx.accepted == paused_at);
  CHECK(Admin(d, "POST", "/admin/sync/resume", "", token).status == 200);
  REQUIRE(WaitFor(d, token, [](const json::Value& x) { return x["lag"].GetUint64() == 0; }));
  CHECK(rx.accepted == paused_at + 1);
  CHECK(Admin(d, "POST", "/admin/sync/now", "", token).status == 200);
  CHECK(t.Log().find("\"op\":\"dlq/drop\"") != std::string::npos);  // changes are logged
}

TEST_CASE("sync: destinations belong to the store they name", "[daemon][sync]") {
  Receiver rx_default, rx_acme;
  lrs::testing::TempDir dir;
  Config c;
  c.data_dir = dir.path() + "/data";
  {
    std::unique_ptr<auth::Registry> reg;
    REQUIRE(auth::Registry::Open(c.data_dir, &reg).ok());
    REQUIRE(reg->AddStore("acme").ok());
  }
  c.sync_destinations = "[" + Webhook("main", rx_default.url()) + "," +
                        Webhook("acme-hook", rx_acme.url(), R"(,"store":"acme")") + "]";
  c.server.listen = "127.0.0.1:0";
  c.store.sync = false;
  c.log.file = dir.path() + "/lrs.log";
  std::unique_ptr<Daemon> d;
  Status s = Daemon::Open(c, &d);
  INFO(s.ToString());
  REQUIRE(s.ok());
  const std::string dev_default = BasicAuth(d->dev_credential()->key, d->dev_credential()->secret);
  auth::NewCredential nc;
  nc.store = "acme";
  auth::CredentialInfo acme;
  REQUIRE(d->registry()->AddCredential(nc, &acme).ok());
  const std::string acme_admin = AdminCredential(d.get(), "acme");

  Post(d.get(), BasicAuth(acme.key, acme.secret), "good/acme");
  REQUIRE(WaitFor(d.get(), acme_admin, [](const json::Value& x) {
    return x["lag"].GetUint64() == 0 && x["since_start"]["delivered"].GetUint64() == 1;
  }));
  CHECK(rx_acme.accepted == 1);
  CHECK(rx_default.accepted == 0);
  http::Response r = Admin(d.get(), "GET", "/admin/sync/status", "", acme_admin);
  json::Document st = Parse(r.body);
  REQUIRE(st["destinations"].Size() == 1);
  CHECK(json::StringOr(st["destinations"][0], "name") == "acme-hook");
  Post(d.get(), dev_default, "good/main");
  for (int i = 0; i < 500 && rx_default.accepted == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(rx_default.accepted == 1);
  CHECK(rx_acme.accepted == 1);
  d.reset();

  // A destination of a store that does not exist stops the start.
  c.sync_destinations =
      "[" + Webhook("ghost", rx_acme.url(), R"(,"store":"ghost")") + "]";
  s = Daemon::Open(c, &d);
  CHECK(s.IsNotFound());
  CHECK(s.message().find("lrs stores add ghost") != std::string::npos);
  c.sync_destinations = "[" + Webhook("x", rx_acme.url(), R"(,"store":"Bad Name")") + "]";
  s = Daemon::Open(c, &d);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("destinations[0].store") != std::string::npos);
  // Names are unique across stores.
  c.sync_destinations = "[" + Webhook("x", rx_acme.url()) + "," +
                        Webhook("x", rx_acme.url(), R"(,"store":"acme")") + "]";
  s = Daemon::Open(c, &d);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("x") != std::string::npos);
}

struct CliResult {
  int rc;
  std::string out;
  std::string err;
};

CliResult Cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  EnvLookup no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  int rc = RunCli(args, out, err, no_env);
  return {rc, out.str(), err.str()};
}

TEST_CASE("lrs sync: asks the running daemon, else works on the durable state",
          "[daemon][sync][cli]") {
  Receiver rx;
  lrs::testing::TempDir dir;
  const std::string config_file = dir.path() + "/lrs.toml";
  std::filesystem::create_directories(dir.path());
  {
    std::ofstream f(config_file);
    f << "[store]\nsync = false\n\n[[sync.destinations]]\nname = \"hook\"\ntype = \"webhook\"\n"
      << "url = \"" << rx.url() << "/hook\"\nsecret = \"" << kSecret << "\"\n"
      << "retry = { max_attempts = 2, base_ms = 1, cap_ms = 5 }\n"
      << "allow_networks = [\"127.0.0.1\"]\n";
  }
  Config c;
  Status loaded = LoadConfigFile(config_file, &c);
  INFO(loaded.ToString());
  REQUIRE(loaded.ok());
  c.data_dir = dir.path() + "/data";
  c.server.listen = "127.0.0.1:0";
  c.log.file = dir.path() + "/lrs.log";
  std::unique_ptr<Daemon> d;
  REQUIRE(Daemon::Open(c, &d).ok());
  REQUIRE(d->Start().ok());
  const std::string all = BasicAuth(d->dev_credential()->key, d->dev_credential()->secret);
  const std::string bad = Post(d.get(), all, "bad");
  Post(d.get(), all, "good/1");
  const std::vector<std::string> base = {"--data", c.data_dir, "--config", config_file};
  auto with = [&](std::vector<std::string> v) {
    v.insert(v.end(), base.begin(), base.end());
    return Cli(v);
  };

  // Online: the live relay (counters since start, breaker).
  CliResult r;
  for (int i = 0; i < 500; ++i) {
    r = with({"sync", "status", "--json"});
    if (r.rc == 0 && r.out.find("\"lag\":0,") != std::string::npos &&
        r.out.find("\"dead_lettered\":1,") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  INFO(r.out << r.err);
  REQUIRE(r.rc == 0);
  CHECK(r.out.find("\"delivered\":1") != std::string::npos);
  r = with({"sync", "status"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("DESTINATION") == 0);
  CHECK(r.out.find("hook             webhook     running   closed") != std::string::npos);
  r = with({"sync", "dlq", "list", "--destination", "hook"});
  CHECK(r.rc == 0);
  CHECK(r.out.find(bad) != std::string::npos);
  CHECK(r.out.find("abort-message") != std::string::npos);
  r = with({"sync", "dlq", "replay", "--destination", "hook"});
  CHECK(r.rc == 2);  // neither --seq nor --all
  r = with({"sync", "dlq", "replay", "--destination", "hook", "--seq", "1", "--all"});
  CHECK(r.rc == 2);
  r = with({"sync", "dry-run", "--destination", "hook", "--statement", bad});
  CHECK(r.rc == 0);
  CHECK(r.out.find("POST " + rx.url() + "/hook") != std::string::npos);
  r = with({"sync", "dlq", "list", "--destination", "nope"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("nope") != std::string::npos);
  r = with({"sync", "pause"});
  CHECK(r.rc == 0);
  CHECK(r.out.find("paused") != std::string::npos);

  // Offline (no daemon): the durable state, a paused relay that sends nothing.
  d.reset();
  r = with({"sync", "status"});
  INFO(r.err);
  CHECK(r.rc == 0);
  CHECK(r.err.find("not running") != std::string::npos);
  CHECK(r.out.find("hook") != std::string::npos);
  r = with({"sync", "dlq", "list", "--destination", "hook", "--json"});
  REQUIRE(r.rc == 0);
  json::Document dlq = Parse(r.out);
  REQUIRE(dlq["entries"].Size() == 1);
  const std::string seq = std::to_string(dlq["entries"][0]["seq"].GetUint64());
  const int accepted = rx.accepted;
  r = with({"sync", "dlq", "replay", "--destination", "hook", "--seq", seq});
  CHECK(r.rc == 0);
  CHECK(r.out.find("replayed 1 dead-lettered entry of hook") != std::string::npos);
  CHECK(rx.accepted == accepted);  // nothing sent offline
  r = with({"sync", "dlq", "list", "--destination", "hook", "--json"});
  CHECK(Parse(r.out)["entries"].Size() == 0);
  r = with({"sync", "resume"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("running daemon") != std::string::npos);

  // The replayed record goes out at the next start.
  rx.refuse_bad = false;
  REQUIRE(Daemon::Open(c, &d).ok());
  for (int i = 0; i < 500 && rx.accepted == accepted; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(rx.accepted == accepted + 1);
  // A store held by a process that does not answer is reported, not touched.
  r = with({"sync", "status"});
  CHECK(r.rc == 1);
  CHECK(r.err.find("in another process") != std::string::npos);
  d.reset();
}

}  // namespace
}  // namespace lrs::daemon
