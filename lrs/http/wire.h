// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/http: the byte-level pieces of HTTP/1.1 the server needs
// around Beast's parser: request-target decoding, the response head (written
// by hand into a reused buffer, cheaper than beast::http::fields per
// response) and the JSON body of transport-level errors.
//
// Thread safety: free functions on values.

#ifndef LRS_HTTP_WIRE_H_
#define LRS_HTTP_WIRE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "lrs/http/message.h"

namespace lrs::http {

// Percent-decodes a URL path ('+' stays '+'). Returns false on a malformed
// escape or a NUL byte (raw or decoded); *out is then unspecified.
bool DecodePath(std::string_view in, std::string* out);

// Splits a request-target (origin-form "/a%20b?x=1", absolute-form
// "http://host/a?x=1", or "*") into req->path (decoded) and req->query (raw).
// Returns false iff the path does not decode (see DecodePath).
bool SplitTarget(std::string_view target, Request* req);

// What the server adds to a handler's response when writing it.
struct ResponseFraming {
  bool head = false;       // the request was HEAD: keep Content-Length, send no body
  bool keep_alive = true;  // false: "Connection: close"
  bool http10 = false;     // an HTTP/1.0 client: keep-alive must be explicit
  // The body is resp.stream's: no Content-Length; "Transfer-Encoding:
  // chunked" for HTTP/1.1 (HEAD included, as the GET would have it), for
  // HTTP/1.0 nothing (the caller closes the connection at the end, and
  // passes keep_alive = false).
  bool streamed = false;
};

// Appends the status line and header block of `resp` (ending in the empty
// line) to *out. Sets Content-Length from the body (for HEAD: from the body,
// or the handler's own Content-Length when the body is empty) or, when
// streamed, Transfer-Encoding as above, and Connection and Date; drops the
// handler's Connection, Content-Length, Date and Transfer-Encoding fields
// and any field with CR, LF or NUL in it. Returns the number of body bytes
// of resp.body to send after the head (0 for HEAD, 1xx, 204, 304, and when
// streamed).
std::size_t AppendResponseHead(const Response& resp, const ResponseFraming& framing,
                               std::string* out);

// The JSON body of a transport-level error:
// {"error":{"code":"TooLarge","status":413,"message":"..."}}
std::string ErrorBody(int status, std::string_view code, std::string_view message);

// The chunked framing (RFC 9112 7.1) of a piece of `size` bytes: the line
// before it ("1a2b\r\n"), appended to *out.
void AppendChunkHead(std::size_t size, std::string* out);

// A response carrying ErrorBody with Content-Type application/json.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

}  // namespace lrs::http

#endif  // LRS_HTTP_WIRE_H_
