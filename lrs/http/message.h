// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// HTTP request and response as plain values: what lrs/http hands to a
// handler and takes back. Transport only; no xAPI semantics here. The same
// types serve the daemon, the in-app local endpoint and tests (handlers can
// be called directly, without a socket).

#ifndef LRS_HTTP_MESSAGE_H_
#define LRS_HTTP_MESSAGE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lrs/common/encoding.h"
#include "lrs/status.h"

namespace lrs::http {

// Header fields in arrival order. Names compare case-insensitively.
class Headers {
 public:
  // The first value of `name`, or nullopt.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Number of fields named `name` (repeated headers are a client error for
  // some xAPI headers).
  int Count(std::string_view name) const;
  // Replaces every field named `name` by one.
  void Set(std::string_view name, std::string_view value);
  void Add(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Case-insensitive ASCII comparison (header names, tokens).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct Request {
  std::string method;  // as sent, e.g. "GET"
  std::string path;    // percent-decoded path, without the query: "/xapi/statements"
  std::string query;   // raw query string after '?', not decoded; empty when none
  Headers headers;
  std::string body;
  std::string remote;  // peer "address:port", for logs
  // What the handler leaves for the Observer of this exchange (e.g. the
  // store and credential key for access logs). Never sent.
  std::vector<std::pair<std::string, std::string>> notes;
};

// Produces a response body piece by piece (Response::stream). Each call
// gets *chunk empty, appends the next piece (any size, empty allowed; keep
// it modest, e.g. 64 KiB: one piece per connection is in memory) and sets
// *done with the last one. The server calls it on its worker pool, never on
// an I/O thread, one call at a time, and only once the previous piece has
// been written to the socket: a slow client slows the producer down.
// A non-OK Status (or an exception) ends the response early: the server
// closes the connection without the final zero-length chunk, so an
// HTTP/1.1 client sees a truncated transfer. (An HTTP/1.0 client, which
// gets no chunking, sees the connection close; over plain TCP it cannot
// tell this from the end of the body.) It is not called at all for HEAD,
// for 1xx/204/304, or when the connection closes first; it is destroyed on
// whatever thread releases the response.
using BodyStream = std::function<Status(std::string* chunk, bool* done)>;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body comes from `stream` and `body` is ignored. It is
  // sent with "Transfer-Encoding: chunked" (HTTP/1.1) or, to an HTTP/1.0
  // client, unframed and followed by the end of the connection; any
  // Content-Length of the handler is dropped. Handlers called without a
  // socket (tests, the C API) drain it themselves.
  BodyStream stream;
};

// Decodes an application/x-www-form-urlencoded string (also a URL query):
// '+' is a space, %XX escapes are decoded. Pairs keep their order; a
// parameter may repeat. Returns false on a malformed escape.
bool ParseForm(std::string_view text, std::vector<std::pair<std::string, std::string>>* out);

// Percent-encodes for a query component (RFC 3986 unreserved kept).
inline std::string UrlEncode(std::string_view text) { return PercentEncode(text); }

}  // namespace lrs::http

#endif  // LRS_HTTP_MESSAGE_H_
