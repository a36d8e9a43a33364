// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/http: Beast's HTTP/1.1 request parser writing straight
// into an lrs::http::Request (method, headers, body), so a request costs no
// intermediate beast::http::message (one allocation per header field less,
// no body copy). The target stays raw here; the session decodes it.
//
// Beast's own header_limit bounds only the bytes of one put() call: fields
// it has consumed from earlier reads do not count, so a header block sent in
// small pieces could grow without bound. This parser also counts what it has
// been handed (request line and fields) and stops at `max_header` with
// error::header_limit.
//
// Thread safety: one parser per connection, used on its strand.

#ifndef LRS_HTTP_REQUEST_PARSER_H_
#define LRS_HTTP_REQUEST_PARSER_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include "lrs/http/message.h"

namespace lrs::http {

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  using string_view = boost::beast::string_view;
  using field = boost::beast::http::field;
  using verb = boost::beast::http::verb;
  using error_code = boost::beast::error_code;

  // Parses into *req, whose method, headers and body it resets.
  // REQUIRES: *req outlives the parser and is not touched while parsing.
  // The body is reserved up to `max_body` from Content-Length. The request
  // line and header fields together may take `max_header` bytes (counted as
  // "NAME: VALUE" CRLF, chunked trailers included).
  RequestParser(Request* req, std::size_t max_body,
                std::size_t max_header = static_cast<std::size_t>(-1))
      : req_(req), max_body_(max_body), max_header_(max_header) {
    req_->method.clear();
    req_->headers = Headers();
    req_->body.clear();
  }

  bool has_request_line() const { return has_request_line_; }
  std::string_view target() const { return target_; }
  verb method() const { return verb_; }
  int version() const { return version_; }  // 10 or 11
  bool expects_continue() const { return expect_continue_; }

 private:
  static std::string_view ToStd(string_view s) { return {s.data(), s.size()}; }

  // Adds `n` bytes to the header count; false (and header_limit) past the limit.
  bool CountHeader(std::size_t n, error_code& ec) {
    header_bytes_ += n;
    if (header_bytes_ <= max_header_) return true;
    ec = boost::beast::http::error::header_limit;
    return false;
  }

  void on_request_impl(verb method, string_view method_str, string_view target, int version,
                       error_code& ec) override {
    // "METHOD TARGET HTTP/1.1" CRLF
    if (!CountHeader(method_str.size() + target.size() + 12, ec)) return;
    verb_ = method;
    req_->method.assign(ToStd(method_str));
    target_.assign(ToStd(target));
    version_ = version;
    has_request_line_ = true;
  }
  void on_response_impl(int, string_view, int, error_code&) override {}
  void on_field_impl(field name, string_view name_string, string_view value,
                     error_code& ec) override {
    if (!CountHeader(name_string.size() + value.size() + 4, ec)) return;  // "N: V" CRLF
    req_->headers.Add(ToStd(name_string), ToStd(value));
    if (name == field::expect && EqualsIgnoreCase(ToStd(value), "100-continue")) {
      expect_continue_ = true;
    }
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    if (length) {
      req_->body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*length, max_body_)));
    }
  }
  std::size_t on_body_impl(string_view body, error_code&) override {
    req_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code&) override {
    req_->body.append(body.data(), body.size());
    return body.size();
  }
  void on_finish_impl(error_code&) override {}

  Request* const req_;
  const std::size_t max_body_;
  const std::size_t max_header_;
  std::size_t header_bytes_ = 0;
  std::string target_;
  verb verb_ = verb::unknown;
  int version_ = 11;
  bool has_request_line_ = false;
  bool expect_continue_ = false;
};

}  // namespace lrs::http

#endif  // LRS_HTTP_REQUEST_PARSER_H_
