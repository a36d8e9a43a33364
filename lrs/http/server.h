// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs::http::Server: an HTTP/1.1 server on Boost.Beast/Asio. Transport only:
// it parses requests, enforces limits and timeouts, and hands each complete
// request to a Handler on a worker thread. Handlers may block (a durable
// write waits for its group commit), so they never run on the I/O threads.
//
// Thread safety: Start/Stop/Wait may be called from any thread.

#ifndef LRS_HTTP_SERVER_H_
#define LRS_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "lrs/http/message.h"
#include "lrs/status.h"

namespace lrs::http {

struct ServerOptions {
  // "HOST:PORT"; port 0 picks a free port (see Server::port()).
  std::string listen = "127.0.0.1:8080";
  int io_threads = 2;       // Asio threads doing socket I/O
  int worker_threads = 64;  // threads running handlers (they may block)
  // GET, HEAD and OPTIONS run on the I/O thread that read them, saving two
  // thread hand-offs per read: their handlers must not block for long.
  bool inline_reads = true;
  // Limits. A larger body gets 413, larger headers 431, both with a JSON
  // error body; the connection is then closed.
  std::size_t max_body_bytes = std::size_t{64} << 20;
  std::size_t max_header_bytes = 64 << 10;
  // A client must send the complete header block within header_timeout and
  // each body within body_timeout (slow senders get 408 and are closed).
  // An idle keep-alive connection is closed after idle_timeout.
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds idle_timeout{60000};
  std::size_t max_connections = 10000;  // further connections are refused
  // SO_SNDBUF of each connection; 0 keeps the kernel's (autotuned, up to
  // net.ipv4.tcp_wmem). A streamed body (Response::stream) runs at most
  // about this far, plus one piece, ahead of what the client has received;
  // a small value costs throughput on long, fast links.
  std::size_t send_buffer_bytes = 0;
  // TLS: both set = HTTPS only (PEM files).
  std::string tls_cert_file;
  std::string tls_key_file;
};

// Called once per request on a worker thread (or, with inline_reads, on an
// I/O thread for GET, HEAD and OPTIONS); returns the response. HEAD
// responses keep Content-Length but the server sends no body. A response
// with a `stream` (message.h) is written piece by piece as the producer
// makes them, on the worker pool; the write deadline (the larger of
// body_timeout and header_timeout) applies to each piece, and Stop cuts a
// stream still running when the grace period ends.
using Handler = std::function<Response(Request&)>;

// Called after each response is written (access logs, metrics), also for
// the server's own error responses (400, 408, 413, 431; then the request
// holds only what was parsed: method and path, or nothing), and for a
// streamed response that was cut (producer failure, write timeout or
// error, Stop). Runs on an I/O thread: keep it short and never block in
// it. duration: from the first byte of the request to the last byte of the
// response.
struct Exchange {
  const Request* request;
  const Response* response;
  std::chrono::microseconds duration;
  // Body bytes actually sent (0 for HEAD; for a stream, the data of its
  // pieces without the chunk framing).
  std::uint64_t body_bytes = 0;
  bool complete = true;  // false: a streamed body was cut short
};
using Observer = std::function<void(const Exchange&)>;

class Server {
 public:
  // Binds and starts serving. Returns OK iff listening.
  static Status Start(const ServerOptions& options, Handler handler, Observer observer,
                      std::unique_ptr<Server>* out);
  virtual ~Server() = default;  // stops (as Stop with a short grace period)
  // The bound port (useful with port 0).
  virtual std::uint16_t port() const = 0;
  // Graceful shutdown: stops accepting, finishes in-flight requests (up to
  // `grace`), closes idle keep-alive connections, then stops the threads.
  // A handler still running after `grace` is waited for (it cannot be
  // interrupted); requests not yet handed to a handler get 503 / are
  // dropped. Idempotent; safe from any thread (e.g. a signal-waiting
  // thread). REQUIRES: not called from a Handler or an Observer.
  virtual void Stop(std::chrono::milliseconds grace) = 0;
  // Blocks until the server has stopped.
  virtual void Wait() = 0;
};

}  // namespace lrs::http

#endif  // LRS_HTTP_SERVER_H_
