// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Records for connector tests: OutRecord i with a stable idempotency key, a
// stored statement, and a mapped form (odd i: an external id and a contact
// attribute; even i: e-mail only, empty contact).

#ifndef LRS_TESTS_SYNC_TEST_RECORDS_H_
#define LRS_TESTS_SYNC_TEST_RECORDS_H_

#include <cstdio>
#include <string>
#include <vector>

#include "lrs/sync/connector.h"

namespace lrs::sync::testing {

inline OutRecord Record(int i) {
  OutRecord r;
  r.seq = static_cast<std::uint64_t>(i);
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", i);
  r.statement_id = buf;
  r.learner = "mailto:learner" + std::to_string(i) + "@example.com";
  std::snprintf(buf, sizeof buf, "%032x", 0xabc00 + i);
  r.idempotency_key = buf;
  r.statement = R"({"id":")" + r.statement_id +
                R"(","actor":{"mbox":"mailto:a@example.com"},)"
                R"("verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},)"
                R"("object":{"id":"http://example.com/course"},)"
                R"("timestamp":"2026-03-01T10:00:00+01:00",)"
                R"("stored":"2026-03-01T09:00:01.000Z","version":"1.0.3"})";
  r.mapped.email = "learner" + std::to_string(i) + "@example.com";
  r.mapped.external_id = i % 2 ? "ext-" + std::to_string(i) : "";
  r.mapped.event = "completed";
  r.mapped.timestamp_ms = 1772355600000 + i;
  r.mapped.properties = R"({"course":"Safety 101","n":)" + std::to_string(i) + "}";
  r.mapped.contact = i % 2 ? R"({"company":"Acme"})" : "{}";
  return r;
}

inline std::vector<const OutRecord*> Ptrs(const std::vector<OutRecord>& v) {
  std::vector<const OutRecord*> out;
  for (const auto& r : v) out.push_back(&r);
  return out;
}

}  // namespace lrs::sync::testing

#endif  // LRS_TESTS_SYNC_TEST_RECORDS_H_
