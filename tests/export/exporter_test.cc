// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// lrs/export: NDJSON and CSV exports of a store's statements.

#include "lrs/export/exporter.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/support/test_util.h"

namespace lrs::exporter {
namespace {

using testing::Statement;
using testing::TestStore;

std::string Run(Store* store, const Options& o, Result* r) {
  std::string out;
  Status s = Export(store, o, [&](std::string_view c) { out.append(c); return true; }, r);
  INFO(s.ToString());
  REQUIRE(s.ok());
  return out;
}

std::size_t Lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n'); }

TEST_CASE("field paths: members, array indexes, bracketed names; mistakes named") {
  FieldPath p;
  REQUIRE(ParseFieldPath("context.contextActivities.parent.0.id", &p).ok());
  CHECK(p.steps == std::vector<std::string>{"context", "contextActivities", "parent", "0", "id"});
  REQUIRE(ParseFieldPath(R"(result.extensions["http://example.com/a.b"].x)", &p).ok());
  CHECK(p.steps == std::vector<std::string>{"result", "extensions", "http://example.com/a.b", "x"});
  for (const char* bad : {"", "a..b", "a.", ".a", R"(a["x)", "a[x]", R"(a["x"]b)"}) {
    Status s = ParseFieldPath(bad, &p);
    INFO(bad);
    CHECK(s.IsInvalidArgument());
    CHECK(s.message().find("fields:") == 0);
  }
}

TEST_CASE("cell text: strings as is, numbers and booleans as JSON, objects compact, absent empty") {
  json::Document d;
  REQUIRE(json::Parse(R"({"a":"x,y","n":0.5,"b":true,"o":{"k":[1,2]},"z":null,"arr":[{"id":"i"}]})",
                      &d)
              .ok());
  auto cell = [&](const char* path) {
    FieldPath p;
    REQUIRE(ParseFieldPath(path, &p).ok());
    return CellText(d, p);
  };
  CHECK(cell("a") == "x,y");
  CHECK(cell("n") == "0.5");
  CHECK(cell("b") == "true");
  CHECK(cell("o") == R"({"k":[1,2]})");
  CHECK(cell("o.k.1") == "2");
  CHECK(cell("z").empty());
  CHECK(cell("missing.deeper").empty());
  CHECK(cell("arr.0.id") == "i");
  CHECK(cell("arr.7.id").empty());
  CHECK(cell("a.0").empty());

  std::string row;
  AppendCsvCell("plain", &row);
  row += ',';
  AppendCsvCell("say \"hi\", then\nleave", &row);
  CHECK(row == "plain,\"say \"\"hi\"\", then\nleave\"");
}

TEST_CASE("NDJSON and CSV exports stream every statement once, in stored order, resumable") {
  TestStore t;
  std::vector<std::string> all;
  for (int i = 0; i < 600; ++i) {  // more than one page
    std::vector<std::string> ids;
    REQUIRE(t->PutStatements({},
                             Statement("l" + std::to_string(i % 7) + "@example.com",
                                       "http://adlnet.gov/expapi/verbs/completed",
                                       "http://example.com/m" + std::to_string(i),
                                       R"("result":{"score":{"scaled":0.5},"success":true})"),
                             &ids)
                .ok());
    all.push_back(ids[0]);
  }
  Options o;
  Result r;
  std::string nd = Run(t.store.get(), o, &r);
  CHECK(r.exported == 600);
  CHECK(r.last == 600);
  CHECK(Lines(nd) == 600);
  CHECK(nd.find(all.front()) < nd.find(all.back()));

  o.limit = 250;
  std::string first = Run(t.store.get(), o, &r);
  CHECK(r.exported == 250);
  o.after = r.last;
  o.limit = 0;
  std::string rest = Run(t.store.get(), o, &r);
  CHECK(r.exported == 350);
  CHECK(first + rest == nd);

  Options c;
  c.format = Format::kCsv;
  c.fields = {"id", "actor.mbox", "result.score.scaled", "result.success"};
  std::string csv = Run(t.store.get(), c, &r);
  CHECK(Lines(csv) == 601);
  CHECK(csv.rfind("id,actor.mbox,result.score.scaled,result.success\r\n", 0) == 0);
  CHECK(csv.find(all[0] + ",mailto:l0@example.com,0.5,true\r\n") != std::string::npos);

  c.fields = {"a..b"};
  CHECK(Export(t.store.get(), c, [&](std::string_view) { return true; }, &r).IsInvalidArgument());

  // A sink that stops: OK, stopped, and the position to resume after.
  int calls = 0;
  Options n;
  REQUIRE(Export(t.store.get(), n, [&](std::string_view) { return ++calls < 3; }, &r).ok());
  CHECK(r.stopped);
  CHECK(r.exported == 2);
  CHECK(r.last == 2);
}

}  // namespace
}  // namespace lrs::exporter
