// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "tests/sync/clickhouse_util.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "lrs/common/encoding.h"

extern char** environ;

namespace lrs::sync::testing {
namespace {

#ifdef LRS_CLICKHOUSE_SERVER
constexpr const char* kBinary = LRS_CLICKHOUSE_SERVER;
#else
constexpr const char* kBinary = "";
#endif

// A port the kernel just handed out on 127.0.0.1 (free, barring a race).
int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
}

}  // namespace

bool ClickHouseServer::Available() { return kBinary[0] != '\0' && ::access(kBinary, X_OK) == 0; }

ClickHouseServer::ClickHouseServer() : transport_(NewCurlTransport()) {
  std::filesystem::create_directories(dir_.path() + "/data");
  std::filesystem::create_directories(dir_.path() + "/tmp");
  WriteFile(dir_.path() + "/users.xml",
            "<?xml version=\"1.0\"?>\n<yandex>\n"
            "  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>\n"
            "  <users><default><password></password><networks><ip>127.0.0.1</ip></networks>\n"
            "    <profile>default</profile><quota>default</quota></default></users>\n"
            "  <quotas><default></default></quotas>\n</yandex>\n");
}

// Its data goes with the directory: no need for a clean shutdown (which
// waits for idle keep-alive connections to time out).
ClickHouseServer::~ClickHouseServer() { Kill(); }

Status ClickHouseServer::Spawn() {
  const std::string& d = dir_.path();
  WriteFile(d + "/config.xml",
            "<?xml version=\"1.0\"?>\n<yandex>\n"
            "  <logger><level>warning</level><log>" + d + "/server.log</log><errorlog>" + d +
                "/error.log</errorlog></logger>\n"
            "  <listen_host>127.0.0.1</listen_host>\n  <keep_alive_timeout>1</keep_alive_timeout>\n"
            "  <http_port>" + std::to_string(http_port_) + "</http_port>\n"
            "  <tcp_port>" + std::to_string(tcp_port_) + "</tcp_port>\n"
            "  <path>" + d + "/data/</path>\n  <tmp_path>" + d + "/tmp/</tmp_path>\n"
            "  <user_files_path>" + d + "/user_files/</user_files_path>\n"
            "  <format_schema_path>" + d + "/format_schemas/</format_schema_path>\n"
            "  <mark_cache_size>5368709</mark_cache_size>\n"
            "  <users_config>" + d + "/users.xml</users_config>\n"
            "  <default_profile>default</default_profile>\n"
            "  <default_database>default</default_database>\n"
            "  <mlock_executable>false</mlock_executable>\n</yandex>\n");
  const std::string config = "--config-file=" + d + "/config.xml";
  std::vector<char*> argv = {const_cast<char*>(kBinary), const_cast<char*>(config.c_str()), nullptr};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  const std::string out = d + "/stdout.log";
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  const int rc = ::posix_spawn(&pid_, kBinary, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    return Status::IOError("posix_spawn clickhouse-server: " + std::string(std::strerror(rc)));
  }
  HttpRequest ping;
  ping.method = "GET";
  ping.url = url() + "/ping";
  ping.timeout = std::chrono::milliseconds(1000);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int st;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream f(out);
      std::stringstream ss;
      ss << f.rdbuf();
      return Status::IOError("clickhouse-server exited at start: " + ss.str().substr(0, 2000));
    }
    if (transport_->Send(ping).status == 200) return Status::OK();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill();
  return Status::IOError("clickhouse-server did not answer /ping within 30 s");
}

Status ClickHouseServer::Start() {
  if (!Available()) return Status::NotSupported("no clickhouse-server in this build");
  if (running()) return Status::OK();
  if (http_port_ != 0) return Spawn();  // a restart keeps its ports
  Status s;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a port taken meanwhile: new ports
    http_port_ = FreePort();
    tcp_port_ = FreePort();
    if (http_port_ == tcp_port_) continue;
    s = Spawn();
    if (s.ok()) return s;
  }
  return s;
}

void ClickHouseServer::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {  // 15 s, then SIGKILL
    int st;
    if (::waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  Kill();
}

void ClickHouseServer::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st;
  ::waitpid(pid_, &st, 0);
  pid_ = -1;
}

Status ClickHouseServer::Query(const std::string& sql, std::string* out) {
  HttpRequest req;
  req.method = "POST";
  req.url = url() + "/";
  req.body = sql;
  req.timeout = std::chrono::milliseconds(30000);
  HttpResponse r = transport_->Send(req);
  if (r.status != 200)
    return Status::IOError("ClickHouse: HTTP " + std::to_string(r.status) + " " + r.error + " " +
                           r.body.substr(0, 500) + " for: " + sql.substr(0, 200));
  if (out) *out = std::move(r.body);
  return Status::OK();
}

Status ClickHouseServer::CreateStatementsTable() {
  std::ifstream f(std::string(LRS_SOURCE_DIR) + "/scripts/clickhouse/xapi_statements.sql");
  if (!f) return Status::NotFound("scripts/clickhouse/xapi_statements.sql");
  std::stringstream ss;
  ss << f.rdbuf();
  return Query(ss.str());
}

}  // namespace lrs::sync::testing
