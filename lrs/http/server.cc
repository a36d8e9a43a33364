// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/http/server.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdio>
#include <exception>
#include <future>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "lrs/http/session.h"

namespace lrs::http {
namespace {

namespace net = boost::asio;
using boost::system::error_code;
using tcp = net::ip::tcp;

void LogError(const char* what, const char* detail) {
  std::fprintf(stderr, "lrs http: %s: %s\n", what, detail);
}

// Runs `ctx` until it has no more work; an exception escaping a completion
// handler is logged and the loop continues.
void RunLoop(net::io_context* ctx) {
  for (;;) {
    try {
      ctx->run();
      return;
    } catch (const std::exception& e) {
      LogError("uncaught exception in server thread", e.what());
    } catch (...) {
      LogError("uncaught exception in server thread", "unknown");
    }
  }
}

// Parses "HOST:PORT" / "[V6]:PORT"; resolves HOST if it is not numeric.
Status ParseListen(const std::string& listen, net::io_context* io, tcp::endpoint* out) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status::InvalidArgument("listen address must be HOST:PORT: \"" + listen + "\"");
  }
  std::string host = listen.substr(0, colon);
  std::string_view port_text = std::string_view(listen).substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::uint16_t port = 0;
  auto [end, perr] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || perr != std::errc() || end != port_text.data() + port_text.size()) {
    return Status::InvalidArgument("bad port in listen address \"" + listen + "\"");
  }
  if (host.empty()) {
    *out = tcp::endpoint(tcp::v4(), port);
    return Status::OK();
  }
  error_code ec;
  net::ip::address addr = net::ip::make_address(host, ec);
  if (!ec) {
    *out = tcp::endpoint(addr, port);
    return Status::OK();
  }
  tcp::resolver resolver(*io);
  auto results = resolver.resolve(host, std::string(port_text), ec);
  if (ec || results.empty()) {
    return Status::InvalidArgument("cannot resolve listen host \"" + host +
                                   "\": " + (ec ? ec.message() : "no address"));
  }
  *out = results.begin()->endpoint();
  return Status::OK();
}

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, Handler handler, Observer observer)
      : io_(std::max(1, options.io_threads)),
        accept_strand_(net::make_strand(io_)),
        acceptor_(accept_strand_),
        accept_retry_(accept_strand_) {
    shared_ = std::make_unique<ServerShared>(work_.get_executor());
    shared_->options = options;
    shared_->handler = std::move(handler);
    shared_->observer = std::move(observer);
  }

  ~ServerImpl() override { Stop(std::chrono::milliseconds(1000)); }

  Status Init() {
    const ServerOptions& o = shared_->options;
    if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
      return Status::InvalidArgument("TLS needs both a certificate and a key file");
    }
    if (!o.tls_cert_file.empty()) LRS_RETURN_IF_ERROR(InitTls());
    tcp::endpoint endpoint;
    LRS_RETURN_IF_ERROR(ParseListen(o.listen, &io_, &endpoint));
    error_code ec;
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (!ec) port_ = acceptor_.local_endpoint(ec).port();
    if (ec) return Status::IOError("cannot listen on " + o.listen + ": " + ec.message());

    io_guard_.emplace(io_.get_executor());
    work_guard_.emplace(work_.get_executor());
    net::post(accept_strand_, [this] { Accept(); });
    started_ = true;
    for (int i = 0; i < std::max(1, o.worker_threads); ++i) {
      worker_threads_.emplace_back([this] { RunLoop(&work_); });
    }
    for (int i = 0; i < std::max(1, o.io_threads); ++i) {
      io_threads_.emplace_back([this] { RunLoop(&io_); });
    }
    return Status::OK();
  }

  std::uint16_t port() const override { return port_; }

  void Stop(std::chrono::milliseconds grace) override {
    std::lock_guard<std::mutex> stop_lock(stop_mu_);
    if (Stopped()) return;
    auto deadline = std::chrono::steady_clock::now() + grace;
    shared_->stopping.store(true);
    if (started_) {
      // 1. Stop accepting (on the acceptor's strand; wait until done).
      std::promise<void> closed;
      net::post(accept_strand_, [this, &closed] {
        error_code ec;
        acceptor_.close(ec);
        accept_retry_.cancel();
        closed.set_value();
      });
      closed.get_future().wait();
      // 2. Close idle connections; the others close after their response.
      ForEachSession([](SessionBase* s) { s->StopSoft(); });
      {
        std::unique_lock<std::mutex> lock(shared_->mu);
        shared_->cv.wait_until(lock, deadline, [&] { return shared_->sessions.empty(); });
      }
      // 3. Grace is over: close everything, let running handlers return.
      shared_->hard_stop.store(true);
      ForEachSession([](SessionBase* s) { s->StopHard(); });
      work_guard_.reset();
      JoinAll(&worker_threads_);
      {
        std::unique_lock<std::mutex> lock(shared_->mu);
        shared_->cv.wait_for(lock, std::chrono::seconds(1),
                             [&] { return shared_->sessions.empty(); });
      }
      io_guard_.reset();
      io_.stop();
      JoinAll(&io_threads_);
    }
    std::lock_guard<std::mutex> lock(state_mu_);
    stopped_ = true;
    state_cv_.notify_all();
  }

  void Wait() override {
    std::unique_lock<std::mutex> lock(state_mu_);
    state_cv_.wait(lock, [&] { return stopped_; });
  }

 private:
  bool Stopped() {
    std::lock_guard<std::mutex> lock(state_mu_);
    return stopped_;
  }

  Status InitTls() {
    const ServerOptions& o = shared_->options;
    tls_ = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
    error_code ec;
    tls_->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                          net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                          net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use,
                      ec);
    SSL_CTX_set_min_proto_version(tls_->native_handle(), TLS1_2_VERSION);
    if (!ec) tls_->use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) {
      return Status::IOError("cannot load TLS certificate " + o.tls_cert_file + ": " +
                             ec.message());
    }
    tls_->use_private_key_file(o.tls_key_file, net::ssl::context::pem, ec);
    if (ec) return Status::IOError("cannot load TLS key " + o.tls_key_file + ": " + ec.message());
    return Status::OK();
  }

  // On accept_strand_.
  void Accept() {
    acceptor_.async_accept(net::make_strand(io_), [this](error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        // E.g. EMFILE: back off instead of spinning on the error.
        accept_retry_.expires_after(std::chrono::milliseconds(50));
        accept_retry_.async_wait([this](error_code e) {
          if (!e && acceptor_.is_open()) Accept();
        });
        return;
      }
      error_code ignored;
      if (shared_->stopping.load() ||
          shared_->session_count.load() >= shared_->options.max_connections) {
        socket.close(ignored);  // over the limit: memory stays bounded
      } else {
        socket.set_option(tcp::no_delay(true), ignored);
        if (std::size_t sndbuf = shared_->options.send_buffer_bytes; sndbuf != 0) {
          socket.set_option(net::socket_base::send_buffer_size(
                                static_cast<int>(std::min<std::size_t>(sndbuf, INT_MAX))),
                            ignored);
        }
        MakeSession(shared_.get(), std::move(socket), tls_.get())->Start();
      }
      Accept();
    });
  }

  template <class F>
  void ForEachSession(F f) {
    std::vector<std::shared_ptr<SessionBase>> live;
    {
      std::lock_guard<std::mutex> lock(shared_->mu);
      for (auto& w : shared_->sessions) {
        if (auto s = w.lock()) live.push_back(std::move(s));
      }
    }
    for (auto& s : live) f(s.get());
    // `live` may hold the last references: released here, outside the lock.
  }

  static void JoinAll(std::vector<std::thread>* threads) {
    for (auto& t : *threads) {
      if (t.joinable()) t.join();
    }
    threads->clear();
  }

  // Destruction order matters: sessions (owned by handlers queued in io_
  // and work_) must go before shared_ and tls_ that they point to, and
  // work_ before io_ (its queued jobs own sessions whose sockets use io_).
  std::unique_ptr<net::ssl::context> tls_;
  std::unique_ptr<ServerShared> shared_;
  net::io_context io_;
  net::io_context work_;
  net::strand<net::io_context::executor_type> accept_strand_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> io_guard_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_guard_;
  std::vector<std::thread> io_threads_;
  std::vector<std::thread> worker_threads_;
  std::uint16_t port_ = 0;
  bool started_ = false;

  std::mutex stop_mu_;  // serializes Stop
  std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool stopped_ = false;  // GUARDED_BY(state_mu_)
};

}  // namespace

Status Server::Start(const ServerOptions& options, Handler handler, Observer observer,
                     std::unique_ptr<Server>* out) {
  if (!handler) return Status::InvalidArgument("http server needs a handler");
  try {
    auto server = std::make_unique<ServerImpl>(options, std::move(handler), std::move(observer));
    LRS_RETURN_IF_ERROR(server->Init());
    *out = std::move(server);
    return Status::OK();
  } catch (const std::exception& e) {
    return Status::IOError(std::string("cannot start http server on ") + options.listen + ": " +
                           e.what());
  }
}

}  // namespace lrs::http
