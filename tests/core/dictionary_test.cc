// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Compression dictionaries: trained from the store's own statements once it
// holds 1,000, used for new records, kept for reading old ones after reopen.

#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <thread>

#include "lrs/core/store_impl.h"
#include "tests/support/test_util.h"

namespace lrs {
namespace {

using testing::Statement;
using testing::TestStore;

std::string Batch(int from, int n) {
  std::string b = "[";
  for (int i = from; i < from + n; ++i) {
    if (i > from) b += ",";
    b += Statement("learner" + std::to_string(i % 97) + "@example.com",
                   "http://adlnet.gov/expapi/verbs/completed",
                   "http://example.com/course/lesson-" + std::to_string(i % 13),
                   "\"result\":{\"score\":{\"scaled\":0." + std::to_string(i % 10) + "}}");
  }
  return b + "]";
}

TEST_CASE("Statements stay readable across dictionary training and reopen", "[dictionary]") {
  TestStore ts;
  auto* impl = static_cast<core::StoreImpl*>(ts.store.get());
  std::map<std::string, std::string> stored;  // id -> JSON as first read
  auto put = [&](int from, int n) {
    std::vector<std::string> ids;
    REQUIRE(ts->PutStatements({}, Batch(from, n), &ids).ok());
    for (const auto& id : ids) {
      StatementGet g;
      g.id = id;
      std::string json;
      REQUIRE(ts->GetStatement(g, &json, nullptr).ok());
      stored[id] = json;
    }
  };
  for (int i = 0; i < 1200; i += 100) put(i, 100);
  // Training runs in the background after the 1,000th statement.
  for (int i = 0; i < 200 && impl->codec().current_dict_id() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(impl->codec().current_dict_id() == 1);
  put(1200, 300);  // compressed with the dictionary

  ts.Reopen();
  impl = static_cast<core::StoreImpl*>(ts.store.get());
  CHECK(impl->codec().current_dict_id() == 1);
  for (const auto& [id, json] : stored) {
    StatementGet g;
    g.id = id;
    std::string again;
    REQUIRE(ts->GetStatement(g, &again, nullptr).ok());
    CHECK(again == json);
  }
}

}  // namespace
}  // namespace lrs
