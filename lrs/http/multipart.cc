// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// multipart/mixed reading and writing (see multipart.h).

#include "lrs/http/multipart.h"

#include <utility>

#include "lrs/common/uuid.h"

namespace lrs::http {
namespace {

constexpr std::string_view kCrlf = "\r\n";

bool IsLwsp(char c) { return c == ' ' || c == '\t'; }

// RFC 2046 bcharsnospace.
bool IsBcharNoSpace(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '\'': case '(': case ')': case '+': case '_': case ',': case '-': case '.':
    case '/': case ':': case '=': case '?':
      return true;
    default:
      return false;
  }
}

// RFC 7230 tchar (header field names, parameter names and token values).
bool IsTchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsLwsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsLwsp(s.back())) s.remove_suffix(1);
  return s;
}

// At `p` (just after "--boundary"): returns the position after the line's
// CRLF for a delimiter line, or npos when this is not a delimiter line.
// Sets *close for a close delimiter ("--boundary--").
std::size_t AfterDelimiter(std::string_view body, std::size_t p, bool* close) {
  *close = false;
  if (body.substr(p, 2) == "--") {
    *close = true;
    return body.size();  // the epilogue is ignored
  }
  while (p < body.size() && IsLwsp(body[p])) ++p;  // transport padding
  if (body.substr(p, 2) != kCrlf) return std::string_view::npos;
  return p + 2;
}

// Parses the header block starting at *p; leaves *p after its empty line.
Status ParseHeaders(std::string_view body, std::size_t* p, const MultipartLimits& limits,
                    std::size_t index, Headers* out) {
  const std::string where = "multipart part " + std::to_string(index) + ": ";
  std::vector<std::pair<std::string, std::string>> fields;
  const std::size_t start = *p;
  for (;;) {
    std::size_t eol = body.find(kCrlf, *p);
    if (eol == std::string_view::npos)
      return Status::InvalidArgument(where + "the header block does not end with an empty line");
    if (eol - start > limits.max_header_bytes)
      return Status::TooLarge(where + "the header block is too large");
    std::string_view line = body.substr(*p, eol - *p);
    *p = eol + 2;
    if (line.empty()) break;
    if (line.find_first_of("\r\n") != std::string_view::npos || line.find('\0') != line.npos)
      return Status::InvalidArgument(where + "a header line holds a bare CR, LF or NUL");
    if (IsLwsp(line.front())) {  // obsolete line folding: continues the previous field
      if (fields.empty())
        return Status::InvalidArgument(where + "the header block starts with a continuation line");
      // Unfolded, then trimmed like any value: "A:\r\n b" is "b", not " b".
      std::string& value = fields.back().second;
      if (std::string_view more = Trim(line); !more.empty()) {
        if (!value.empty()) value += ' ';
        value += more;
      }
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return Status::InvalidArgument(where + "malformed header line (no \"name:\")");
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!IsTchar(c)) return Status::InvalidArgument(where + "malformed header field name");
    }
    if (fields.size() == limits.max_header_fields)
      return Status::TooLarge(where + "too many header fields");
    fields.emplace_back(std::string(name), std::string(Trim(line.substr(colon + 1))));
  }
  for (const auto& [k, v] : fields) out->Add(k, v);
  return Status::OK();
}

}  // namespace

Status BoundaryOf(std::string_view content_type, std::string* boundary) {
  boundary->clear();
  std::size_t p = content_type.find(';');
  bool found = false;
  while (p != std::string_view::npos && p < content_type.size()) {
    ++p;  // past ';'
    while (p < content_type.size() && IsLwsp(content_type[p])) ++p;
    if (p == content_type.size()) break;  // a trailing ';'
    std::size_t name_start = p;
    while (p < content_type.size() && IsTchar(content_type[p])) ++p;
    std::string_view name = content_type.substr(name_start, p - name_start);
    if (name.empty() || p == content_type.size() || content_type[p] != '=')
      return Status::InvalidArgument("Content-Type: malformed parameter");
    ++p;
    std::string value;
    if (p < content_type.size() && content_type[p] == '"') {
      ++p;
      bool closed = false;
      while (p < content_type.size()) {
        char c = content_type[p++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && p < content_type.size()) c = content_type[p++];
        value += c;
      }
      if (!closed) return Status::InvalidArgument("Content-Type: unterminated quoted parameter");
    } else {
      std::size_t v = p;
      while (p < content_type.size() && IsTchar(content_type[p])) ++p;
      value.assign(content_type.substr(v, p - v));
    }
    while (p < content_type.size() && IsLwsp(content_type[p])) ++p;
    if (p < content_type.size() && content_type[p] != ';')
      return Status::InvalidArgument("Content-Type: malformed parameter");
    if (EqualsIgnoreCase(name, "boundary")) {
      if (found) return Status::InvalidArgument("Content-Type: the boundary parameter is repeated");
      found = true;
      *boundary = std::move(value);
    }
  }
  if (!found || boundary->empty())
    return Status::InvalidArgument("Content-Type: multipart content needs a boundary parameter");
  if (boundary->size() > 70)
    return Status::InvalidArgument("Content-Type: the boundary is longer than 70 characters");
  for (char c : *boundary) {
    if (c != ' ' && !IsBcharNoSpace(c))
      return Status::InvalidArgument(
          "Content-Type: the boundary holds a character RFC 2046 forbids");
  }
  if (boundary->back() == ' ')
    return Status::InvalidArgument("Content-Type: the boundary must not end with a space");
  return Status::OK();
}

Status ParseMultipart(std::string_view body, std::string_view boundary,
                      std::vector<MultipartPart>* parts, const MultipartLimits& limits) {
  parts->clear();
  if (boundary.empty()) return Status::InvalidArgument("multipart: empty boundary");
  const std::string dash = "--" + std::string(boundary);
  const std::string delim = "\r\n" + dash;  // a delimiter inside the body

  // The first delimiter: at the very start, or after the preamble's CRLF.
  std::size_t p = std::string_view::npos;
  bool close = false;
  std::size_t at = body.substr(0, dash.size()) == dash ? 0 : body.find(delim);
  while (at != std::string_view::npos) {
    std::size_t dash_at = at == 0 && body.substr(0, dash.size()) == dash ? 0 : at + 2;
    p = AfterDelimiter(body, dash_at + dash.size(), &close);
    if (p != std::string_view::npos) break;
    at = body.find(delim, dash_at + 1);
  }
  if (p == std::string_view::npos)
    return Status::InvalidArgument("multipart: the body has no \"--" + std::string(boundary) +
                                   "\" delimiter line");
  if (close) return Status::InvalidArgument("multipart: the body has no parts");

  for (;;) {
    if (parts->size() == limits.max_parts) return Status::TooLarge("multipart: too many parts");
    MultipartPart part;
    LRS_RETURN_IF_ERROR(ParseHeaders(body, &p, limits, parts->size(), &part.headers));
    // The body runs to the next delimiter line.
    std::size_t search = p;
    std::size_t next = std::string_view::npos;
    for (;;) {
      std::size_t found = body.find(delim, search);
      if (found == std::string_view::npos) break;
      std::size_t after = AfterDelimiter(body, found + delim.size(), &close);
      if (after != std::string_view::npos) {
        next = after;
        part.body = body.substr(p, found - p);
        break;
      }
      search = found + 1;  // "--boundaryX...": not a delimiter
    }
    if (next == std::string_view::npos)
      return Status::InvalidArgument("multipart: part " + std::to_string(parts->size()) +
                                     " is not followed by a delimiter (missing close delimiter)");
    parts->push_back(std::move(part));
    if (close) return Status::OK();
    p = next;
  }
}

std::string NewBoundary() {
  static const char* kHex = "0123456789abcdef";
  unsigned char bytes[18];
  RandomBytes(bytes, sizeof bytes);
  std::string b = "lrs-";
  for (unsigned char c : bytes) {
    b += kHex[c >> 4];
    b += kHex[c & 15];
  }
  return b;
}

void WriteMultipart(const std::vector<MultipartPart>& parts, std::string_view boundary,
                    std::string* out) {
  std::size_t n = 0;
  for (const auto& part : parts) n += part.body.size() + boundary.size() + 128;
  out->reserve(out->size() + n);
  for (const auto& part : parts) {
    *out += "--";
    *out += boundary;
    *out += kCrlf;
    for (const auto& [k, v] : part.headers.fields()) {
      *out += k;
      *out += ": ";
      *out += v;
      *out += kCrlf;
    }
    *out += kCrlf;
    *out += part.body;
    *out += kCrlf;
  }
  *out += "--";
  *out += boundary;
  *out += "--";
  *out += kCrlf;
}

std::string WriteMultipartSafe(const std::vector<MultipartPart>& parts, std::string* out) {
  for (;;) {
    std::string boundary = NewBoundary();
    bool clash = false;
    for (const auto& part : parts) clash = clash || part.body.find(boundary) != part.body.npos;
    if (clash) continue;  // 2^-144 per part: practically never
    WriteMultipart(parts, boundary, out);
    return boundary;
  }
}

}  // namespace lrs::http
