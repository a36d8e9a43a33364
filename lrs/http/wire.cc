// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/http/wire.h"

#include <charconv>
#include <cstdio>
#include <ctime>

#include "lrs/common/encoding.h"

namespace lrs::http {
namespace {

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// clang-format off
std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Entity";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 507: return "Insufficient Storage";
    default: return "Unknown";
  }
}
// clang-format on

bool IsSafeFieldText(std::string_view s) {
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\0') return false;
  }
  return true;
}

void AppendNumber(std::size_t n, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  out->append(buf, end);
}

void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (b < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[b >> 4]);
      out->push_back(kHex[b & 0xf]);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

}  // namespace

bool DecodePath(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (in.size() - i < 3) return false;
      int hi = HexVal(in[i + 1]), lo = HexVal(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi << 4 | lo);
      i += 2;
    }
    if (c == '\0') return false;
    out->push_back(c);
  }
  return true;
}

bool SplitTarget(std::string_view target, Request* req) {
  // absolute-form: drop "scheme://authority".
  if (std::size_t scheme = target.find("://");
      scheme != std::string_view::npos && target.substr(0, 1) != "/") {
    std::size_t slash = target.find_first_of("/?", scheme + 3);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    if (target.front() == '?') {
      req->query.assign(target.substr(1));
      req->path.assign("/");
      return true;
    }
  }
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) {
    req->query.clear();
  } else {
    req->query.assign(target.substr(q + 1));
    target = target.substr(0, q);
  }
  return DecodePath(target, &req->path);
}

namespace {

// RFC 9110 6.6.1: an origin server with a clock sends Date. Formatted once
// per second per thread.
void AppendDate(std::string* out) {
  thread_local std::time_t cached_second = -1;
  thread_local char cached[40];
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::snprintf(cached, sizeof cached, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    cached_second = now;
  }
  out->append("Date: ");
  out->append(cached);
  out->append("\r\n");
}

}  // namespace

std::size_t AppendResponseHead(const Response& resp, const ResponseFraming& framing,
                               std::string* out) {
  int status = resp.status >= 100 && resp.status <= 999 ? resp.status : 500;
  out->append("HTTP/1.1 ");
  AppendNumber(static_cast<std::size_t>(status), out);
  out->push_back(' ');
  out->append(ReasonPhrase(status));
  out->append("\r\n");
  AppendDate(out);
  std::string_view handler_length;
  for (const auto& [name, value] : resp.headers.fields()) {
    if (EqualsIgnoreCase(name, "Content-Length")) {
      handler_length = value;
      continue;
    }
    if (EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
        EqualsIgnoreCase(name, "Date")) {
      continue;
    }
    if (name.empty() || !IsSafeFieldText(name) || !IsSafeFieldText(value)) continue;
    out->append(name);
    out->append(": ");
    out->append(value);
    out->append("\r\n");
  }
  bool no_body = status < 200 || status == 204 || status == 304;
  std::size_t send = 0;
  if (status == 304) {
    // A 304 may announce the length the 200 would have had.
    if (!handler_length.empty() && IsSafeFieldText(handler_length)) {
      out->append("Content-Length: ");
      out->append(handler_length);
      out->append("\r\n");
    }
  } else if (!no_body && framing.streamed) {
    // The length is not known up front.
    if (!framing.http10) out->append("Transfer-Encoding: chunked\r\n");
  } else if (!no_body) {
    out->append("Content-Length: ");
    std::size_t length = resp.body.size();
    std::size_t parsed = 0;
    if (framing.head && resp.body.empty() && !handler_length.empty()) {
      auto [p, ec] = std::from_chars(handler_length.data(),
                                     handler_length.data() + handler_length.size(), parsed);
      if (ec == std::errc() && p == handler_length.data() + handler_length.size()) length = parsed;
    }
    AppendNumber(length, out);
    out->append("\r\n");
    send = framing.head ? 0 : resp.body.size();
  }
  if (!framing.keep_alive) {
    out->append("Connection: close\r\n");
  } else if (framing.http10) {
    out->append("Connection: keep-alive\r\n");
  }
  out->append("\r\n");
  return send;
}

void AppendChunkHead(std::size_t size, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, size, 16);
  out->append(buf, end);
  out->append("\r\n");
}

std::string ErrorBody(int status, std::string_view code, std::string_view message) {
  std::string body;
  body.reserve(64 + code.size() + message.size());
  body.append("{\"error\":{\"code\":");
  AppendJsonString(code, &body);
  body.append(",\"status\":");
  AppendNumber(static_cast<std::size_t>(status), &body);
  body.append(",\"message\":");
  // A message may quote the client's bytes (a path): JSON text is UTF-8.
  AppendJsonString(ValidUtf8(message), &body);
  body.append("}}");
  return body;
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  Response resp;
  resp.status = status;
  resp.headers.Add("Content-Type", "application/json");
  resp.body = ErrorBody(status, code, message);
  return resp;
}

}  // namespace lrs::http
