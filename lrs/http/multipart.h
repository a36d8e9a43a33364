// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// multipart/mixed bodies (RFC 2046 section 5.1): reading the boundary from a
// Content-Type, splitting a body into parts (header fields + body), and
// writing one. Transport only: what the parts mean is the caller's business.
//
// Parsing follows RFC 2046's grammar with CRLF line ends throughout:
//   [preamble CRLF] "--" boundary *LWSP CRLF part
//   *(CRLF "--" boundary *LWSP CRLF part)
//   CRLF "--" boundary "--" [epilogue]
// where each part is header fields (RFC 822 style, one per CRLF-ended line,
// no folding) then an empty line, then the body. The preamble and epilogue
// are ignored. A body whose close delimiter is missing is malformed.
//
// Thread safety: stateless functions; safe from any thread.

#ifndef LRS_HTTP_MULTIPART_H_
#define LRS_HTTP_MULTIPART_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/http/message.h"
#include "lrs/status.h"

namespace lrs::http {

// One part of a multipart body. `body` views the parsed input: it is valid
// as long as the input string is.
struct MultipartPart {
  Headers headers;
  std::string_view body;
};

struct MultipartLimits {
  std::size_t max_parts = 10000;
  std::size_t max_header_bytes = 16 << 10;  // per part, header block
  std::size_t max_header_fields = 64;       // per part
};

// The `boundary` parameter of a Content-Type value such as
// "multipart/mixed; boundary=abc" or "...; boundary=\"a b\"" (parameter
// names compare case-insensitively). InvalidArgument when absent, empty,
// longer than 70 characters, or made of characters RFC 2046 forbids.
Status BoundaryOf(std::string_view content_type, std::string* boundary);

// Splits `body` into its parts. InvalidArgument (naming the problem) when
// the body does not follow the grammar above; TooLarge past `limits`.
Status ParseMultipart(std::string_view body, std::string_view boundary,
                      std::vector<MultipartPart>* parts,
                      const MultipartLimits& limits = MultipartLimits());

// A fresh random boundary (alphanumeric and '-', 40 characters).
std::string NewBoundary();

// Serializes parts with `boundary` (which must not occur in any part; see
// WriteMultipartSafe): each part as "--boundary CRLF headers CRLF body
// CRLF", then "--boundary--" CRLF.
void WriteMultipart(const std::vector<MultipartPart>& parts, std::string_view boundary,
                    std::string* out);

// Picks a boundary that occurs in no part (NewBoundary until one fits),
// writes the parts with it and returns it.
std::string WriteMultipartSafe(const std::vector<MultipartPart>& parts, std::string* out);

}  // namespace lrs::http

#endif  // LRS_HTTP_MULTIPART_H_
