// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Quickstart: open a store in a local folder, record what a learner did,
// and query it back. Run: build/example_quickstart [DIR]  (default ./lrs-data)

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "lrs/store.h"

namespace {

void Check(const lrs::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "lrs-data";
  std::unique_ptr<lrs::Store> store;
  Check(lrs::Store::Open(lrs::Options(), dir, &store), "open");

  // "Ana completed Module 3, scored 0.82", and "Ana attempted Module 4".
  const char* batch = R"([
    {"actor": {"name": "Ana", "mbox": "mailto:ana@example.com"},
     "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}},
     "object": {"id": "https://example.com/courses/onboarding/module-3",
                "definition": {"name": {"en-US": "Module 3"}}},
     "result": {"score": {"scaled": 0.82}, "success": true, "completion": true},
     "context": {"contextActivities": {"parent": {"id": "https://example.com/courses/onboarding"}}}},
    {"actor": {"name": "Ana", "mbox": "mailto:ana@example.com"},
     "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
     "object": {"id": "https://example.com/courses/onboarding/module-4"},
     "context": {"contextActivities": {"parent": {"id": "https://example.com/courses/onboarding"}}}}
  ])";
  std::vector<std::string> ids;
  Check(store->PutStatements(lrs::StatementWrite(), batch, &ids), "put");
  std::printf("stored %zu statements durably in %s: %s, %s\n", ids.size(), dir.c_str(),
              ids[0].c_str(), ids[1].c_str());

  // Everything Ana did in the course, newest first.
  lrs::StatementQuery q;
  q.agent = R"({"mbox": "mailto:ana@example.com"})";
  q.activity = "https://example.com/courses/onboarding";
  q.related_activities = true;
  lrs::StatementPage page;
  Check(store->QueryStatements(q, &page), "query");
  std::printf("Ana's statements in the onboarding course: %zu\n", page.statements.size());
  for (const auto& s : page.statements) std::printf("  %s\n", s.c_str());

  lrs::StoreStats stats;
  Check(store->GetStats(&stats), "stats");
  std::printf("the store now holds %llu statements\n",
              static_cast<unsigned long long>(stats.statements));
  return 0;
}
