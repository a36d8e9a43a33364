// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Realistic xAPI statements for benchmarks (about 650 bytes each): many
// learners, a course of activities with definitions, results, context.

#ifndef LRS_TESTS_BENCH_STATEMENT_GEN_H_
#define LRS_TESTS_BENCH_STATEMENT_GEN_H_

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lrs/store.h"

namespace lrs::bench {

inline constexpr int kLearners = 20000;
inline constexpr int kActivities = 400;
inline constexpr int kVerbs = 8;
inline constexpr int kRegistrations = 50000;

inline const char* VerbIri(int v) {
  static const char* kV[] = {
      "http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/attempted",
      "http://adlnet.gov/expapi/verbs/passed",    "http://adlnet.gov/expapi/verbs/failed",
      "http://adlnet.gov/expapi/verbs/answered",  "http://adlnet.gov/expapi/verbs/experienced",
      "http://adlnet.gov/expapi/verbs/launched",  "http://adlnet.gov/expapi/verbs/progressed"};
  return kV[v % kVerbs];
}
inline std::string ActivityIri(int a) {
  return "https://courses.example.com/onboarding/module-" + std::to_string(a / 10) + "/lesson-" +
         std::to_string(a % 10);
}
inline std::string LearnerMbox(int l) { return "mailto:learner" + std::to_string(l) + "@example.com"; }
inline std::string Registration(int r) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-3c5e-4a7b-9d2e-%012x", r, r * 7919);
  return buf;
}

class StatementGen {
 public:
  explicit StatementGen(std::uint64_t seed) : rng_(seed) {}

  std::string Next() {
    int l = Pick(kLearners), a = Pick(kActivities), v = Pick(kVerbs), r = Pick(kRegistrations);
    char score[64];
    std::snprintf(score, sizeof score, "%.2f", static_cast<double>(Pick(101)) / 100.0);
    std::string s;
    s.reserve(800);
    s += "{\"actor\":{\"objectType\":\"Agent\",\"name\":\"Learner ";
    s += std::to_string(l);
    s += "\",\"mbox\":\"";
    s += LearnerMbox(l);
    s += "\"},\"verb\":{\"id\":\"";
    s += VerbIri(v);
    s += "\",\"display\":{\"en-US\":\"verb ";
    s += std::to_string(v);
    s += "\"}},\"object\":{\"objectType\":\"Activity\",\"id\":\"";
    s += ActivityIri(a);
    s += "\",\"definition\":{\"name\":{\"en-US\":\"Lesson ";
    s += std::to_string(a);
    s += "\"},\"type\":\"http://adlnet.gov/expapi/activities/lesson\"}},\"result\":{\"score\":"
         "{\"scaled\":";
    s += score;
    s += "},\"success\":";
    s += Pick(2) ? "true" : "false";
    s += ",\"completion\":true,\"duration\":\"PT";
    s += std::to_string(1 + Pick(3600));
    s += "S\"},\"context\":{\"registration\":\"";
    s += Registration(r);
    s += "\",\"contextActivities\":{\"parent\":[{\"id\":\"https://courses.example.com/onboarding/"
         "module-";
    s += std::to_string(a / 10);
    s += "\"}],\"grouping\":[{\"id\":\"https://courses.example.com/onboarding\"}]},\"platform\":"
         "\"Example LMS\",\"language\":\"en-US\"},\"timestamp\":\"2026-11-";
    char ts[48];
    std::snprintf(ts, sizeof ts, "%02dT%02d:%02d:%02d.%03d+00:00\"}", 1 + Pick(28), Pick(24),
                  Pick(60), Pick(60), Pick(1000));
    s += ts;
    return s;
  }

  int Pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }

 private:
  std::mt19937_64 rng_;
};

// Stores `n` generated statements with two writers putting batches of 500
// (generators seeded `seed` and `seed` + 1); `die` on an error.
template <typename Die>
void LoadStatements(lrs::Store* store, std::uint64_t n, std::uint64_t seed, Die die) {
  std::atomic<std::int64_t> remaining(static_cast<std::int64_t>(n));
  std::vector<std::thread> ts;
  for (int t = 0; t < 2; ++t) {
    ts.emplace_back([&, t] {
      StatementGen gen(seed + static_cast<std::uint64_t>(t));
      for (;;) {
        std::int64_t left = remaining.fetch_sub(500);
        if (left <= 0) break;
        const std::int64_t k = std::min<std::int64_t>(500, left);
        std::string body = "[";
        for (std::int64_t i = 0; i < k; ++i) {
          if (i) body += ',';
          body += gen.Next();
        }
        body += ']';
        if (lrs::Status s = store->PutStatements({}, body, nullptr); !s.ok()) die(s);
      }
    });
  }
  for (auto& th : ts) th.join();
}

}  // namespace lrs::bench

#endif  // LRS_TESTS_BENCH_STATEMENT_GEN_H_
