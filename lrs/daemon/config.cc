// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/config.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <sstream>
#include <string_view>
#include <toml.hpp>

#include "lrs/common/encoding.h"
#include "lrs/json/json.h"
#include "lrs/sync/network_guard.h"
#include "lrs/sync/relay.h"

namespace lrs::daemon {
namespace {

// Reads the keys of one TOML table into a Config, remembering errors.
class TableReader {
 public:
  TableReader(const toml::value& table, std::string prefix, std::string file)
      : table_(table), prefix_(std::move(prefix)), file_(std::move(file)) {}

  void String(const char* key, std::string* out) {
    if (const toml::value* v = Find(key)) {
      if (!v->is_string()) return Fail(key, "must be a string");
      *out = v->as_string().str;
    }
  }
  void Bool(const char* key, bool* out) {
    if (const toml::value* v = Find(key)) {
      if (!v->is_boolean()) return Fail(key, "must be true or false");
      *out = v->as_boolean();
    }
  }
  template <typename T>
  void Int(const char* key, T* out, std::int64_t min) {
    if (const toml::value* v = Find(key)) {
      if (!v->is_integer() || v->as_integer() < min)
        return Fail(key, "must be an integer >= " + std::to_string(min));
      *out = static_cast<T>(v->as_integer());
    }
  }
  void Millis(const char* key, std::chrono::milliseconds* out) {
    std::int64_t ms = out->count();
    Int(key, &ms, 1);
    *out = std::chrono::milliseconds(ms);
  }
  // Unknown keys are errors (a typo must not silently keep a default).
  void CheckKnown(std::initializer_list<std::string_view> keys) {
    if (!table_.is_table()) return;
    for (const auto& [k, v] : table_.as_table()) {
      bool known = false;
      for (std::string_view name : keys) known = known || name == k;
      if (!known) Fail(k.c_str(), "unknown key");
    }
  }
  const Status& status() const { return status_; }

 private:
  const toml::value* Find(const char* key) {
    if (!table_.is_table()) return nullptr;
    const auto& t = table_.as_table();
    auto it = t.find(key);
    return it == t.end() ? nullptr : &it->second;
  }
  void Fail(const char* key, const std::string& why) {
    if (status_.ok()) status_ = Status::InvalidArgument(file_ + ": " + prefix_ + key + ": " + why);
  }

  const toml::value& table_;
  std::string prefix_;
  std::string file_;
  Status status_;
};

// TOML (a table, array or value) at `path` as JSON text. InvalidArgument
// naming the key for inf and nan, which JSON cannot hold.
Status TomlToJson(const toml::value& v, const std::string& path, std::string* out) {
  json::Document d;
  Status status;
  std::function<json::Value(const toml::value&, const std::string&)> conv =
      [&](const toml::value& x, const std::string& at) -> json::Value {
    auto& a = d.GetAllocator();
    if (x.is_table()) {
      json::Value o(rapidjson::kObjectType);
      for (const auto& [k, y] : x.as_table())
        o.AddMember(json::StringValue(k, a), conv(y, at + "." + k), a);
      return o;
    }
    if (x.is_array()) {
      json::Value arr(rapidjson::kArrayType);
      for (std::size_t i = 0; i < x.as_array().size(); ++i)
        arr.PushBack(conv(x.as_array()[i], at + "[" + std::to_string(i) + "]"), a);
      return arr;
    }
    if (x.is_boolean()) return json::Value(x.as_boolean());
    if (x.is_integer()) return json::Value(static_cast<std::int64_t>(x.as_integer()));
    if (x.is_floating()) {
      if (!std::isfinite(x.as_floating()) && status.ok())
        status = Status::InvalidArgument(at + ": must be a finite number, not " + toml::format(x));
      return json::Value(x.as_floating());
    }
    if (x.is_string()) return json::StringValue(x.as_string().str, a);
    return json::StringValue(toml::format(x), a);  // dates and times: their TOML text
  };
  json::Value root = conv(v, path);
  LRS_RETURN_IF_ERROR(status);
  *out = json::Write(root);
  return Status::OK();
}

Status ReadTables(const toml::value& root, const std::string& file, Config* c) {
  static const toml::value kEmpty = toml::table{};
  auto sub = [&](const char* name) -> const toml::value& {
    if (root.is_table() && root.as_table().count(name)) return root.as_table().at(name);
    return kEmpty;
  };
  for (const char* name :
       {"server", "tls", "limits", "log", "auth", "xapi", "metrics", "store", "sync"}) {
    if (!sub(name).is_table())
      return Status::InvalidArgument(file + ": [" + name + "] must be a table");
  }
  TableReader top(root, "", file);
  top.String("data_dir", &c->data_dir);
  top.CheckKnown({"data_dir", "server", "tls", "limits", "log", "auth", "xapi", "metrics",
                  "store", "sync"});

  // [[sync.destinations]]: passed to the relay as JSON, validated there.
  if (const auto& sync = sub("sync"); sync.as_table().count("destinations")) {
    for (const auto& [k, v] : sync.as_table())
      if (k != "destinations")
        return Status::InvalidArgument(file + ": sync." + k + ": unknown key");
    const auto& d = sync.as_table().at("destinations");
    if (!d.is_array())
      return Status::InvalidArgument(file + ": sync.destinations: must be an array of tables "
                                            "([[sync.destinations]])");
    if (Status s = TomlToJson(d, "sync.destinations", &c->sync_destinations); !s.ok())
      return s.WithPrefix(file + ": ");
    Config only;
    only.sync_destinations = c->sync_destinations;
    std::map<std::string, std::string> by_store;
    if (Status s = SyncDestinations(only, &by_store); !s.ok())
      return Status::InvalidArgument(file + ": sync." + s.message());
  } else if (!sync.as_table().empty()) {
    return Status::InvalidArgument(file + ": [sync] holds only [[sync.destinations]]");
  }

  TableReader server(sub("server"), "server.", file);
  server.String("listen", &c->server.listen);
  server.Int("io_threads", &c->server.io_threads, 1);
  server.Int("worker_threads", &c->server.worker_threads, 1);
  server.Millis("shutdown_grace_ms", &c->shutdown_grace);
  server.CheckKnown({"listen", "io_threads", "worker_threads", "shutdown_grace_ms"});

  TableReader tls(sub("tls"), "tls.", file);
  tls.String("cert_file", &c->server.tls_cert_file);
  tls.String("key_file", &c->server.tls_key_file);
  tls.CheckKnown({"cert_file", "key_file"});

  TableReader limits(sub("limits"), "limits.", file);
  limits.Int("max_body_bytes", &c->server.max_body_bytes, 1);
  limits.Int("max_header_bytes", &c->server.max_header_bytes, 1024);
  limits.Millis("header_timeout_ms", &c->server.header_timeout);
  limits.Millis("body_timeout_ms", &c->server.body_timeout);
  limits.Millis("idle_timeout_ms", &c->server.idle_timeout);
  limits.Int("max_connections", &c->server.max_connections, 1);
  limits.CheckKnown({"max_body_bytes", "max_header_bytes", "header_timeout_ms", "body_timeout_ms",
                     "idle_timeout_ms", "max_connections"});

  TableReader log(sub("log"), "log.", file);
  log.String("format", &c->log.format);
  log.String("level", &c->log.level);
  log.String("file", &c->log.file);
  log.Bool("access", &c->log.access);
  log.CheckKnown({"format", "level", "file", "access"});

  TableReader auth(sub("auth"), "auth.", file);
  auth.String("authority_home_page", &c->authority_home_page);
  auth.Bool("dev_credential", &c->dev_credential);
  auth.CheckKnown({"authority_home_page", "dev_credential"});

  TableReader xapi(sub("xapi"), "xapi.", file);
  std::string unversioned;
  xapi.String("unversioned_response_version", &unversioned);
  xapi.CheckKnown({"unversioned_response_version"});
  if (xapi.status().ok() && !unversioned.empty() &&
      !ParseXapiVersion(unversioned, &c->unversioned_response_version))
    return Status::InvalidArgument(
        "xapi.unversioned_response_version: expected 2.0.0 or 1.0.3, got \"" + unversioned + "\"");

  TableReader metrics(sub("metrics"), "metrics.", file);
  metrics.Bool("enabled", &c->metrics);
  metrics.Bool("loopback_only", &c->metrics_loopback_only);
  metrics.CheckKnown({"enabled", "loopback_only"});

  TableReader store(sub("store"), "store.", file);
  store.Bool("sync", &c->store.sync);
  store.Bool("aggregates", &c->store.aggregates);
  store.Int("initial_map_size", &c->store.initial_map_size, 1 << 20);
  store.Int("max_map_size", &c->store.max_map_size, 0);
  store.Int("max_group_writers", &c->store.max_group_writers, 1);
  store.Int("max_query_limit", &c->store.max_query_limit, 1);
  store.Int("max_readers", &c->store.max_readers, 16);
  store.CheckKnown({"sync", "aggregates", "initial_map_size", "max_map_size",
                    "max_group_writers", "max_query_limit", "max_readers"});

  for (const TableReader* r : {&top, &server, &tls, &limits, &log, &auth, &xapi, &metrics, &store}) {
    LRS_RETURN_IF_ERROR(r->status());
  }
  return Status::OK();
}

Status ParseBool(const char* name, const std::string& v, bool* out) {
  if (v == "1" || v == "true" || v == "yes" || v == "on")
    *out = true;
  else if (v == "0" || v == "false" || v == "no" || v == "off")
    *out = false;
  else
    return Status::InvalidArgument(std::string(name) + ": expected true or false, got \"" + v +
                                   "\"");
  return Status::OK();
}

template <typename T>
Status ParseInt(const char* name, const std::string& v, std::int64_t min, T* out) {
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || errno != 0 || n < min)
    return Status::InvalidArgument(std::string(name) + ": expected an integer >= " +
                                   std::to_string(min) + ", got \"" + v + "\"");
  *out = static_cast<T>(n);
  return Status::OK();
}

}  // namespace

EnvLookup ProcessEnv() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

Status LoadConfigFile(const std::string& path, Config* config) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("config " + path + ": cannot open the file");
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad()) return Status::IOError("config " + path + ": cannot read the file");
  return LoadConfigString(text, path, config);
}

Status LoadConfigString(std::string_view text, const std::string& name, Config* config) {
  // TOML text is UTF-8 (TOML 1.0.0). Checked before toml11 sees it: toml11
  // 3.7's error path for a literal string holding invalid UTF-8 reads past
  // its buffer (found by config_fuzz with the input "'\xff'").
  if (const std::string valid = ValidUtf8(text); valid != text) {
    const auto at = std::mismatch(valid.begin(), valid.end(), text.begin(), text.end()).second;
    return Status::InvalidArgument(name + ": line " +
                                   std::to_string(1 + std::count(text.begin(), at, '\n')) +
                                   ": not UTF-8 text (TOML files are UTF-8)");
  }
  try {
    std::istringstream in{std::string(text)};
    const toml::value root = toml::parse(in, name);
    return ReadTables(root, name, config);
  } catch (const toml::exception& e) {  // syntax_error, type_error, ...
    return Status::InvalidArgument(std::string("config: ") + e.what());
  } catch (const std::exception& e) {
    return Status::InvalidArgument("config " + name + ": " + e.what());
  }
}

Status ApplyEnv(const EnvLookup& env, Config* c) {
  auto str = [&](const char* name, std::string* out) {
    if (auto v = env(name)) *out = *v;
  };
  str("LRS_DATA", &c->data_dir);
  str("LRS_LISTEN", &c->server.listen);
  str("LRS_TLS_CERT", &c->server.tls_cert_file);
  str("LRS_TLS_KEY", &c->server.tls_key_file);
  str("LRS_LOG_LEVEL", &c->log.level);
  str("LRS_LOG_FORMAT", &c->log.format);
  str("LRS_LOG_FILE", &c->log.file);
  str("LRS_AUTHORITY_HOME_PAGE", &c->authority_home_page);
  str("LRS_BOOTSTRAP_CREDENTIAL", &c->bootstrap_credential);
  str("LRS_FORWARD_TO", &c->forward_to);
  str("LRS_FORWARD_CREDENTIAL", &c->forward_credential);
  if (auto v = env("LRS_UNVERSIONED_RESPONSE_VERSION")) {
    if (!ParseXapiVersion(*v, &c->unversioned_response_version))
      return Status::InvalidArgument(
          "LRS_UNVERSIONED_RESPONSE_VERSION: expected 2.0.0 or 1.0.3, got \"" + *v + "\"");
  }
  if (auto v = env("LRS_IO_THREADS"))
    LRS_RETURN_IF_ERROR(ParseInt("LRS_IO_THREADS", *v, 1, &c->server.io_threads));
  if (auto v = env("LRS_WORKER_THREADS"))
    LRS_RETURN_IF_ERROR(ParseInt("LRS_WORKER_THREADS", *v, 1, &c->server.worker_threads));
  if (auto v = env("LRS_MAX_BODY_BYTES"))
    LRS_RETURN_IF_ERROR(ParseInt("LRS_MAX_BODY_BYTES", *v, 1, &c->server.max_body_bytes));
  if (auto v = env("LRS_MAX_CONNECTIONS"))
    LRS_RETURN_IF_ERROR(ParseInt("LRS_MAX_CONNECTIONS", *v, 1, &c->server.max_connections));
  if (auto v = env("LRS_SYNC")) LRS_RETURN_IF_ERROR(ParseBool("LRS_SYNC", *v, &c->store.sync));
  return Status::OK();
}

namespace {

// The host of an http(s) URL when it is an IP address ("127.0.0.1",
// "[::1]" -> "::1"), else empty.
std::string UrlIpLiteral(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return "";
  std::string_view rest = url.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  std::string host;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return "";
    host = std::string(rest.substr(1, close - 1));
  } else {
    host = std::string(rest.substr(0, rest.find(':')));
  }
  sync::NetworkGuard g;
  return sync::NetworkGuard::Parse({host}, &g).ok() ? host : "";
}

}  // namespace

Status SyncDestinations(const Config& c, std::map<std::string, std::string>* by_store) {
  by_store->clear();
  json::Document d;
  LRS_RETURN_IF_ERROR(json::Parse(c.sync_destinations, &d));
  if (!d.IsArray()) return Status::InvalidArgument("sync.destinations: must be an array");
  if (!c.forward_to.empty()) {
    std::size_t sep = c.forward_credential.find(':');
    if (sep == std::string::npos || sep == 0 || sep + 1 == c.forward_credential.size())
      return Status::InvalidArgument(
          "LRS_FORWARD_CREDENTIAL: expected KEY:SECRET (the upstream LRS's credential)");
    auto& a = d.GetAllocator();
    json::Value up(rapidjson::kObjectType);
    up.AddMember("name", "upstream", a);
    up.AddMember("type", "xapi", a);
    up.AddMember("url", json::StringValue(c.forward_to, a), a);
    up.AddMember("key", json::StringValue(c.forward_credential.substr(0, sep), a), a);
    up.AddMember("secret", json::StringValue(c.forward_credential.substr(sep + 1), a), a);
    up.AddMember("start", "beginning", a);
    // An IP address written in --forward-to is explicitly chosen: the SSRF
    // guard lets that one address through (a host name stays guarded).
    if (std::string host = UrlIpLiteral(c.forward_to); !host.empty()) {
      json::Value allow(rapidjson::kArrayType);
      allow.PushBack(json::StringValue(host, a), a);
      up.AddMember("allow_networks", allow, a);
    }
    d.PushBack(up, a);
  }
  std::map<std::string, json::Document> groups;
  for (rapidjson::SizeType i = 0; i < d.Size(); ++i) {
    json::Value& v = d[i];
    std::string store(auth::kDefaultStore);
    if (v.IsObject()) {
      if (const json::Value* s = json::Member(v, "store")) {
        const std::string name = s->IsString() ? std::string(json::View(*s)) : std::string();
        if (!auth::ValidStoreName(name))
          return Status::InvalidArgument("destinations[" + std::to_string(i) +
                                         "].store: must be a store name "
                                         "([a-z0-9][a-z0-9_-]{0,62})");
        store = name;
        v.RemoveMember("store");
      }
    }
    // Kafka: one topic per store. "{store}" in a topic is the store's
    // name; without a topic the store's statements go to "xapi.<store>".
    if (v.IsObject() && json::StringOr(v, "type") == "kafka") {
      std::string topic(json::StringOr(v, "topic", "xapi.{store}"));
      for (std::size_t p; (p = topic.find("{store}")) != std::string::npos;)
        topic.replace(p, 7, store);
      v.RemoveMember("topic");
      v.AddMember("topic", json::StringValue(topic, d.GetAllocator()), d.GetAllocator());
    }
    json::Document& g = groups[store];
    if (!g.IsArray()) g.SetArray();
    g.PushBack(json::Value(v, g.GetAllocator()), g.GetAllocator());
  }
  // Validated as one list: names are unique across stores (they label
  // metrics and logs) and errors give the position in the file.
  json::Value all(rapidjson::kArrayType);
  for (rapidjson::SizeType i = 0; i < d.Size(); ++i)
    all.PushBack(json::Value(d[i], d.GetAllocator()), d.GetAllocator());
  LRS_RETURN_IF_ERROR(sync::ValidateDestinations(json::Write(all)));
  for (auto& [store, g] : groups) (*by_store)[store] = json::Write(g);
  return Status::OK();
}

void ApplyFlags(const FlagOverrides& f, Config* c) {
  if (f.data_dir) c->data_dir = *f.data_dir;
  if (f.forward_to) c->forward_to = *f.forward_to;
  if (f.listen) c->server.listen = *f.listen;
  if (f.tls_cert) c->server.tls_cert_file = *f.tls_cert;
  if (f.tls_key) c->server.tls_key_file = *f.tls_key;
  if (f.log_level) c->log.level = *f.log_level;
  if (f.log_format) c->log.format = *f.log_format;
  if (f.log_file) c->log.file = *f.log_file;
  if (f.io_threads) c->server.io_threads = *f.io_threads;
  if (f.worker_threads) c->server.worker_threads = *f.worker_threads;
}

Status Validate(const Config& c) {
  if (c.data_dir.empty()) return Status::InvalidArgument("data_dir: must not be empty");
  const std::string& l = c.server.listen;
  std::size_t colon = l.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == l.size() ||
      l.find_first_not_of("0123456789", colon + 1) != std::string::npos ||
      l.size() - colon - 1 > 5 || std::stoi(l.substr(colon + 1)) > 65535) {
    return Status::InvalidArgument(
        "server.listen: expected HOST:PORT (e.g. 127.0.0.1:8080), got \"" + l + "\"");
  }
  if (c.server.io_threads < 1 || c.server.worker_threads < 1)
    return Status::InvalidArgument("server: io_threads and worker_threads must be >= 1");
  if (c.server.tls_cert_file.empty() != c.server.tls_key_file.empty())
    return Status::InvalidArgument("tls: give both cert_file and key_file, or neither");
  const std::string& lv = c.log.level;
  if (lv != "trace" && lv != "debug" && lv != "info" && lv != "warn" && lv != "error" &&
      lv != "off") {
    return Status::InvalidArgument(
        "log.level: expected trace, debug, info, warn, error or off, got \"" + lv + "\"");
  }
  if (c.log.format != "json" && c.log.format != "text")
    return Status::InvalidArgument("log.format: expected json or text, got \"" + c.log.format +
                                   "\"");
  const std::string& hp = c.authority_home_page;
  if ((hp.rfind("http://", 0) != 0 && hp.rfind("https://", 0) != 0) || hp.size() < 9 ||
      hp.find_first_of(" \t\r\n\"<>") != std::string::npos) {
    return Status::InvalidArgument("auth.authority_home_page: must be an http(s) IRL, got \"" + hp +
                                   "\"");
  }
  if (!c.bootstrap_credential.empty()) {
    std::size_t sep = c.bootstrap_credential.find(':');
    if (sep == std::string::npos || sep == 0 || sep + 1 == c.bootstrap_credential.size())
      return Status::InvalidArgument("LRS_BOOTSTRAP_CREDENTIAL: expected KEY:SECRET");
  }
  if (!c.forward_to.empty() || c.sync_destinations != "[]") {
    std::map<std::string, std::string> dests;
    if (Status s = SyncDestinations(c, &dests); !s.ok())
      return Status::InvalidArgument(
          (c.forward_to.empty() || c.sync_destinations != "[]" ? "sync." : "--forward-to: ") +
          s.message());
  }
  return Status::OK();
}

Status ResolveConfig(const FlagOverrides& flags, const EnvLookup& env, Config* config) {
  *config = Config();
  std::optional<std::string> file = flags.config_file;
  if (!file) file = env("LRS_CONFIG");
  if (file && !file->empty()) LRS_RETURN_IF_ERROR(LoadConfigFile(*file, config));
  LRS_RETURN_IF_ERROR(ApplyEnv(env, config));
  ApplyFlags(flags, config);
  return Validate(*config);
}

}  // namespace lrs::daemon
