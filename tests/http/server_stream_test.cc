// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Streamed responses (Response::stream): chunked framing, back-pressure
// from a slow client (the producer never runs far ahead of what the client
// has read), HTTP/1.0, HEAD, a producer failing mid-stream, keep-alive
// after a stream, write timeouts and Stop cutting a stream, and what the
// observer is told.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lrs/http/server.h"
#include "lrs/http/wire.h"
#include "tests/http/http_test_util.h"

namespace lrs::http {
namespace {

using testing::Ms;
using testing::StartOrFail;
using testing::TestOptions;
using Clock = std::chrono::steady_clock;

// Byte `i` of every test body: a pattern that catches lost, repeated or
// reordered pieces.
char PatternByte(std::uint64_t i) { return static_cast<char>('a' + (i * 7 + i / 65536) % 26); }

// A producer of `total` pattern bytes in pieces of `piece`; fails with
// IOError after `fail_after` pieces when that is set.
struct PatternStream {
  std::uint64_t total = 0;
  std::size_t piece = 64 * 1024;
  int fail_after = -1;
  std::atomic<std::uint64_t>* produced = nullptr;  // optional counter
  std::atomic<int>* calls = nullptr;               // optional counter

  BodyStream Make() const {
    auto offset = std::make_shared<std::uint64_t>(0);
    auto pieces = std::make_shared<int>(0);
    PatternStream p = *this;
    return [p, offset, pieces](std::string* chunk, bool* done) -> Status {
      if (p.calls != nullptr) ++*p.calls;
      if (p.fail_after >= 0 && *pieces >= p.fail_after) return Status::IOError("disk on fire");
      const std::uint64_t n = std::min<std::uint64_t>(p.piece, p.total - *offset);
      for (std::uint64_t i = 0; i < n; ++i) chunk->push_back(PatternByte(*offset + i));
      *offset += n;
      ++*pieces;
      if (p.produced != nullptr) *p.produced += n;
      *done = *offset == p.total;
      return Status::OK();
    };
  }
};

bool IsPattern(std::string_view data, std::uint64_t from = 0) {
  for (std::size_t i = 0; i < data.size(); ++i)
    if (data[i] != PatternByte(from + i)) return false;
  return true;
}

// A blocking loopback client that can shrink its receive buffer before
// connecting and decodes a chunked body incrementally (so a 50 MB body
// never sits in the test's memory either).
class StreamClient {
 public:
  explicit StreamClient(std::uint16_t port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~StreamClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool connected() const { return fd_ >= 0; }
  int ReceiveBuffer() const {
    int v = 0;
    socklen_t len = sizeof v;
    ::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &v, &len);
    return v;
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads the status line and headers. False on timeout or EOF.
  bool ReadHead(int* status, Headers* headers, Ms timeout = Ms(5000)) {
    const auto deadline = Clock::now() + timeout;
    std::size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (Fill(deadline, 16384) <= 0) return false;
    }
    std::string_view block(pending_.data(), end);
    *status = std::stoi(std::string(block.substr(9, 3)));
    *headers = Headers();
    std::size_t pos = block.find("\r\n");
    while (pos != std::string_view::npos && pos < block.size()) {
      pos += 2;
      std::size_t eol = std::min(block.find("\r\n", pos), block.size());
      std::string_view line = block.substr(pos, eol - pos);
      std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) return false;
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      headers->Add(line.substr(0, colon), value);
      pos = eol == block.size() ? std::string_view::npos : eol;
    }
    pending_.erase(0, end + 4);
    return true;
  }

  // Decodes a chunked body, handing each piece of data to `on_data` as it
  // arrives. `read_size` bytes per recv; `pause` after each recv (a slow
  // reader). Returns true iff the last chunk arrived; *eof tells whether
  // the connection ended first (a truncated transfer).
  template <class F>
  bool ReadChunked(F on_data, bool* eof, std::size_t read_size = 16384, Ms timeout = Ms(20000),
                   std::chrono::microseconds pause = std::chrono::microseconds(0)) {
    const auto deadline = Clock::now() + timeout;
    *eof = false;
    for (;;) {
      // A size line.
      std::size_t eol;
      while ((eol = pending_.find("\r\n")) == std::string::npos) {
        if (!More(deadline, read_size, pause, eof)) return false;
      }
      const std::size_t size = std::stoul(pending_.substr(0, eol), nullptr, 16);
      pending_.erase(0, eol + 2);
      std::size_t left = size;
      while (left > 0) {
        if (pending_.empty() && !More(deadline, read_size, pause, eof)) return false;
        const std::size_t take = std::min(left, pending_.size());
        on_data(std::string_view(pending_.data(), take));
        pending_.erase(0, take);
        left -= take;
      }
      while (pending_.size() < 2) {
        if (!More(deadline, read_size, pause, eof)) return false;
      }
      if (pending_.compare(0, 2, "\r\n") != 0) return false;
      pending_.erase(0, 2);
      if (size == 0) return true;  // the last chunk (no trailers sent)
    }
  }

  // Everything until the server closes (HTTP/1.0 bodies). False on timeout.
  bool ReadToEof(std::string* out, Ms timeout = Ms(10000)) {
    const auto deadline = Clock::now() + timeout;
    out->append(pending_);
    pending_.clear();
    for (;;) {
      ssize_t n = Fill(deadline, 65536);
      if (n < 0) return false;
      if (n == 0) break;
      out->append(pending_);
      pending_.clear();
    }
    return true;
  }

  // Exactly n bytes (a Content-Length body) into *out.
  bool ReadExact(std::size_t n, std::string* out, Ms timeout = Ms(5000)) {
    const auto deadline = Clock::now() + timeout;
    while (pending_.size() < n) {
      if (Fill(deadline, 16384) <= 0) return false;
    }
    out->assign(pending_, 0, n);
    pending_.erase(0, n);
    return true;
  }

  const std::string& pending() const { return pending_; }

 private:
  bool More(Clock::time_point deadline, std::size_t read_size, std::chrono::microseconds pause,
            bool* eof) {
    ssize_t n = Fill(deadline, read_size);
    if (n == 0) *eof = true;
    if (n > 0 && pause.count() > 0) std::this_thread::sleep_for(pause);
    return n > 0;
  }
  // >0 bytes read, 0 EOF or reset, -1 timeout.
  ssize_t Fill(Clock::time_point deadline, std::size_t read_size) {
    auto left = std::chrono::duration_cast<Ms>(deadline - Clock::now());
    if (left.count() < 0) return -1;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return -1;
    std::string buf(read_size, '\0');
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n <= 0) return 0;
    pending_.append(buf.data(), static_cast<std::size_t>(n));
    return n;
  }

  int fd_ = -1;
  std::string pending_;
};

// Resident set size of this process, in bytes.
std::size_t Rss() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// What the observer saw, per request path.
struct Seen {
  std::mutex mu;
  std::vector<std::string> log;  // "PATH STATUS BYTES complete|cut"
  Observer observer() {
    return [this](const Exchange& ex) {
      std::lock_guard<std::mutex> lock(mu);
      log.push_back(ex.request->path + " " + std::to_string(ex.response->status) + " " +
                    std::to_string(ex.body_bytes) + (ex.complete ? " complete" : " cut"));
    };
  }
  std::vector<std::string> Get() {
    std::lock_guard<std::mutex> lock(mu);
    return log;
  }
  // Waits until `n` exchanges were observed.
  bool WaitFor(std::size_t n, Ms timeout = Ms(5000)) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (Get().size() >= n) return true;
      std::this_thread::sleep_for(Ms(5));
    }
    return false;
  }
};

TEST_CASE("AppendResponseHead: a streamed body is chunked, or unframed for HTTP/1.0",
          "[http][wire][stream]") {
  Response r;
  r.headers.Set("Content-Length", "99");  // the handler's length is dropped
  r.stream = PatternStream{10}.Make();
  std::string head;
  CHECK(AppendResponseHead(r, ResponseFraming{false, true, false, true}, &head) == 0);
  CHECK(head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(head.find("Content-Length") == std::string::npos);
  head.clear();
  AppendResponseHead(r, ResponseFraming{false, false, true, true}, &head);
  CHECK(head.find("Transfer-Encoding") == std::string::npos);
  CHECK(head.find("Content-Length") == std::string::npos);
  CHECK(head.find("Connection: close\r\n") != std::string::npos);
  head.clear();
  AppendChunkHead(0x1a2b, &head);
  CHECK(head == "1a2b\r\n");
}

TEST_CASE("Stream: 50 MB to a slow reader; the producer stays a few pieces ahead",
          "[http][server][stream]") {
  constexpr std::uint64_t kTotal = std::uint64_t{50} << 20;
  constexpr std::size_t kPiece = 64 * 1024;
  constexpr std::size_t kSendBuffer = 64 * 1024;
  ServerOptions o = TestOptions();
  o.send_buffer_bytes = kSendBuffer;
  std::atomic<std::uint64_t> produced{0}, received{0}, max_lead{0};
  std::atomic<int> calls{0};
  Seen seen;
  auto server = StartOrFail(
      o,
      [&](Request&) {
        Response r;
        r.headers.Set("Content-Type", "application/octet-stream");
        BodyStream inner = PatternStream{kTotal, kPiece, -1, &produced, &calls}.Make();
        // Before each piece: how far is the producer ahead of the client?
        r.stream = [&, inner](std::string* chunk, bool* done) {
          const std::uint64_t p = produced.load(), c = received.load();
          const std::uint64_t lead = p > c ? p - c : 0;
          std::uint64_t m = max_lead.load();
          while (lead > m && !max_lead.compare_exchange_weak(m, lead)) {
          }
          return inner(chunk, done);
        };
        return r;
      },
      seen.observer());
  const std::size_t rss_before = Rss();
  StreamClient c(server->port(), 64 * 1024);
  REQUIRE(c.connected());
  REQUIRE(c.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n"));
  int status = 0;
  Headers headers;
  REQUIRE(c.ReadHead(&status, &headers));
  CHECK(status == 200);
  CHECK(headers.Get("Transfer-Encoding") == std::optional<std::string_view>("chunked"));
  CHECK_FALSE(headers.Get("Content-Length").has_value());

  // Read nothing for a while: the producer must stall once the socket
  // buffers are full, not run on into memory.
  std::this_thread::sleep_for(Ms(300));
  const std::uint64_t stalled_at = produced.load();
  std::this_thread::sleep_for(Ms(200));
  CHECK(produced.load() == stalled_at);  // no progress without a reader
  // The bound: the piece being written and the next, plus what the kernel
  // buffers hold on both ends (Linux doubles SO_SNDBUF, and SO_RCVBUF as
  // reported already is).
  const std::uint64_t bound = 2 * kPiece + 2 * kSendBuffer +
                              static_cast<std::uint64_t>(c.ReceiveBuffer()) + (c.pending().size());
  CHECK(stalled_at <= bound);

  // Then read slowly, checking every byte.
  std::uint64_t offset = 0;
  bool ok_pattern = true, eof = false;
  std::size_t peak_rss = 0;
  const bool complete = c.ReadChunked(
      [&](std::string_view data) {
        ok_pattern = ok_pattern && IsPattern(data, offset);
        offset += data.size();
        received = offset;
        if (offset % (std::uint64_t{4} << 20) < data.size()) peak_rss = std::max(peak_rss, Rss());
      },
      &eof, 32 * 1024, Ms(60000), std::chrono::microseconds(300));
  CHECK(complete);
  CHECK_FALSE(eof);
  CHECK(ok_pattern);
  CHECK(offset == kTotal);
  INFO("max lead " << max_lead.load() << " bound " << bound << " rcvbuf " << c.ReceiveBuffer());
  CHECK(max_lead.load() <= bound);
  CHECK(max_lead.load() < (std::uint64_t{1} << 20));  // far below the 50 MB body
  CHECK(calls.load() == static_cast<int>(kTotal / kPiece));
  // Memory stayed bounded: the process grew by far less than the body.
  INFO("rss before " << rss_before << " peak " << peak_rss);
  CHECK(peak_rss < rss_before + (std::size_t{16} << 20));
  REQUIRE(seen.WaitFor(1));
  CHECK(seen.Get() == std::vector<std::string>{"/big 200 " + std::to_string(kTotal) + " complete"});
  server->Stop(Ms(1000));
}

TEST_CASE("Stream: HTTP/1.0 gets the body unframed, then the connection closes",
          "[http][server][stream]") {
  auto server = StartOrFail(TestOptions(), [](Request&) {
    Response r;
    r.stream = PatternStream{200000, 7000}.Make();
    return r;
  });
  StreamClient c(server->port());
  REQUIRE(c.Send("GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  int status = 0;
  Headers headers;
  REQUIRE(c.ReadHead(&status, &headers));
  CHECK(status == 200);
  CHECK_FALSE(headers.Get("Transfer-Encoding").has_value());
  CHECK_FALSE(headers.Get("Content-Length").has_value());
  CHECK(headers.Get("Connection") == std::optional<std::string_view>("close"));
  std::string body;
  REQUIRE(c.ReadToEof(&body));
  CHECK(body.size() == 200000);
  CHECK(IsPattern(body));
}

TEST_CASE("Stream: HEAD gets the headers only; the producer is never called; keep-alive",
          "[http][server][stream]") {
  std::atomic<int> calls{0};
  Seen seen;
  auto server = StartOrFail(
      TestOptions(),
      [&](Request& req) {
        Response r;
        r.headers.Set("X-Kind", "stream");
        r.stream = PatternStream{100000, 4096, -1, nullptr, &calls}.Make();
        if (req.path == "/small") r.stream = PatternStream{10, 4096}.Make();
        return r;
      },
      seen.observer());
  StreamClient c(server->port());
  REQUIRE(c.Send("HEAD /s HTTP/1.1\r\nHost: x\r\n\r\n"));
  int status = 0;
  Headers headers;
  REQUIRE(c.ReadHead(&status, &headers));
  CHECK(status == 200);
  CHECK(headers.Get("X-Kind") == std::optional<std::string_view>("stream"));
  CHECK(headers.Get("Transfer-Encoding") == std::optional<std::string_view>("chunked"));
  // The same connection serves the next request: nothing followed the head.
  REQUIRE(c.Send("GET /small HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(c.ReadHead(&status, &headers));
  std::string body;
  bool eof = false;
  REQUIRE(c.ReadChunked([&](std::string_view d) { body.append(d); }, &eof));
  CHECK(body.size() == 10);
  CHECK(IsPattern(body));
  CHECK(calls.load() == 0);
  REQUIRE(seen.WaitFor(2));
  CHECK(seen.Get() == std::vector<std::string>{"/s 200 0 complete", "/small 200 10 complete"});
}

TEST_CASE("Stream: a keep-alive request after a streamed one on the same connection",
          "[http][server][stream]") {
  auto server = StartOrFail(TestOptions(), [](Request& req) {
    Response r;
    if (req.path == "/stream") {
      r.stream = PatternStream{300000, 65536}.Make();
    } else if (req.path == "/empty") {
      r.stream = [](std::string*, bool* done) {
        *done = true;
        return Status::OK();
      };
    } else {
      r.body = "plain " + req.path;
    }
    return r;
  });
  StreamClient c(server->port());
  for (int round = 0; round < 2; ++round) {
    REQUIRE(c.Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    int status = 0;
    Headers headers;
    REQUIRE(c.ReadHead(&status, &headers));
    CHECK(headers.Get("Connection") == std::nullopt);  // kept alive
    std::string body;
    bool eof = false;
    REQUIRE(c.ReadChunked([&](std::string_view d) { body.append(d); }, &eof));
    CHECK(body.size() == 300000);
    CHECK(IsPattern(body));
    // An empty stream is just the last chunk.
    REQUIRE(c.Send("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(c.ReadHead(&status, &headers));
    body.clear();
    REQUIRE(c.ReadChunked([&](std::string_view d) { body.append(d); }, &eof));
    CHECK(body.empty());
    // A plain response follows on the same connection.
    REQUIRE(c.Send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n"));
    REQUIRE(c.ReadHead(&status, &headers));
    CHECK(status == 200);
    REQUIRE(headers.Get("Content-Length") == std::optional<std::string_view>("12"));
    REQUIRE(c.ReadExact(12, &body));
    CHECK(body == "plain /after");
  }
  CHECK(c.pending().empty());
}

TEST_CASE("Stream: a producer failing mid-stream truncates the transfer (no last chunk)",
          "[http][server][stream]") {
  Seen seen;
  auto server = StartOrFail(
      TestOptions(),
      [](Request& req) {
        Response r;
        if (req.path == "/fail") {
          r.stream = PatternStream{1000000, 10000, 3}.Make();
        } else {
          r.stream = [](std::string* chunk, bool*) -> Status {
            chunk->append("partial");  // discarded: the call failed
            throw std::runtime_error("producer threw");
          };
        }
        return r;
      },
      seen.observer());
  for (const char* path : {"/fail", "/throw"}) {
    StreamClient c(server->port());
    REQUIRE(c.Send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    int status = 0;
    Headers headers;
    REQUIRE(c.ReadHead(&status, &headers));
    CHECK(status == 200);  // the head was sent before the failure
    std::string body;
    bool eof = false;
    CHECK_FALSE(c.ReadChunked([&](std::string_view d) { body.append(d); }, &eof));
    CHECK(eof);  // the connection ended before the last chunk
    CHECK(body.size() == (std::string_view(path) == "/fail" ? 30000u : 0u));
    CHECK(IsPattern(body));
  }
  REQUIRE(seen.WaitFor(2));
  auto log = seen.Get();
  std::sort(log.begin(), log.end());
  CHECK(log == std::vector<std::string>{"/fail 200 30000 cut", "/throw 200 0 cut"});
}

TEST_CASE("Stream: the write timeout cuts a stream the client stops reading",
          "[http][server][stream]") {
  ServerOptions o = TestOptions();
  o.header_timeout = Ms(300);
  o.body_timeout = Ms(300);
  o.send_buffer_bytes = 64 * 1024;
  Seen seen;
  std::atomic<std::uint64_t> produced{0};
  auto server = StartOrFail(
      o,
      [&](Request&) {
        Response r;
        r.stream = PatternStream{std::uint64_t{1} << 30, 65536, -1, &produced}.Make();
        return r;
      },
      seen.observer());
  StreamClient c(server->port(), 64 * 1024);
  REQUIRE(c.Send("GET /stuck HTTP/1.1\r\nHost: x\r\n\r\n"));
  int status = 0;
  Headers headers;
  REQUIRE(c.ReadHead(&status, &headers));
  // Never read: the server gives up once a piece waits past the deadline.
  REQUIRE(seen.WaitFor(1, Ms(5000)));
  auto log = seen.Get();
  REQUIRE(log.size() == 1);
  CHECK(log[0].rfind("/stuck 200 ", 0) == 0);
  CHECK(log[0].find(" cut") != std::string::npos);
  CHECK(produced.load() < (std::uint64_t{4} << 20));
}

TEST_CASE("Stream: Stop gives a running stream the grace period, then cuts it",
          "[http][server][stream]") {
  ServerOptions o = TestOptions();
  o.send_buffer_bytes = 64 * 1024;
  Seen seen;
  std::atomic<int> calls{0};
  auto server = StartOrFail(
      o,
      [&](Request& req) {
        Response r;
        if (req.path == "/short") {
          // Finishes within the grace period although it is slow.
          r.stream = [n = std::make_shared<int>(0)](std::string* chunk, bool* done) {
            std::this_thread::sleep_for(Ms(40));
            chunk->append("x");
            *done = ++*n == 5;
            return Status::OK();
          };
        } else {
          r.stream = PatternStream{std::uint64_t{1} << 30, 65536, -1, nullptr, &calls}.Make();
        }
        return r;
      },
      seen.observer());
  StreamClient endless(server->port(), 64 * 1024), short_one(server->port());
  REQUIRE(endless.Send("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n"));
  REQUIRE(short_one.Send("GET /short HTTP/1.1\r\nHost: x\r\n\r\n"));
  int status = 0;
  Headers headers;
  REQUIRE(endless.ReadHead(&status, &headers));
  REQUIRE(short_one.ReadHead(&status, &headers));
  const auto t0 = Clock::now();
  std::thread stopper([&] { server->Stop(Ms(600)); });
  std::string body;
  bool eof = false;
  CHECK(short_one.ReadChunked([&](std::string_view d) { body.append(d); }, &eof));
  CHECK(body == "xxxxx");  // completed during the grace period
  stopper.join();
  const auto took = Clock::now() - t0;
  CHECK(took >= Ms(500));  // the endless stream had its grace period
  CHECK(took < Ms(3000));  // and was then cut
  std::string rest;
  CHECK(endless.ReadToEof(&rest));  // closed by the server
  REQUIRE(seen.WaitFor(2));
  auto log = seen.Get();
  std::sort(log.begin(), log.end());
  CHECK(log[0].rfind("/endless 200 ", 0) == 0);
  CHECK(log[0].find(" cut") != std::string::npos);
  CHECK(log[1] == "/short 200 5 complete");
}

}  // namespace
}  // namespace lrs::http
