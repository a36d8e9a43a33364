// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// GET /export of `lrs serve` (lrs/daemon/export_http.cc): the same NDJSON
// as `lrs export`, CSV with chosen fields, paging with after/limit and
// X-Export-Last (also across erased statements), who may export which
// store, and 400s before any byte of the body. Most requests go through
// Daemon::Handle and drain the response's stream; some go over a socket to
// see the chunked transfer.

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "lrs/daemon/cli.h"
#include "lrs/daemon/routes.h"
#include "tests/daemon/daemon_util.h"

namespace lrs::daemon {
namespace {

using testing::BasicAuth;
using testing::MakeRequest;
using testing::TestDaemon;

// The whole body of a (possibly streamed) response, as a client would get it.
std::string Drain(http::Response& r) {
  if (!r.stream) return r.body;
  std::string body, chunk;
  bool done = false;
  while (!done) {
    chunk.clear();
    Status s = r.stream(&chunk, &done);
    REQUIRE(s.ok());
    body += chunk;
  }
  return body;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string IdOf(const std::string& statement_line) {
  const std::size_t at = statement_line.find("\"id\":\"");
  return at == std::string::npos ? "" : statement_line.substr(at + 6, 36);
}

std::string StatementNumber(int i, const std::string& who = "") {
  return lrs::testing::Statement(
      (who.empty() ? "l" + std::to_string(i % 5) : who) + "@example.com",
      "http://adlnet.gov/expapi/verbs/completed", "http://example.com/m" + std::to_string(i),
      R"("result":{"score":{"scaled":0.)" + std::to_string(i % 10) + "}}");
}

// Posts `n` statements (in batches) as `auth`.
void PostStatements(Daemon* d, const std::string& auth, int n, int first = 0) {
  for (int i = first; i < first + n;) {
    std::string body = "[";
    for (int k = 0; k < 100 && i < first + n; ++k, ++i) {
      if (k) body += ',';
      body += StatementNumber(i);
    }
    body += ']';
    auto req = MakeRequest("POST", "/xapi/statements", "", body);
    req.headers.Set("Authorization", auth);
    req.headers.Set("X-Experience-API-Version", "2.0.0");
    req.headers.Set("Content-Type", "application/json");
    http::Response r = d->Handle(req);
    INFO(r.body);
    REQUIRE(r.status == 200);
  }
}

http::Response Export(Daemon* d, const std::string& auth, const std::string& query,
                      const std::string& method = "GET") {
  auto req = MakeRequest(method, "/export", query);
  if (!auth.empty()) req.headers.Set("Authorization", auth);
  return d->Handle(req);
}

std::string Header(const http::Response& r, std::string_view name) {
  return std::string(r.headers.Get(name).value_or(""));
}

std::string ErrorMessage(const http::Response& r) { return r.body; }

// One GET over a real socket, read with Beast (which decodes the chunks).
struct Fetched {
  int status = 0;
  std::string transfer_encoding, content_length, body;
};
Fetched FetchOverSocket(std::uint16_t port, const std::string& target, const std::string& auth) {
  namespace net = boost::asio;
  namespace bhttp = boost::beast::http;
  net::io_context io;
  net::ip::tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  req.set(bhttp::field::authorization, auth);
  bhttp::write(socket, req);
  boost::beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(std::uint64_t{1} << 30);
  bhttp::read(socket, buffer, parser);
  Fetched f;
  auto& res = parser.get();
  f.status = static_cast<int>(res.result_int());
  f.transfer_encoding = std::string(res[bhttp::field::transfer_encoding]);
  f.content_length = std::string(res[bhttp::field::content_length]);
  f.body = res.body();
  return f;
}

TEST_CASE("GET /export: NDJSON equals lrs export; CSV with fields; HEAD; over a socket",
          "[daemon][export]") {
  TestDaemon t;
  const auto dev = *t.daemon->dev_credential();
  const std::string auth = BasicAuth(dev.key, dev.secret);
  PostStatements(t.daemon.get(), auth, 700);  // several pages and 64 KiB pieces

  http::Response r = Export(t.daemon.get(), auth, "");
  REQUIRE(r.status == 200);
  CHECK(Header(r, "Content-Type") == "application/x-ndjson");
  CHECK(Header(r, "Content-Disposition") == "attachment; filename=\"statements.ndjson\"");
  CHECK(Header(r, "X-Export-Last") == "700");
  const std::string ndjson = Drain(r);
  CHECK(SplitLines(ndjson).size() == 700);

  r = Export(t.daemon.get(), auth, "format=csv&fields=id,actor.mbox,result.score.scaled");
  REQUIRE(r.status == 200);
  CHECK(Header(r, "Content-Type") == "text/csv; charset=utf-8");
  CHECK(Header(r, "Content-Disposition") == "attachment; filename=\"statements.csv\"");
  const std::string csv = Drain(r);
  CHECK(csv.rfind("id,actor.mbox,result.score.scaled\r\n", 0) == 0);
  const auto rows = SplitLines(csv);
  REQUIRE(rows.size() == 701);
  CHECK(rows[1].find(",mailto:l0@example.com,0.0\r") != std::string::npos);
  CHECK(rows[8].find(",mailto:l2@example.com,0.7\r") != std::string::npos);
  CHECK(rows[1].substr(0, 36) == IdOf(SplitLines(ndjson)[0]));

  r = Export(t.daemon.get(), auth, "format=csv&fields=verb.id&header=false&limit=2");
  CHECK(Drain(r) ==
        "http://adlnet.gov/expapi/verbs/completed\r\nhttp://adlnet.gov/expapi/verbs/completed\r\n");
  r = Export(t.daemon.get(), auth, "format=csv&after=700");
  CHECK(Header(r, "X-Export-Last") == "700");
  CHECK(Drain(r).rfind("id,stored,timestamp,", 0) == 0);  // the default columns, no rows

  // HEAD: the same headers; the body is never produced (the server does not
  // call the stream for HEAD).
  r = Export(t.daemon.get(), auth, "limit=10", "HEAD");
  CHECK(r.status == 200);
  CHECK(Header(r, "X-Export-Last") == "10");
  CHECK(Header(r, "Content-Type") == "application/x-ndjson");

  // Over a socket: chunked, and the same bytes.
  REQUIRE(t.daemon->Start().ok());
  Fetched f = FetchOverSocket(t.daemon->port(), "/export", auth);
  CHECK(f.status == 200);
  CHECK(f.transfer_encoding == "chunked");
  CHECK(f.content_length.empty());
  CHECK(f.body == ndjson);
  f = FetchOverSocket(t.daemon->port(),
                      "/export?format=csv&fields=id,actor.mbox,result.score.scaled", auth);
  CHECK(f.body == csv);
  // The access log counts the bytes sent (the observer runs just after the
  // last write, maybe after the client has read it).
  const std::string sent = "\"bytes\":" + std::to_string(ndjson.size());
  for (int i = 0; i < 200 && t.Log().find(sent) == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(t.Log().find(sent) != std::string::npos);

  // `lrs export` of the same store, once the daemon let go of it.
  const Config config = t.config;
  t.daemon.reset();
  std::ostringstream out, err;
  EnvLookup no_env = [](const char*) -> std::optional<std::string> { return std::nullopt; };
  REQUIRE(RunCli({"export", "--data", config.data_dir}, out, err, no_env) == 0);
  CHECK(out.str() == ndjson);
}

TEST_CASE("GET /export: after/limit pages cover everything exactly once", "[daemon][export]") {
  TestDaemon t;
  const auto dev = *t.daemon->dev_credential();
  const std::string auth = BasicAuth(dev.key, dev.secret);
  PostStatements(t.daemon.get(), auth, 530);
  http::Response whole = Export(t.daemon.get(), auth, "");
  const std::string all = Drain(whole);

  std::string joined;
  std::uint64_t after = 0;
  int pages = 0;
  for (;; ++pages) {
    REQUIRE(pages < 20);
    http::Response r = Export(t.daemon.get(), auth, "limit=100&after=" + std::to_string(after));
    REQUIRE(r.status == 200);
    const std::string body = Drain(r);
    const std::uint64_t last = std::stoull(Header(r, "X-Export-Last"));
    if (body.empty()) {
      CHECK(last == after);
      break;
    }
    CHECK(SplitLines(body).size() == (last == 530 ? 30u : 100u));
    CHECK(last == after + SplitLines(body).size());
    joined += body;
    after = last;
  }
  CHECK(pages == 6);
  CHECK(joined == all);

  // Statements stored after the response's end are the next page's.
  http::Response r = Export(t.daemon.get(), auth, "after=500");
  CHECK(Header(r, "X-Export-Last") == "530");
  PostStatements(t.daemon.get(), auth, 5, 1000);
  CHECK(SplitLines(Drain(r)).size() == 30);  // not 35: the end was fixed up front
  r = Export(t.daemon.get(), auth, "after=530");
  CHECK(SplitLines(Drain(r)).size() == 5);
}

TEST_CASE("GET /export: pages stay exact across erased statements (positions scan)",
          "[daemon][export]") {
  lrs::testing::TempDir dir;
  Options o;
  o.create_if_missing = true;
  o.sync = false;
  std::unique_ptr<Store> store;
  REQUIRE(Store::Open(o, dir.path(), &store).ok());
  std::vector<std::string> ids;
  std::string batch = "[";
  for (int i = 0; i < 300; ++i) {
    if (i) batch += ',';
    batch += StatementNumber(i, i % 3 == 0 ? "gone" : "kept" + std::to_string(i % 2));
  }
  batch += ']';
  REQUIRE(store->PutStatements(StatementWrite(), batch, &ids).ok());
  ErasureReport erased;
  REQUIRE(store->EraseAgent(R"({"mbox":"mailto:gone@example.com"})", &erased).ok());
  REQUIRE(erased.statements == 100);

  RouteContext ctx;
  ctx.store_name = "default";
  ctx.store = store.get();
  auto get = [&](const std::string& query, std::string* last) {
    auto req = MakeRequest("GET", "/export", query);
    ctx.params.clear();
    REQUIRE(http::ParseForm(query, &ctx.params));
    http::Response r = HandleExport(req, ctx);
    REQUIRE(r.status == 200);
    *last = Header(r, "X-Export-Last");
    return Drain(r);
  };
  std::string last;
  const std::string all = get("", &last);
  CHECK(last == "300");
  CHECK(SplitLines(all).size() == 200);
  CHECK(all.find("gone@") == std::string::npos);

  std::string joined;
  std::set<std::string> seen;
  std::vector<std::size_t> sizes;
  std::string after = "0";
  for (int pages = 0; pages < 10; ++pages) {
    const std::string body = get("limit=64&after=" + after, &last);
    if (body.empty()) break;
    const auto lines = SplitLines(body);
    sizes.push_back(lines.size());
    for (const auto& l : lines) CHECK(seen.insert(IdOf(l)).second);  // once each
    joined += body;
    after = last;
  }
  CHECK(sizes == std::vector<std::size_t>{64, 64, 64, 8});  // full pages despite the gaps
  CHECK(joined == all);
  CHECK(seen.size() == 200);
}

TEST_CASE("GET /export: credentials, scopes and stores", "[daemon][export]") {
  TestDaemon t;
  const auto dev = *t.daemon->dev_credential();
  PostStatements(t.daemon.get(), BasicAuth(dev.key, dev.secret), 3);
  REQUIRE(t.daemon->registry()->AddStore("b").ok());
  auto add = [&](const std::string& store, std::uint32_t scopes) {
    auth::NewCredential nc;
    nc.store = store;
    nc.scopes = scopes;
    auth::CredentialInfo info;
    REQUIRE(t.daemon->registry()->AddCredential(nc, &info).ok());
    return BasicAuth(info.key, info.secret);
  };
  const std::string writer = add("default", auth::kStatementsWrite);
  const std::string reader = add("default", auth::kStatementsRead);
  const std::string mine = add("default", auth::kStatementsReadMine);
  const std::string b_reader = add("b", auth::kStatementsRead);

  http::Response r = Export(t.daemon.get(), "", "");
  CHECK(r.status == 401);
  CHECK_FALSE(r.stream);
  r = Export(t.daemon.get(), BasicAuth("nobody", "wrong"), "");
  CHECK(r.status == 401);
  r = Export(t.daemon.get(), writer, "");
  CHECK(r.status == 403);
  CHECK(r.body.find("statements/read") != std::string::npos);
  CHECK_FALSE(r.stream);
  r = Export(t.daemon.get(), mine, "");
  CHECK(r.status == 403);  // only their own statements: not an export of the store
  r = Export(t.daemon.get(), reader, "");
  REQUIRE(r.status == 200);
  CHECK(SplitLines(Drain(r)).size() == 3);
  // A reader of store "default" cannot export store "b", nor "b" "default".
  r = Export(t.daemon.get(), reader, "store=b");
  CHECK(r.status == 403);
  CHECK(r.body.find("store") != std::string::npos);
  r = Export(t.daemon.get(), b_reader, "store=default");
  CHECK(r.status == 403);
  r = Export(t.daemon.get(), b_reader, "");  // its own store: empty
  REQUIRE(r.status == 200);
  CHECK(Drain(r).empty());
  CHECK(Header(r, "X-Export-Last") == "0");
  r = Export(t.daemon.get(), reader, "", "POST");
  CHECK(r.status == 405);
  CHECK(Header(r, "Allow") == "GET, HEAD");
}

TEST_CASE("GET /export: bad parameters get 400 naming them, before any body", "[daemon][export]") {
  TestDaemon t;
  const auto dev = *t.daemon->dev_credential();
  const std::string auth = BasicAuth(dev.key, dev.secret);
  PostStatements(t.daemon.get(), auth, 2);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"format=xml", "format: must be ndjson or csv"},
      {"fields=id", "fields: applies to format=csv"},
      {"header=false", "header: applies to format=csv"},
      {"format=csv&fields=a..b", "fields: \\\"a..b\\\" at 2: empty member name"},
      {"format=csv&fields=", "fields: must name at least one field path"},
      {"format=csv&header=maybe", "header: must be true or false"},
      {"after=-1", "after: must be a non-negative integer"},
      {"limit=ten", "limit: must be a non-negative integer"},
      {"limit=99999999999999999999", "limit: must be a non-negative integer"},
      {"format=csv&format=csv", "format: given more than once"},
      {"colour=blue", "colour: unknown parameter"},
      {"after=%zz", "query: malformed percent-encoding"},
  };
  for (const auto& [query, message] : cases) {
    INFO(query);
    http::Response r = Export(t.daemon.get(), auth, query);
    CHECK(r.status == 400);
    CHECK_FALSE(r.stream);
    CHECK(Header(r, "Content-Type").rfind("application/json", 0) == 0);
    CHECK(ErrorMessage(r).find(message) != std::string::npos);
  }
  // Field paths with brackets may hold commas.
  http::Response r =
      Export(t.daemon.get(), auth,
             "format=csv&fields=" + http::UrlEncode(R"(id,result.extensions["http://x/a,b"])"));
  REQUIRE(r.status == 200);
  CHECK(Drain(r).rfind("id,\"result.extensions[\"\"http://x/a,b\"\"]\"\r\n", 0) == 0);
}

}  // namespace
}  // namespace lrs::daemon
