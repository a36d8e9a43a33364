// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Logs of the `lrs` program, through spdlog: one line per event, either a
// JSON object ("json" format, for collectors) or "time LEVEL message k=v"
// ("text" format, for people). Access lines carry time, remote, method,
// route, status, duration_us, bytes, store and credential key. Nothing here
// ever receives a secret or an Authorization header: callers pass only the
// fields above.
//
// Thread safety: all methods may be called concurrently.

#ifndef LRS_DAEMON_LOGGING_H_
#define LRS_DAEMON_LOGGING_H_

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "lrs/daemon/config.h"
#include "lrs/status.h"

namespace spdlog {
class logger;
}

namespace lrs::daemon {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

struct AccessRecord {
  std::string_view remote;
  std::string_view method;
  std::string_view route;
  int status = 0;
  std::int64_t duration_us = 0;
  std::size_t bytes = 0;  // response body
  std::string_view store;
  std::string_view key;  // credential key (public half), empty if none
};

using LogFields = std::initializer_list<std::pair<std::string_view, std::string_view>>;

class Logger {
 public:
  // Opens the destination (stderr, or log.file appended to). IOError when
  // the file cannot be opened.
  static Status Open(const LogConfig& config, std::unique_ptr<Logger>* out);
  ~Logger();

  void Log(LogLevel level, std::string_view msg, LogFields fields = {});
  void Access(const AccessRecord& r);
  void Flush();

 private:
  Logger() = default;
  std::shared_ptr<spdlog::logger> logger_;
  bool json_ = true;
  bool access_ = true;
};

// Appends `s` as a JSON string literal (quotes and escapes included).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace lrs::daemon

#endif  // LRS_DAEMON_LOGGING_H_
