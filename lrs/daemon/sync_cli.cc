// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/sync_cli.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "lrs/auth/registry.h"
#include "lrs/common/encoding.h"
#include "lrs/daemon/daemon.h"
#include "lrs/json/json.h"
#include "lrs/sync/transport.h"

namespace lrs::daemon {
namespace {

int Fail(std::ostream& err, const std::string& message) {
  err << "lrs: " << message << "\n";
  return 1;
}

struct Runtime {
  std::string url, token, tls_ca;
};

// DATA/serve.json, when a daemon wrote it (it may be stale after a crash).
bool ReadRuntime(const std::string& data_dir, Runtime* rt) {
  std::ifstream in(RuntimeFilePath(data_dir));
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  json::Document d;
  if (!json::Parse(ss.str(), &d).ok() || !d.IsObject()) return false;
  rt->url = std::string(json::StringOr(d, "url"));
  rt->token = std::string(json::StringOr(d, "admin_token"));
  rt->tls_ca = std::string(json::StringOr(d, "tls_ca"));
  return !rt->url.empty() && !rt->token.empty();
}

// Asks the running daemon. False (and *unreachable) when it does not
// answer; otherwise the answer's status and body.
bool AskDaemon(const Runtime& rt, const SyncCommand& c, int* status, std::string* body,
               std::string* unreachable) {
  sync::TransportOptions to;
  to.ca_file = rt.tls_ca;
  to.connect_timeout = std::chrono::milliseconds(3000);
  to.user_agent = "lrs-cli";
  auto transport = sync::NewCurlTransport(to);
  sync::HttpRequest req;
  req.method = std::string(SyncAdminMethod(c.request.op));
  req.url = rt.url + "/admin/sync/" + c.request.op + "?store=" + PercentEncode(c.store);
  for (const auto& [k, v] : c.request.params)
    req.url += "&" + PercentEncode(k) + "=" + PercentEncode(v);
  req.headers.emplace_back("Authorization", "Bearer " + rt.token);
  req.timeout = std::chrono::milliseconds(60000);
  sync::HttpResponse resp = transport->Send(req);
  if (resp.status == 0) {
    *unreachable = resp.error;
    return false;
  }
  *status = resp.status;
  *body = std::move(resp.body);
  return true;
}

// No daemon: the store and a paused relay, in this process.
Status RunLocally(const Config& config, const SyncCommand& c, std::string* body) {
  const std::string& op = c.request.op;
  if (op == "pause" || op == "resume" || op == "now")
    return Status::NotFound("no lrs serve runs on " + config.data_dir + " (sync " + op +
                            " acts on a running daemon)");
  std::unique_ptr<auth::Registry> reg;
  auth::RegistryOptions ro;
  ro.authority_home_page = config.authority_home_page;
  LRS_RETURN_IF_ERROR(auth::Registry::Open(config.data_dir, ro, &reg));
  if (!reg->HasStore(c.store)) return Status::NotFound("store: no store named \"" + c.store + "\"");
  std::map<std::string, std::string> by_store;
  LRS_RETURN_IF_ERROR(SyncDestinations(config, &by_store));
  Options so = config.store;
  so.create_if_missing = true;  // a store that never stored anything has no directory yet
  const std::string dir = reg->StoreDir(c.store);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(dir).parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + dir + ": " + ec.message());
  std::unique_ptr<Store> store;
  Status s = Store::Open(so, dir, &store);
  if (s.code() == Status::Code::kBusy)
    return Status::Busy("store \"" + c.store + "\" is open in another process that does not " +
                        "answer as lrs serve (" + RuntimeFilePath(config.data_dir) +
                        " is missing or stale); retry, or stop that process");
  LRS_RETURN_IF_ERROR(s);
  SyncTarget t;
  t.store_name = c.store;
  t.store = store.get();
  std::unique_ptr<sync::Relay> relay;
  if (auto it = by_store.find(c.store); it != by_store.end()) {
    t.destinations_json = it->second;
    sync::RelayOptions rel;
    rel.destinations_json = it->second;
    rel.start_paused = true;  // read and change durable state; send nothing
    LRS_RETURN_IF_ERROR(sync::Relay::Open(store.get(), rel, &relay));
    t.relay = relay.get();
  }
  return RunSyncAdmin(c.request, t, body);
}

std::string Pad(std::string s, std::size_t n) {
  if (s.size() < n) s.resize(n, ' ');
  return s;
}

std::string Uint(const json::Value& o, const char* name) {
  const json::Value* v = json::Member(o, name);
  return v && v->IsUint64() ? std::to_string(v->GetUint64()) : "-";
}

std::string Text(const json::Value& o, const char* name) {
  const json::Value* v = json::Member(o, name);
  return v && v->IsString() ? std::string(json::View(*v)) : "-";
}

void PrintStatus(const json::Document& d, std::ostream& out) {
  const json::Value* list = json::Member(d, "destinations");
  if (!list || !list->IsArray() || list->Empty()) {
    out << "store " << Text(d, "store") << ": no sync destinations\n";
    return;
  }
  out << "DESTINATION      TYPE        STATE     BREAKER    LAG       RETRYING  DLQ       "
         "LAST SUCCESS\n";
  for (const auto& x : list->GetArray()) {
    const json::Value* disabled = json::Member(x, "disabled");
    const json::Value* paused = json::Member(x, "paused");
    std::string state = disabled && disabled->IsTrue() ? "disabled"
                        : paused && paused->IsTrue()   ? "paused"
                                                       : "running";
    out << Pad(Text(x, "name"), 16) << " " << Pad(Text(x, "type"), 11) << " " << Pad(state, 9)
        << " " << Pad(Text(x, "breaker"), 10) << " " << Pad(Uint(x, "lag"), 9) << " "
        << Pad(Uint(x, "retrying"), 9) << " " << Pad(Uint(x, "dead_lettered"), 9) << " "
        << Text(x, "last_success") << "\n";
  }
  for (const auto& x : list->GetArray()) {
    if (const std::string e = Text(x, "last_error"); e != "-")
      out << Text(x, "name") << ": last error: " << e << "\n";
    if (const std::string n = Text(x, "next_attempt"); n != "-")
      out << Text(x, "name") << ": next attempt: " << n << "\n";
  }
}

void PrintDlq(const json::Document& d, std::ostream& out) {
  const json::Value* list = json::Member(d, "entries");
  if (!list || !list->IsArray() || list->Empty()) {
    out << Text(d, "destination") << ": the dead-letter queue is empty\n";
    return;
  }
  out << "SEQ          STATEMENT                             ATTEMPTS  AT                        "
         "LEARNER / ERROR\n";
  std::string last;
  for (const auto& e : list->GetArray()) {
    last = Uint(e, "seq");
    const json::Value* attempts = json::Member(e, "attempts");
    out << Pad(last, 12) << " " << Pad(Text(e, "statement_id"), 37) << " "
        << Pad(attempts && attempts->IsInt() ? std::to_string(attempts->GetInt()) : "-", 9) << " "
        << Pad(Text(e, "at"), 25) << " " << Text(e, "learner") << "\n"
        << "             " << Text(e, "error") << "\n";
  }
  const json::Value* more = json::Member(d, "more");
  if (more && more->IsTrue()) out << "(more: --after " << last << ")\n";
}

void Print(const SyncCommand& c, const std::string& body, std::ostream& out) {
  json::Document d;
  if (!json::Parse(body, &d).ok() || !d.IsObject()) {
    out << body << "\n";
    return;
  }
  const std::string& op = c.request.op;
  const std::string dest = [&] {
    for (const auto& [k, v] : c.request.params)
      if (k == "destination") return v;
    return std::string();
  }();
  if (op == "status") {
    PrintStatus(d, out);
  } else if (op == "dlq") {
    PrintDlq(d, out);
  } else if (op == "dlq/replay" || op == "dlq/drop") {
    out << "lrs: " << (op == "dlq/replay" ? "replayed " : "dropped ") << Uint(d, "count")
        << " dead-lettered entr" << (Uint(d, "count") == "1" ? "y" : "ies") << " of " << dest
        << "\n";
  } else if (op == "dry-run") {
    out << Text(d, "report");
    if (const std::string r = Text(d, "report"); !r.empty() && r.back() != '\n') out << "\n";
  } else if (op == "enable") {
    out << "lrs: enabled " << dest << "\n";
  } else if (op == "pause") {
    out << "lrs: sync paused (store " << c.store << ")\n";
  } else if (op == "resume") {
    out << "lrs: sync resumed (store " << c.store << ")\n";
  } else {
    out << "lrs: sync woken (store " << c.store << ")\n";
  }
}

// The message of a JSON error answer.
std::string ErrorMessage(int status, const std::string& body) {
  json::Document d;
  if (json::Parse(body, &d).ok() && d.IsObject()) {
    if (const json::Value* e = json::Member(d, "error"); e && e->IsObject()) {
      const std::string m = Text(*e, "message");
      if (m != "-") return m + " (HTTP " + std::to_string(status) + ")";
    }
  }
  return "HTTP " + std::to_string(status) + ": " + body.substr(0, 200);
}

}  // namespace

int RunSyncCommand(const Config& config, const SyncCommand& c, std::ostream& out,
                   std::ostream& err) {
  std::string body;
  Runtime rt;
  std::string unreachable;
  if (ReadRuntime(config.data_dir, &rt)) {
    int status = 0;
    if (AskDaemon(rt, c, &status, &body, &unreachable)) {
      if (status / 100 != 2) return Fail(err, ErrorMessage(status, body));
      if (c.json) {
        out << body << "\n";
      } else {
        Print(c, body, out);
      }
      return 0;
    }
    // A stale runtime file (the daemon was killed): work locally, unless
    // the store turns out to be held (RunLocally reports that).
  }
  Status s = RunLocally(config, c, &body);
  if (!s.ok()) {
    std::string m = s.ToString();
    if (!unreachable.empty() && (s.code() == Status::Code::kBusy || s.IsNotFound()) &&
        m.find("lrs serve") != std::string::npos)
      m += " (lrs serve at " + rt.url + " did not answer: " + unreachable + ")";
    return Fail(err, m);
  }
  if (!c.json && c.request.op == "status")
    err << "lrs: lrs serve is not running on " << config.data_dir
        << ": durable state only (cursors, retries, dead letters)\n";
  if (c.json) {
    out << body << "\n";
  } else {
    Print(c, body, out);
  }
  return 0;
}

}  // namespace lrs::daemon
