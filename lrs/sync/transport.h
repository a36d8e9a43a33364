// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// HttpTransport: the seam between the sync module and the network. The
// relay and the connectors build HttpRequests and read HttpResponses; only
// curl_transport.cc includes libcurl. Tests may substitute their own.
//
// Thread safety: a transport may be used from several threads at once
// (each SendAll call is independent).

#ifndef LRS_SYNC_TRANSPORT_H_
#define LRS_SYNC_TRANSPORT_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lrs::sync {

class NetworkGuard;

struct HttpRequest {
  std::string method = "POST";
  std::string url;  // absolute http:// or https:// URL
  // Header names as sent; values never logged by the transport.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{30000};  // whole exchange
  // The SSRF guard (lrs/sync/network_guard.h): every address the transport
  // connects to for this request must pass it, or the request fails with
  // status 0 and an error naming the address. nullptr: no guard (only for
  // the daemon's own loopback calls; the relay stamps every destination's
  // requests with the destination's guard).
  std::shared_ptr<const NetworkGuard> guard;
};

struct HttpResponse {
  // HTTP status; 0 when no response arrived (see error).
  int status = 0;
  // Why no response arrived: "connect: Connection refused", "timeout", ...
  std::string error;
  // Header names lowercased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header with this (case-insensitive) name, or empty.
  std::string_view Header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends every request concurrently and returns when each has a response
  // or has failed: (*out)[i] answers reqs[i].
  virtual void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) = 0;
  // One request.
  HttpResponse Send(const HttpRequest& req);
};

// Stamps `guard` on every request it passes on to `inner` (which must
// outlive it). The relay gives each destination's connector one of these.
class GuardedTransport final : public HttpTransport {
 public:
  GuardedTransport(HttpTransport* inner, std::shared_ptr<const NetworkGuard> guard)
      : inner_(inner), guard_(std::move(guard)) {}
  void SendAll(const std::vector<HttpRequest>& reqs, std::vector<HttpResponse>* out) override;

 private:
  HttpTransport* inner_;
  std::shared_ptr<const NetworkGuard> guard_;
};

struct TransportOptions {
  // TLS peer and host verification is always on and cannot be turned off;
  // a CA bundle other than the system's may be given (PEM file).
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{10000};
  // Connections kept open per host for reuse.
  long max_host_connections = 8;
  std::string user_agent = "lrs-sync/1";
};

// The libcurl transport (curl multi interface, connection reuse, HTTP/1.1).
// http:// and https:// only; redirects are not followed; proxies from the
// environment (http_proxy, ...) are not used, so the guard judges the
// address really connected to.
std::unique_ptr<HttpTransport> NewCurlTransport(const TransportOptions& options = {});

}  // namespace lrs::sync

#endif  // LRS_SYNC_TRANSPORT_H_
