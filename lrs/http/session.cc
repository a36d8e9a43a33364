// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/http/session.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "lrs/http/request_parser.h"
#include "lrs/http/wire.h"

namespace lrs::http {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using tcp = net::ip::tcp;

SessionBase::SessionBase(ServerShared* shared) : shared_(shared) {
  shared_->session_count.fetch_add(1);
}

SessionBase::~SessionBase() {
  std::lock_guard<std::mutex> lock(shared_->mu);
  if (registered_) shared_->sessions.erase(registration_);
  shared_->session_count.fetch_sub(1);
  shared_->cv.notify_all();
}

void SessionBase::Start() {
  {
    std::lock_guard<std::mutex> lock(shared_->mu);
    registration_ = shared_->sessions.insert(shared_->sessions.end(), weak_from_this());
    registered_ = true;
  }
  Run();
}

namespace {

// How long a closing connection is drained so the client reads our last
// response instead of a reset, and how much of its input we swallow.
constexpr std::chrono::milliseconds kLinger{1000};
constexpr std::chrono::milliseconds kStopLinger{200};  // while the server stops
constexpr std::size_t kMaxDrainBytes = std::size_t{4} << 20;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

template <class Stream>
class Session final : public SessionBase {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  Session(ServerShared* shared, tcp::socket socket, net::ssl::context* tls)
      : SessionBase(shared),
        executor_(socket.get_executor()),
        stream_(MakeStream(std::move(socket), tls)),
        timer_(executor_),
        buffer_(shared->options.max_header_bytes + 65536) {}

  void StopSoft() override {
    net::post(executor_, [self = Self()] {
      if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kHandshake) self->Close();
    });
  }
  void StopHard() override {
    net::post(executor_, [self = Self()] { self->Close(); });
  }

 protected:
  void Run() override {
    net::post(executor_, [self = Self()] { self->Begin(); });
  }

 private:
  enum class Phase {
    kHandshake,
    kIdle,
    kHeader,
    kBody,
    kHandler,
    kWrite,
    kProduce,  // a streamed body's next piece is being made on the worker pool
    kLinger,
    kClosed
  };

  static Stream MakeStream(tcp::socket socket, net::ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls);
    } else {
      (void)tls;
      return socket;
    }
  }
  tcp::socket& Lowest() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }
  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  const ServerOptions& opts() const { return shared_->options; }

  void Begin() {
    error_code ec;
    tcp::endpoint peer = Lowest().remote_endpoint(ec);
    if (!ec) {
      remote_ = peer.address().is_v6() ? "[" + peer.address().to_string() + "]"
                                       : peer.address().to_string();
      remote_ += ":" + std::to_string(peer.port());
    }
    if constexpr (kTls) {
      phase_ = Phase::kHandshake;
      SetDeadline(opts().header_timeout);
      stream_.async_handshake(net::ssl::stream_base::server, [self = Self()](error_code e) {
        if (self->closed_) return;
        if (e) return self->Close();
        self->ReadRequest();
      });
    } else {
      ReadRequest();
    }
  }

  // ---- Reading a request ---------------------------------------------------

  void ReadRequest() {
    if (shared_->stopping.load() && buffer_.size() == 0) return Close();
    parser_.emplace(&req_, opts().max_body_bytes, opts().max_header_bytes);
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(opts().max_header_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(opts().max_body_bytes));
    if (buffer_.size() == 0) {
      phase_ = Phase::kIdle;
      SetDeadline(first_request_ ? opts().header_timeout : opts().idle_timeout);
      ReadMore();
    } else {  // pipelined bytes already here
      StartHeader();
      Parse();
    }
  }

  void StartHeader() {
    phase_ = Phase::kHeader;
    start_ = Clock::now();
    SetDeadline(opts().header_timeout);
  }

  void ReadMore() {
    std::size_t room = buffer_.max_size() - buffer_.size();
    if (room == 0) return SendError(431, "TooLarge", HeaderTooLarge());
    std::size_t want = std::clamp<std::size_t>(buffer_.capacity() - buffer_.size(), 4096, 65536);
    stream_.async_read_some(buffer_.prepare(std::min(want, room)),
                            [self = Self()](error_code ec, std::size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, std::size_t n) {
    if (closed_) return;
    buffer_.commit(n);
    if (timed_out_) return OnTimedOut();
    if (ec) return Close();  // EOF, reset, TLS truncation: nothing to answer
    if (phase_ == Phase::kIdle) StartHeader();
    Parse();
  }

  // Feeds buffered bytes to the parser; reads more, or dispatches the request.
  void Parse() {
    while (buffer_.size() > 0 && !parser_->is_done()) {
      error_code ec;
      std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec && ec != bhttp::error::need_more) return OnParseError(ec);
      if (phase_ == Phase::kHeader && parser_->is_header_done() && !OnHeaderDone()) return;
      if (ec || used == 0) break;
    }
    if (parser_->is_done()) return Dispatch();
    ReadMore();
  }

  // Returns false if it took over the flow (a 100 Continue write).
  bool OnHeaderDone() {
    phase_ = Phase::kBody;
    first_request_ = false;
    SetDeadline(opts().body_timeout);
    if (parser_->is_done() || parser_->version() < 11 || !parser_->expects_continue()) {
      return true;
    }
    net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                     [self = Self()](error_code ec, std::size_t) {
                       if (self->closed_) return;
                       if (self->timed_out_) return self->OnTimedOut();
                       if (ec) return self->Close();
                       self->Parse();
                     });
    return false;
  }

  void OnParseError(error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "TooLarge",
                       "request body exceeds " + std::to_string(opts().max_body_bytes) + " bytes");
    }
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      return SendError(431, "TooLarge", HeaderTooLarge());
    }
    SendError(400, "InvalidArgument", "malformed HTTP request: " + ec.message());
  }

  std::string HeaderTooLarge() const {
    return "request header exceeds " + std::to_string(opts().max_header_bytes) + " bytes";
  }

  void OnTimedOut() {
    timed_out_ = false;
    if (phase_ == Phase::kHeader || phase_ == Phase::kBody) {
      auto ms = phase_ == Phase::kHeader ? opts().header_timeout : opts().body_timeout;
      return SendError(408, "Timeout",
                       std::string(phase_ == Phase::kHeader ? "request header" : "request body") +
                           " not received within " + std::to_string(ms.count()) + " ms");
    }
    Close();
  }

  // ---- Handling --------------------------------------------------------------

  void Dispatch() {
    phase_ = Phase::kHandler;
    ClearDeadline();
    if (!SplitTarget(parser_->target(), &req_)) {
      return SendError(400, "InvalidArgument", "malformed percent-encoding in the request path");
    }
    req_.remote = remote_;
    keep_alive_ = parser_->keep_alive();
    http10_ = parser_->version() < 11;
    head_ = parser_->method() == bhttp::verb::head;
    parser_.reset();
    if (opts().inline_reads &&
        (req_.method == "GET" || req_.method == "HEAD" || req_.method == "OPTIONS")) {
      // Reads never wait for a commit: answered on this I/O thread, without
      // the two thread hand-offs of the worker pool.
      CallHandler();
      return WriteResponse();
    }
    net::post(shared_->workers, [self = Self()] { self->RunHandler(); });
  }

  // On a worker thread.
  void RunHandler() {
    CallHandler();
    net::post(executor_, [self = Self()] { self->WriteResponse(); });
  }

  void CallHandler() {
    if (shared_->hard_stop.load()) {
      resp_ = ErrorResponse(503, "Unavailable", "server is stopping");
    } else {
      try {
        resp_ = shared_->handler(req_);
      } catch (const std::exception& e) {
        resp_ = ErrorResponse(500, "Internal", std::string("request handler failed: ") + e.what());
      } catch (...) {
        resp_ = ErrorResponse(500, "Internal", "request handler failed");
      }
    }
  }

  // ---- Writing ---------------------------------------------------------------

  void SendError(int status, std::string_view code, std::string_view message) {
    // For the observer: what was parsed (the method and headers are in req_).
    req_.path.clear();
    req_.query.clear();
    req_.body.clear();
    req_.notes.clear();
    req_.remote = remote_;
    if (parser_ && parser_->has_request_line()) {
      if (!SplitTarget(parser_->target(), &req_)) req_.path.assign(parser_->target());  // raw
    } else {
      req_.method.clear();
      req_.headers = Headers();
    }
    if (phase_ == Phase::kIdle) start_ = Clock::now();
    parser_.reset();
    resp_ = ErrorResponse(status, code, message);
    keep_alive_ = false;
    http10_ = false;
    head_ = false;
    WriteResponse();
  }

  std::chrono::milliseconds WriteTimeout() const {
    return std::max(opts().body_timeout, opts().header_timeout);
  }

  void WriteResponse() {
    if (closed_) return;
    auto connection = resp_.headers.Get("Connection");
    const int status = resp_.status;
    const bool has_stream = static_cast<bool>(resp_.stream);
    // A body is produced only for a GET-like request and a status that has one.
    const bool streamed =
        has_stream && !head_ && status >= 200 && status != 204 && status != 304 && status <= 999;
    close_after_ = !keep_alive_ || shared_->stopping.load() ||
                   (connection && EqualsIgnoreCase(*connection, "close")) ||
                   (streamed && http10_);  // HTTP/1.0: the end of the body is the end
    ResponseFraming framing{head_, !close_after_, http10_, has_stream};
    head_bytes_.clear();
    std::size_t body_bytes = AppendResponseHead(resp_, framing, &head_bytes_);
    body_sent_ = 0;
    phase_ = Phase::kWrite;
    SetDeadline(WriteTimeout());
    if (streamed) {
      streaming_ = true;
      net::async_write(stream_, net::buffer(head_bytes_),
                       [self = Self()](error_code ec, std::size_t) {
                         if (self->closed_) return;
                         if (ec || self->timed_out_) return self->Close();
                         self->ProduceNext();
                       });
      return;
    }
    resp_.stream = nullptr;  // HEAD, 204...: never called
    std::array<net::const_buffer, 2> buffers{net::buffer(head_bytes_),
                                             net::buffer(resp_.body.data(), body_bytes)};
    net::async_write(stream_, buffers, [self = Self(), body_bytes](error_code ec, std::size_t) {
      if (self->closed_) return;
      if (ec || self->timed_out_) return self->Close();
      self->body_sent_ = body_bytes;
      self->OnWritten();
    });
  }

  void OnWritten() {
    Observe(true);
    // An idle connection keeps no request or response memory.
    req_.body = std::string();
    req_.notes.clear();
    resp_.body = std::string();
    resp_.stream = nullptr;
    chunk_ = std::string();
    if (close_after_) return GracefulClose();
    ReadRequest();
  }

  void Observe(bool complete) {
    if (!shared_->observer) return;
    auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start_);
    try {
      shared_->observer(Exchange{&req_, &resp_, elapsed, body_sent_, complete});
    } catch (...) {  // an observer failure must not take the connection down
    }
  }

  // ---- Streaming a body (Response::stream) -------------------------------------
  //
  // One piece at a time: produce it on the worker pool, write it, and only
  // then produce the next. Memory per connection is one piece, whatever the
  // size of the body; a slow client holds the producer back.

  void ProduceNext() {
    phase_ = Phase::kProduce;
    ClearDeadline();  // the producer's time is the handler's (not bounded)
    chunk_.clear();
    net::post(shared_->workers, [self = Self()] { self->Produce(); });
  }

  // On a worker thread; chunk_ and resp_.stream are the worker's until it
  // posts back.
  void Produce() {
    bool done = false;
    Status s;
    if (shared_->hard_stop.load()) {
      s = Status::Busy("server is stopping");
    } else {
      try {
        s = resp_.stream(&chunk_, &done);
      } catch (const std::exception& e) {
        s = Status::Internal(std::string("body producer failed: ") + e.what());
      } catch (...) {
        s = Status::Internal("body producer failed");
      }
    }
    net::post(executor_, [self = Self(), ok = s.ok(), done] { self->OnProduced(ok, done); });
  }

  void OnProduced(bool ok, bool done) {
    if (closed_) return;  // cut meanwhile (Stop, timeout); observed by Close
    if (!ok) return AbortStream();
    stream_done_ = done;
    static constexpr std::string_view kChunkEnd = "\r\n";
    static constexpr std::string_view kChunkEndLast = "\r\n0\r\n\r\n";
    static constexpr std::string_view kLast = "0\r\n\r\n";
    chunk_head_.clear();
    std::string_view tail;
    if (!http10_) {
      if (!chunk_.empty()) {
        AppendChunkHead(chunk_.size(), &chunk_head_);
        tail = done ? kChunkEndLast : kChunkEnd;
      } else if (done) {
        tail = kLast;
      }
    }
    if (chunk_.empty() && tail.empty()) {  // nothing to write
      if (done) return FinishStream();
      return ProduceNext();
    }
    phase_ = Phase::kWrite;
    SetDeadline(WriteTimeout());
    std::array<net::const_buffer, 3> buffers{net::buffer(chunk_head_), net::buffer(chunk_),
                                             net::buffer(tail.data(), tail.size())};
    net::async_write(stream_, buffers, [self = Self()](error_code ec, std::size_t n) {
      if (self->closed_) return;
      // What of this piece's data reached the socket (for the observer).
      const std::size_t head = self->chunk_head_.size();
      self->body_sent_ += std::min(self->chunk_.size(), n > head ? n - head : 0);
      if (ec || self->timed_out_) return self->Close();
      if (self->stream_done_) return self->FinishStream();
      self->ProduceNext();
    });
  }

  void FinishStream() {
    streaming_ = false;
    OnWritten();
  }

  // The producer failed: end the connection without the last chunk so the
  // client sees a truncated body rather than a complete one.
  void AbortStream() {
    streaming_ = false;
    Observe(false);
    if constexpr (kTls) {
      Close();  // no close_notify: a TLS client sees the truncation too
    } else {
      GracefulClose();  // FIN after what was sent, never a reset over it
    }
  }

  // ---- Closing ---------------------------------------------------------------

  // Stops sending, then drains what the client still sends (for up to
  // kLinger) so it reads our last response rather than a connection reset.
  void GracefulClose() {
    phase_ = Phase::kLinger;
    SetDeadline(shared_->stopping.load() ? kStopLinger : kLinger);
    if constexpr (kTls) {
      stream_.async_shutdown([self = Self()](error_code) { self->Close(); });
    } else {
      error_code ec;
      Lowest().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return Close();
      buffer_.clear();
      Drain();
    }
  }

  void Drain() {
    stream_.async_read_some(buffer_.prepare(4096), [self = Self()](error_code ec, std::size_t n) {
      if (self->closed_) return;
      self->drained_ += n;
      if (ec || self->drained_ > kMaxDrainBytes) return self->Close();
      self->Drain();
    });
  }

  void Close() {
    if (closed_) return;
    if (streaming_) {  // a stream cut by a timeout, a write error or Stop
      streaming_ = false;
      Observe(false);
    }
    closed_ = true;
    phase_ = Phase::kClosed;
    error_code ec;
    Lowest().close(ec);
    timer_.cancel();
  }

  // ---- Deadlines ---------------------------------------------------------------

  void SetDeadline(std::chrono::milliseconds d) {
    deadline_ = Clock::now() + d;
    if (!armed_ || deadline_ < armed_at_) Arm(deadline_);
  }
  void ClearDeadline() { deadline_ = Clock::time_point::max(); }

  void Arm(Clock::time_point at) {
    armed_ = true;
    armed_at_ = at;
    std::uint64_t gen = ++timer_gen_;
    timer_.expires_at(at);
    timer_.async_wait([self = Self(), gen](error_code ec) { self->OnTimer(ec, gen); });
  }

  void OnTimer(error_code ec, std::uint64_t gen) {
    if (gen != timer_gen_ || closed_) return;  // superseded or closed
    armed_ = false;
    if (ec || deadline_ == Clock::time_point::max()) return;
    if (Clock::now() < deadline_) return Arm(deadline_);
    switch (phase_) {
      case Phase::kHeader:
      case Phase::kBody: {
        // Abort the read; its completion answers 408.
        timed_out_ = true;
        error_code ignored;
        Lowest().cancel(ignored);
        break;
      }
      case Phase::kWrite:
        timed_out_ = true;
        Close();
        break;
      default:
        Close();
    }
  }

  net::any_io_executor executor_;  // the connection's strand
  Stream stream_;
  net::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<RequestParser> parser_;  // writes into req_
  Request req_;
  Response resp_;
  std::string head_bytes_;       // the response head, reused
  std::string chunk_;            // the streamed piece being produced or written
  std::string chunk_head_;       // its chunk-size line
  std::uint64_t body_sent_ = 0;  // body bytes of the current response written
  std::string remote_;
  Phase phase_ = Phase::kIdle;
  Clock::time_point start_{};
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point armed_at_{};
  std::uint64_t timer_gen_ = 0;
  std::size_t drained_ = 0;
  bool armed_ = false;
  bool timed_out_ = false;
  bool closed_ = false;
  bool first_request_ = true;
  bool keep_alive_ = true;
  bool close_after_ = false;
  bool http10_ = false;
  bool head_ = false;
  bool streaming_ = false;    // writing resp_.stream's body
  bool stream_done_ = false;  // the piece being written is the last
};

}  // namespace

std::shared_ptr<SessionBase> MakeSession(ServerShared* shared, tcp::socket socket,
                                         net::ssl::context* tls) {
  if (tls != nullptr) {
    return std::make_shared<Session<net::ssl::stream<tcp::socket>>>(shared, std::move(socket), tls);
  }
  return std::make_shared<Session<tcp::socket>>(shared, std::move(socket), nullptr);
}

}  // namespace lrs::http
