// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The alternate request syntax of xAPI 1.0.3 (Communication 1.3): a POST
// with ?method=X whose form body carries headers, parameters and content.
// IEEE 9274.1.1 (2.0.0) removed it: under 2.0.0 such requests are refused.

#include <string>

#include "lrs/api/service.h"

namespace lrs::api {
namespace {

// Form parameters the LRS treats as headers (Communication 1.3.s3.b7).
bool IsHeaderParam(std::string_view name) {
  for (std::string_view h : {"Authorization", "X-Experience-API-Version", "Content-Type",
                             "Content-Length", "If-Match", "If-None-Match"}) {
    if (http::EqualsIgnoreCase(h, name)) return true;
  }
  return false;
}

bool Is2_0(std::string_view version) {
  XapiVersion v;
  return ParseXapiVersion(version, &v) && v == XapiVersion::k2_0_0;
}

}  // namespace

Status DecodeAlternateSyntax(http::Request* req) {
  std::vector<std::pair<std::string, std::string>> query;
  if (!http::ParseForm(req->query, &query)) return Status::OK();  // the router reports it
  bool has_method = false;
  for (const auto& [k, v] : query) has_method = has_method || k == "method";
  if (!has_method) return Status::OK();

  auto header_version = req->headers.Get("X-Experience-API-Version");
  if (header_version && Is2_0(*header_version)) {
    return Status::InvalidArgument(
        "method: the alternate request syntax was removed in xAPI 2.0.0 (IEEE 9274.1.1)");
  }
  // Communication 1.3.s3.b1-b3: a POST whose only query parameter is method.
  if (req->method != "POST") {
    return Status::InvalidArgument("method: the alternate request syntax must be sent with POST");
  }
  if (query.size() != 1) {
    return Status::InvalidArgument(
        "method: with the alternate request syntax the query string holds only \"method\"; "
        "send other parameters as form parameters");
  }
  const std::string method = query[0].second;
  if (method != "GET" && method != "PUT" && method != "POST" && method != "DELETE" &&
      method != "HEAD") {
    return Status::InvalidArgument("method: must be GET, HEAD, PUT, POST or DELETE");
  }
  std::vector<std::pair<std::string, std::string>> form;
  if (!req->body.empty() && !http::ParseForm(req->body, &form))
    return Status::InvalidArgument("content: malformed application/x-www-form-urlencoded body");

  http::Request out;
  out.method = method;
  out.path = req->path;
  out.remote = req->remote;
  // Headers sent as headers stay, except the form's own framing.
  for (const auto& [k, v] : req->headers.fields()) {
    if (http::EqualsIgnoreCase(k, "Content-Type") || http::EqualsIgnoreCase(k, "Content-Length"))
      continue;
    out.headers.Add(k, v);
  }
  std::string params;
  bool has_content = false;
  for (auto& [k, v] : form) {
    if (k == "content") {
      out.body = std::move(v);
      has_content = true;
    } else if (IsHeaderParam(k)) {
      // RFC 9110 5.5: a field value never holds CR, LF or NUL (one would
      // split the header, e.g. a stored Content-Type served back later).
      if (v.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        return Status::InvalidArgument(k + ": a header value must not contain CR, LF or NUL");
      }
      if (http::EqualsIgnoreCase(k, "X-Experience-API-Version") && Is2_0(v)) {
        return Status::InvalidArgument(
            "method: the alternate request syntax was removed in xAPI 2.0.0 (IEEE 9274.1.1)");
      }
      if (!http::EqualsIgnoreCase(k, "Content-Length")) out.headers.Set(k, v);
    } else {
      if (!params.empty()) params += '&';
      params += http::UrlEncode(k) + "=" + http::UrlEncode(v);
    }
  }
  if ((method == "PUT" || method == "POST") && !has_content && !req->body.empty() && form.empty())
    return Status::InvalidArgument("content: the request content must be the form parameter \"content\"");
  if (has_content && !out.headers.Get("Content-Type"))
    out.headers.Set("Content-Type", "application/json");
  out.query = std::move(params);
  *req = std::move(out);
  return Status::OK();
}

}  // namespace lrs::api
