// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Test helper: every statement id a query finds, following `more` pages.

#ifndef LRS_TESTS_SUPPORT_QUERY_UTIL_H_
#define LRS_TESTS_SUPPORT_QUERY_UTIL_H_

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "lrs/json/json.h"
#include "lrs/store.h"

namespace lrs::testing {

// The ids of the statements `q` finds in `store`, all pages, in order.
inline std::vector<std::string> QueryIds(Store* store, StatementQuery q) {
  StatementPage page;
  Status s = store->QueryStatements(q, &page);
  INFO(s.ToString());
  REQUIRE(s.ok());
  std::vector<std::string> all;
  for (;;) {
    for (const auto& st : page.statements) {
      json::Document d;
      REQUIRE(json::Parse(st, &d).ok());
      all.emplace_back(d["id"].GetString());
    }
    if (page.more.empty()) return all;
    std::string token = page.more;
    REQUIRE(store->More(token, &page).ok());
  }
}

}  // namespace lrs::testing

#endif  // LRS_TESTS_SUPPORT_QUERY_UTIL_H_
