// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.

#include "lrs/daemon/logging.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <exception>

#include "lrs/clock.h"
#include "lrs/common/time.h"

namespace lrs::daemon {
namespace {

spdlog::level::level_enum SpdLevel(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* LevelName(LogLevel l) {
  switch (l) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

// Text format values: quoted when they contain spaces, quotes or controls.
void AppendTextValue(std::string_view v, std::string* out) {
  bool plain = !v.empty();
  for (char c : v) plain = plain && c > ' ' && c != '"' && c != '=' && c != 0x7f;
  if (plain)
    out->append(v);
  else
    AppendJsonString(v, out);
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out->append("\\u00");
          out->push_back(kHex[c >> 4]);
          out->push_back(kHex[c & 15]);
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

Status Logger::Open(const LogConfig& config, std::unique_ptr<Logger>* out) {
  std::unique_ptr<Logger> l(new Logger());
  l->json_ = config.format != "text";
  l->access_ = config.access;
  try {
    spdlog::sink_ptr sink;
    if (config.file.empty() || config.file == "-") {
      sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    } else {
      sink = std::make_shared<spdlog::sinks::basic_file_sink_mt>(config.file, /*truncate=*/false);
    }
    // Not registered globally: each Logger is independent (tests run several).
    l->logger_ = std::make_shared<spdlog::logger>("lrs", std::move(sink));
    l->logger_->set_pattern("%v");
    l->logger_->set_level(spdlog::level::from_str(config.level));
    l->logger_->flush_on(spdlog::level::trace);
  } catch (const std::exception& e) {
    return Status::IOError("log: cannot open " + config.file + ": " + e.what());
  }
  *out = std::move(l);
  return Status::OK();
}

Logger::~Logger() { Flush(); }

void Logger::Log(LogLevel level, std::string_view msg, LogFields fields) {
  if (!logger_->should_log(SpdLevel(level))) return;
  std::string line;
  const std::string time = FormatIso8601Millis(Clock::System()->NowMicros());
  if (json_) {
    line = "{\"time\":\"" + time + "\",\"level\":\"" + LevelName(level) + "\",\"msg\":";
    AppendJsonString(msg, &line);
    for (const auto& [k, v] : fields) {
      line.push_back(',');
      AppendJsonString(k, &line);
      line.push_back(':');
      AppendJsonString(v, &line);
    }
    line.push_back('}');
  } else {
    line = time + " " + LevelName(level) + " " + std::string(msg);
    for (const auto& [k, v] : fields) {
      line.push_back(' ');
      line.append(k);
      line.push_back('=');
      AppendTextValue(v, &line);
    }
  }
  try {
    logger_->log(SpdLevel(level), "{}", line);
  } catch (const std::exception&) {
    // A failing log destination must not take a request down.
  }
}

void Logger::Access(const AccessRecord& r) {
  if (!access_ || !logger_->should_log(spdlog::level::info)) return;
  const std::string status = std::to_string(r.status);
  const std::string duration = std::to_string(r.duration_us);
  const std::string bytes = std::to_string(r.bytes);
  if (json_) {
    // Numbers as JSON numbers.
    std::string line = "{\"time\":\"" + FormatIso8601Millis(Clock::System()->NowMicros()) +
                       "\",\"level\":\"info\",\"msg\":\"access\",\"remote\":";
    AppendJsonString(r.remote, &line);
    line += ",\"method\":";
    AppendJsonString(r.method, &line);
    line += ",\"route\":";
    AppendJsonString(r.route, &line);
    line += ",\"status\":" + status + ",\"duration_us\":" + duration + ",\"bytes\":" + bytes +
            ",\"store\":";
    AppendJsonString(r.store, &line);
    line += ",\"key\":";
    AppendJsonString(r.key, &line);
    line.push_back('}');
    try {
      logger_->info("{}", line);
    } catch (const std::exception&) {
    }
    return;
  }
  Log(LogLevel::kInfo, "access",
      {{"remote", r.remote},
       {"method", r.method},
       {"route", r.route},
       {"status", status},
       {"duration_us", duration},
       {"bytes", bytes},
       {"store", r.store},
       {"key", r.key}});
}

void Logger::Flush() {
  if (!logger_) return;
  try {
    logger_->flush();
  } catch (const std::exception&) {
  }
}

}  // namespace lrs::daemon
