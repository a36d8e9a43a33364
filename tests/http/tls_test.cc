// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// HTTPS: a self-signed certificate made at test time with the OpenSSL C API,
// and a Beast TLS client (verification off) talking to the server.

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <filesystem>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

#include "lrs/http/server.h"
#include "tests/http/http_test_util.h"
#include "tests/support/test_util.h"
#include "tests/support/tls_util.h"

namespace lrs::http {
namespace {

namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using net::ip::tcp;
using testing::ClientResponse;
using testing::EchoHandler;
using testing::Ms;
using testing::RawClient;
using testing::TestOptions;

using lrs::testing::MakeSelfSigned;

TEST_CASE("TLS: HTTPS round trip with a self-signed certificate", "[http][tls]") {
  lrs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path());
  ServerOptions o = TestOptions();
  o.tls_cert_file = dir.path() + "/cert.pem";
  o.tls_key_file = dir.path() + "/key.pem";
  REQUIRE(MakeSelfSigned(o.tls_cert_file, o.tls_key_file));
  o.header_timeout = Ms(2000);
  std::unique_ptr<Server> server;
  Status s = Server::Start(o, EchoHandler, nullptr, &server);
  INFO(s.ToString());
  REQUIRE(s.ok());

  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_none);
  net::ssl::stream<tcp::socket> stream(io, ctx);
  boost::system::error_code ec;
  stream.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()),
                              ec);
  REQUIRE_FALSE(ec);
  stream.handshake(net::ssl::stream_base::client, ec);
  INFO(ec.message());
  REQUIRE_FALSE(ec);
  CHECK(SSL_version(stream.native_handle()) >= TLS1_2_VERSION);

  boost::beast::flat_buffer buffer;
  for (int i = 0; i < 2; ++i) {  // two requests: keep-alive over TLS
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/tls%20path?x=1", 11};
    req.set(bhttp::field::host, "localhost");
    req.body() = "secret" + std::to_string(i);
    req.prepare_payload();
    bhttp::write(stream, req, ec);
    REQUIRE_FALSE(ec);
    bhttp::response<bhttp::string_body> resp;
    bhttp::read(stream, buffer, resp, ec);
    REQUIRE_FALSE(ec);
    CHECK(resp.result_int() == 200);
    CHECK(resp.body() == "POST /tls path?x=1|secret" + std::to_string(i));
  }
  stream.shutdown(ec);  // close_notify both ways; errors here are fine

  // Plain HTTP on the TLS port gets no HTTP response.
  RawClient plain(server->port());
  REQUIRE(plain.Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string got;
  CHECK(plain.WaitClosed(Ms(3000), &got));
  CHECK(got.rfind("HTTP/", 0) != 0);
  server->Stop(Ms(1000));
}

TEST_CASE("TLS: unreadable certificate or key fails Start", "[http][tls]") {
  ServerOptions o = TestOptions();
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  std::unique_ptr<Server> server;
  Status s = Server::Start(o, EchoHandler, nullptr, &server);
  CHECK(s.code() == Status::Code::kIOError);
  CHECK(s.message().find("/nonexistent/cert.pem") != std::string::npos);
  o.tls_key_file.clear();
  CHECK(Server::Start(o, EchoHandler, nullptr, &server).code() == Status::Code::kInvalidArgument);
}

TEST_CASE("TLS: a streamed body over HTTPS; a failing producer truncates it", "[http][tls][stream]") {
  lrs::testing::TempDir dir;
  std::filesystem::create_directories(dir.path());
  ServerOptions o = TestOptions();
  o.tls_cert_file = dir.path() + "/cert.pem";
  o.tls_key_file = dir.path() + "/key.pem";
  REQUIRE(MakeSelfSigned(o.tls_cert_file, o.tls_key_file));
  std::unique_ptr<Server> server;
  Status s = Server::Start(
      o,
      [](Request& req) {
        Response r;
        const bool fail = req.path == "/fail";
        r.stream = [fail, n = std::make_shared<int>(0)](std::string* chunk, bool* done) {
          if (fail && *n == 2) return Status::IOError("gone");
          chunk->assign(50000, static_cast<char>('a' + (*n)++));
          *done = *n == 20;
          return Status::OK();
        };
        return r;
      },
      nullptr, &server);
  REQUIRE(s.ok());

  net::io_context io;
  net::ssl::context ctx(net::ssl::context::tls_client);
  ctx.set_verify_mode(net::ssl::verify_none);
  net::ssl::stream<tcp::socket> stream(io, ctx);
  boost::system::error_code ec;
  stream.next_layer().connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server->port()),
                              ec);
  REQUIRE_FALSE(ec);
  stream.handshake(net::ssl::stream_base::client, ec);
  REQUIRE_FALSE(ec);
  boost::beast::flat_buffer buffer;
  for (const char* path : {"/ok", "/ok", "/fail"}) {
    INFO(path);
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, path, 11};
    req.set(bhttp::field::host, "localhost");
    bhttp::write(stream, req, ec);
    REQUIRE_FALSE(ec);
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(std::uint64_t{1} << 24);
    bhttp::read(stream, buffer, parser, ec);
    if (std::string_view(path) == "/ok") {
      REQUIRE_FALSE(ec);
      CHECK(parser.get()[bhttp::field::transfer_encoding] == "chunked");
      CHECK(parser.get().body().size() == 20 * 50000);
      CHECK(parser.get().body().substr(999999) == "t");
    } else {
      CHECK(ec);  // the transfer ended before the last chunk
      CHECK_FALSE(parser.is_done());
    }
  }
  server->Stop(Ms(1000));
}

}  // namespace
}  // namespace lrs::http
