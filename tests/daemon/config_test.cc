// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/config.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "tests/support/test_util.h"

namespace lrs::daemon {
namespace {

using lrs::testing::TempDir;

EnvLookup FakeEnv(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

std::string WriteFile(const TempDir& dir, const std::string& text) {
  std::filesystem::create_directories(dir.path());
  std::string path = dir.path() + "/lrs.toml";
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("Config: defaults without file, environment or flags", "[daemon]") {
  Config c;
  REQUIRE(ResolveConfig(FlagOverrides(), FakeEnv({}), &c).ok());
  CHECK(c.data_dir == "./lrs-data");
  CHECK(c.server.listen == "127.0.0.1:8080");
  CHECK(c.log.format == "json");
  CHECK(c.log.level == "info");
  CHECK(c.log.file.empty());
  CHECK(c.authority_home_page == "http://localhost/lrs/credentials");
  CHECK(c.bootstrap_credential.empty());
  CHECK(c.store.sync);
}

TEST_CASE("Config: file, then environment, then flags", "[daemon]") {
  TempDir dir;
  const std::string path = WriteFile(dir, R"(
# comment
data_dir = "/file/data"
[server]
listen = "127.0.0.1:9000"
worker_threads = 8
[tls]
cert_file = "c.pem"
key_file = "k.pem"
[limits]
max_body_bytes = 1000
idle_timeout_ms = 1500
[log]
level = "warn"
format = "text"
file = "/file/log"
[auth]
authority_home_page = "https://lrs.example.com/keys"
dev_credential = false
[metrics]
loopback_only = false
[store]
sync = false
)");
  FlagOverrides flags;
  flags.config_file = path;
  Config c;
  REQUIRE(ResolveConfig(flags, FakeEnv({}), &c).ok());
  CHECK(c.data_dir == "/file/data");
  CHECK(c.server.listen == "127.0.0.1:9000");
  CHECK(c.server.worker_threads == 8);
  CHECK(c.server.tls_cert_file == "c.pem");
  CHECK(c.server.max_body_bytes == 1000);
  CHECK(c.server.idle_timeout == std::chrono::milliseconds(1500));
  CHECK(c.log.level == "warn");
  CHECK(c.log.format == "text");
  CHECK(c.authority_home_page == "https://lrs.example.com/keys");
  CHECK_FALSE(c.dev_credential);
  CHECK_FALSE(c.metrics_loopback_only);
  CHECK_FALSE(c.store.sync);

  auto env = FakeEnv({{"LRS_DATA", "/env/data"},
                      {"LRS_LISTEN", "127.0.0.1:9100"},
                      {"LRS_LOG_LEVEL", "debug"},
                      {"LRS_WORKER_THREADS", "4"},
                      {"LRS_SYNC", "true"},
                      {"LRS_BOOTSTRAP_CREDENTIAL", "k:s"}});
  REQUIRE(ResolveConfig(flags, env, &c).ok());
  CHECK(c.data_dir == "/env/data");
  CHECK(c.server.listen == "127.0.0.1:9100");
  CHECK(c.log.level == "debug");
  CHECK(c.log.format == "text");  // from the file: no env override
  CHECK(c.server.worker_threads == 4);
  CHECK(c.store.sync);
  CHECK(c.bootstrap_credential == "k:s");

  flags.data_dir = "/flag/data";
  flags.listen = "127.0.0.1:0";
  flags.worker_threads = 2;
  REQUIRE(ResolveConfig(flags, env, &c).ok());
  CHECK(c.data_dir == "/flag/data");
  CHECK(c.server.listen == "127.0.0.1:0");
  CHECK(c.server.worker_threads == 2);
  CHECK(c.log.level == "debug");  // env, no flag

  // LRS_CONFIG names the file when --config is absent.
  Config c2;
  REQUIRE(ResolveConfig(FlagOverrides(), FakeEnv({{"LRS_CONFIG", path}}), &c2).ok());
  CHECK(c2.data_dir == "/file/data");
}

TEST_CASE("Config: the version answered to unversioned requests (Communication 3.3)",
          "[daemon]") {
  Config c;
  REQUIRE(ResolveConfig(FlagOverrides(), FakeEnv({}), &c).ok());
  CHECK(c.unversioned_response_version == XapiVersion::k2_0_0);
  REQUIRE(ResolveConfig(FlagOverrides(), FakeEnv({{"LRS_UNVERSIONED_RESPONSE_VERSION", "1.0.3"}}),
                        &c).ok());
  CHECK(c.unversioned_response_version == XapiVersion::k1_0_3);
  Status s = ResolveConfig(FlagOverrides(),
                           FakeEnv({{"LRS_UNVERSIONED_RESPONSE_VERSION", "0.95"}}), &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("LRS_UNVERSIONED_RESPONSE_VERSION") != std::string::npos);
}

TEST_CASE("Config: errors name the file and key", "[daemon]") {
  TempDir dir;
  Config c;
  FlagOverrides flags;
  flags.config_file = WriteFile(dir, "[server]\nlisen = \"x\"\n");
  Status s = ResolveConfig(flags, FakeEnv({}), &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("server.lisen: unknown key") != std::string::npos);

  flags.config_file = WriteFile(dir, "[server]\nworker_threads = \"many\"\n");
  s = ResolveConfig(flags, FakeEnv({}), &c);
  CHECK(s.message().find("server.worker_threads") != std::string::npos);

  flags.config_file = WriteFile(dir, "[server\nlisten=1\n");
  CHECK(ResolveConfig(flags, FakeEnv({}), &c).IsInvalidArgument());

  flags.config_file = WriteFile(dir, "server = 3\n");
  CHECK(ResolveConfig(flags, FakeEnv({}), &c).IsInvalidArgument());

  flags.config_file = dir.path() + "/missing.toml";
  CHECK_FALSE(ResolveConfig(flags, FakeEnv({}), &c).ok());

  flags.config_file.reset();
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_WORKER_THREADS", "x"}}), &c).IsInvalidArgument());
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_SYNC", "maybe"}}), &c).IsInvalidArgument());
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_LOG_LEVEL", "loud"}}), &c).IsInvalidArgument());
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_LISTEN", "8080"}}), &c).IsInvalidArgument());
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_LISTEN", "h:99999"}}), &c).IsInvalidArgument());
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_AUTHORITY_HOME_PAGE", "urn:lrs:x"}}), &c)
            .IsInvalidArgument());
  CHECK(ResolveConfig(flags, FakeEnv({{"LRS_TLS_CERT", "c.pem"}}), &c).IsInvalidArgument());
  s = ResolveConfig(flags, FakeEnv({{"LRS_BOOTSTRAP_CREDENTIAL", "only-a-secret-like-value"}}), &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("only-a-secret") == std::string::npos);
}

TEST_CASE("Config: LoadConfigString reads TOML text as LoadConfigFile reads a file", "[daemon]") {
  Config c;
  REQUIRE(LoadConfigString("data_dir = \"/d\"\n[server]\nlisten = \"127.0.0.1:1\"\n", "x.toml",
                           &c)
              .ok());
  CHECK(c.data_dir == "/d");
  CHECK(c.server.listen == "127.0.0.1:1");
  CHECK(LoadConfigString("", "empty.toml", &c).ok());
  CHECK(c.data_dir == "/d");  // keys absent from the text keep their value
  Status s = LoadConfigString("[server]\nlisen = 1\n", "x.toml", &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() == "x.toml: server.lisen: unknown key");
  CHECK(LoadConfigString("[server\n", "x.toml", &c).IsInvalidArgument());
  CHECK(LoadConfigString("data_dir = \"\xff\"\n", "x.toml", &c).IsInvalidArgument());  // not UTF-8
  // Text that is not UTF-8 is refused before toml11 reads it: its error path
  // for a literal string with invalid UTF-8 read past a buffer (config_fuzz).
  s = LoadConfigString("# ok\n[log]\nlevel = 'caf\xe9'\n", "x.toml", &c);
  CHECK(s.message() == "x.toml: line 3: not UTF-8 text (TOML files are UTF-8)");
  CHECK(LoadConfigString("'\xff'", "x.toml", &c).IsInvalidArgument());
  CHECK(LoadConfigString("x = '\xef\n'", "x.toml", &c).message() ==
        "x.toml: line 1: not UTF-8 text (TOML files are UTF-8)");
  CHECK(LoadConfigString("data_dir = 'caf\xc3\xa9 \xf0\x9f\x98\x80'\n", "x.toml", &c).ok());
  CHECK(c.data_dir == "caf\xc3\xa9 \xf0\x9f\x98\x80");

  // inf and nan have no JSON form: named, not turned into malformed JSON
  // (found by config_fuzz).
  s = LoadConfigString(
      "[[sync.destinations]]\nname = \"c\"\ntype = \"xapi\"\nrate_limit = { per_second = inf }\n",
      "x.toml", &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message() ==
        "x.toml: sync.destinations[0].rate_limit.per_second: must be a finite number, not inf");
  CHECK(LoadConfigString("[[sync.destinations]]\nx = [1.5, -nan]\n", "x.toml", &c).message() ==
        "x.toml: sync.destinations[0].x[1]: must be a finite number, not -nan");

  // The file variant: the same, and IOError only when the file cannot be read.
  TempDir dir;
  CHECK(LoadConfigFile(WriteFile(dir, ""), &c).ok());
  CHECK(LoadConfigFile(WriteFile(dir, "[server\n"), &c).IsInvalidArgument());
  CHECK(LoadConfigFile(dir.path() + "/missing.toml", &c).code() == Status::Code::kIOError);
}

TEST_CASE("Config: sync destinations, grouped by store, and --forward-to", "[daemon]") {
  TempDir dir;
  Config c;
  FlagOverrides flags;
  flags.config_file = WriteFile(dir, R"(
[[sync.destinations]]
name = "crm"
type = "segment"
write_key = "wk"
url = "http://127.0.0.1:1"

[[sync.destinations]]
name = "acme-hook"
store = "acme"
type = "webhook"
url = "http://127.0.0.1:1/hook"
secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
)");
  Status s = ResolveConfig(flags, FakeEnv({{"LRS_FORWARD_TO", "http://127.0.0.1:2/xapi"},
                                          {"LRS_FORWARD_CREDENTIAL", "k:s"}}),
                           &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::map<std::string, std::string> by_store;
  REQUIRE(SyncDestinations(c, &by_store).ok());
  REQUIRE(by_store.size() == 2);
  // The store setting is consumed; forward_to joins the default store.
  CHECK(by_store["acme"].find("\"acme-hook\"") != std::string::npos);
  CHECK(by_store["acme"].find("\"store\"") == std::string::npos);
  CHECK(by_store["default"].find("\"crm\"") != std::string::npos);
  CHECK(by_store["default"].find("\"upstream\"") != std::string::npos);
  CHECK(by_store["default"].find("\"start\":\"beginning\"") != std::string::npos);
  // An IP address written in --forward-to is explicitly allowed past the
  // SSRF guard (that address only); a host name is not.
  CHECK(by_store["default"].find(R"("allow_networks":["127.0.0.1"])") != std::string::npos);
  for (const auto& [url, allowed] : std::vector<std::pair<std::string, std::string>>{
           {"https://[::1]:8443/xapi/", R"(["::1"])"},
           {"http://u@10.1.2.3/xapi", R"(["10.1.2.3"])"},
           {"https://lrs.example.com/xapi/", ""},
           {"http://127.0.0.1.nip.io/xapi/", ""}}) {
    INFO(url);
    Config f;
    REQUIRE(ResolveConfig(FlagOverrides{}, FakeEnv({{"LRS_FORWARD_TO", url},
                                                    {"LRS_FORWARD_CREDENTIAL", "k:s"}}),
                          &f)
                .ok());
    std::map<std::string, std::string> d;
    REQUIRE(SyncDestinations(f, &d).ok());
    if (allowed.empty()) CHECK(d["default"].find("allow_networks") == std::string::npos);
    else CHECK(d["default"].find("\"allow_networks\":" + allowed) != std::string::npos);
  }

  flags.config_file = WriteFile(dir, "[[sync.destinations]]\nname = \"x\"\ntype = \"segment\"\n"
                                     "write_key = \"wk\"\nstore = \"Not A Store\"\n");
  s = ResolveConfig(flags, FakeEnv({}), &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("sync.destinations[0].store") != std::string::npos);
  flags.config_file = WriteFile(dir, "[[sync.destinations]]\nname = \"x\"\ntype = \"fax\"\n");
  s = ResolveConfig(flags, FakeEnv({}), &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("destinations[0] (x).type") != std::string::npos);
  flags.config_file.reset();
  s = ResolveConfig(flags,
                    FakeEnv({{"LRS_FORWARD_TO", "http://h/xapi"}, {"LRS_FORWARD_CREDENTIAL", "k"}}),
                    &c);
  CHECK(s.IsInvalidArgument());
  CHECK(s.message().find("LRS_FORWARD_CREDENTIAL") != std::string::npos);
}

TEST_CASE("Config: a kafka destination gets one topic per store", "[daemon]") {
  // docs/sync.md: no topic -> "xapi.<store>"; "{store}" in a topic -> the store.
  Config c;
  c.sync_destinations = R"([
    {"name":"k1","type":"kafka","brokers":"127.0.0.1:9092"},
    {"name":"k2","type":"kafka","brokers":"127.0.0.1:9092","store":"acme"},
    {"name":"k3","type":"kafka","brokers":"127.0.0.1:9092","store":"beta","topic":"lrs-{store}-statements"},
    {"name":"k4","type":"kafka","brokers":"127.0.0.1:9092","store":"gamma","topic":"fixed"}])";
  std::map<std::string, std::string> by_store;
  Status s = SyncDestinations(c, &by_store);
  INFO(s.ToString());
  REQUIRE(s.ok());
  CHECK(by_store["default"].find(R"("topic":"xapi.default")") != std::string::npos);
  CHECK(by_store["acme"].find(R"("topic":"xapi.acme")") != std::string::npos);
  CHECK(by_store["beta"].find(R"("topic":"lrs-beta-statements")") != std::string::npos);
  CHECK(by_store["gamma"].find(R"("topic":"fixed")") != std::string::npos);
}

TEST_CASE("Config: the documented example file loads and equals the defaults", "[daemon]") {
  std::filesystem::path here(__FILE__);
  std::filesystem::path example =
      here.parent_path().parent_path().parent_path() / "docs" / "lrs.example.toml";
  REQUIRE(std::filesystem::exists(example));
  Config c;
  Status s = LoadConfigFile(example.string(), &c);
  INFO(s.ToString());
  REQUIRE(s.ok());
  Config d;
  CHECK(c.data_dir == d.data_dir);
  CHECK(c.server.listen == d.server.listen);
  CHECK(c.server.io_threads == d.server.io_threads);
  CHECK(c.server.worker_threads == d.server.worker_threads);
  CHECK(c.server.max_body_bytes == d.server.max_body_bytes);
  CHECK(c.server.max_header_bytes == d.server.max_header_bytes);
  CHECK(c.server.header_timeout == d.server.header_timeout);
  CHECK(c.server.body_timeout == d.server.body_timeout);
  CHECK(c.server.idle_timeout == d.server.idle_timeout);
  CHECK(c.server.max_connections == d.server.max_connections);
  CHECK(c.shutdown_grace == d.shutdown_grace);
  CHECK(c.authority_home_page == d.authority_home_page);
  CHECK(c.store.initial_map_size == d.store.initial_map_size);
  CHECK(c.store.max_group_writers == d.store.max_group_writers);
  CHECK(c.store.max_query_limit == d.store.max_query_limit);
  CHECK(c.store.max_readers == d.store.max_readers);
  CHECK(Validate(c).ok());
}

}  // namespace
}  // namespace lrs::daemon
