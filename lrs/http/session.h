// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/http: one accepted connection (plain TCP or TLS) and the
// server state its sessions share. A session reads one request at a time
// with Beast's parser on its own strand, hands the complete request to the
// worker pool, and writes the response back on the strand; then it reads
// the next request (keep-alive) or closes. A streamed response
// (Response::stream) alternates: produce one piece on the worker pool,
// write it on the strand, produce the next.
//
// Deadlines (header, body, idle, write) use one timer per connection that
// is re-armed lazily: setting a later deadline costs no timer operation.
//
// Thread safety: a session's state is touched only on its strand, except
// the request/response pair, which the worker owns while the handler runs,
// and the stream producer and its piece, which the worker owns while it
// produces (the post to and from the pool orders the accesses).

#ifndef LRS_HTTP_SESSION_H_
#define LRS_HTTP_SESSION_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <list>
#include <memory>
#include <mutex>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "lrs/http/server.h"

namespace lrs::http {

class SessionBase;

// What the sessions of one server share. Owned by the server; outlives
// every session.
struct ServerShared {
  ServerOptions options;
  Handler handler;
  Observer observer;                               // may be empty
  boost::asio::io_context::executor_type workers;  // the handler pool
  std::atomic<bool> stopping{false};   // Stop called: finish the current request, then close
  std::atomic<bool> hard_stop{false};  // grace is over: skip queued handlers

  // Live sessions (for Stop and max_connections).
  std::mutex mu;
  std::condition_variable cv;                      // notified when a session goes away
  std::list<std::weak_ptr<SessionBase>> sessions;  // GUARDED_BY(mu)
  std::atomic<std::size_t> session_count{0};

  explicit ServerShared(boost::asio::io_context::executor_type w) : workers(std::move(w)) {}
};

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(ServerShared* shared);  // counts the session
  SessionBase(const SessionBase&) = delete;
  SessionBase& operator=(const SessionBase&) = delete;
  virtual ~SessionBase();

  // Registers the session with the server and starts serving.
  void Start();
  // Stop asked: closes the connection now if it is idle between requests,
  // otherwise the current request is answered with "Connection: close".
  // Any thread.
  virtual void StopSoft() = 0;
  // Grace is over: closes the connection. Any thread.
  virtual void StopHard() = 0;

 protected:
  virtual void Run() = 0;
  ServerShared* const shared_;

 private:
  std::list<std::weak_ptr<SessionBase>>::iterator registration_;
  bool registered_ = false;
};

// Creates a session for an accepted socket (whose executor is a strand).
// `tls` null: plain HTTP; otherwise the session does the TLS handshake
// first. Call Start() on the result.
std::shared_ptr<SessionBase> MakeSession(ServerShared* shared, boost::asio::ip::tcp::socket socket,
                                         boost::asio::ssl::context* tls);

}  // namespace lrs::http

#endif  // LRS_HTTP_SESSION_H_
