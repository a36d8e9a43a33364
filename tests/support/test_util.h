// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Shared helpers for tests: temporary store directories and statement
// builders.

#ifndef LRS_TESTS_SUPPORT_TEST_UTIL_H_
#define LRS_TESTS_SUPPORT_TEST_UTIL_H_

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include <unistd.h>

#include "lrs/store.h"

namespace lrs::testing {

#ifndef LRS_TEST_TMPDIR
#define LRS_TEST_TMPDIR "/tmp"
#endif

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    std::filesystem::path base(LRS_TEST_TMPDIR);
    std::filesystem::create_directories(base);
    path_ = (base / ("t" + std::to_string(getpid()) + "_" + std::to_string(counter++))).string();
    std::filesystem::remove_all(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A store in its own temporary directory.
struct TestStore {
  explicit TestStore(Options options = Options()) {
    Status s = Store::Open(options, dir.path(), &store);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  void Reopen(Options options = Options()) {
    store.reset();
    Status s = Store::Open(options, dir.path(), &store);
    if (!s.ok()) throw std::runtime_error(s.ToString());
  }
  Store* operator->() { return store.get(); }
  TempDir dir;
  std::unique_ptr<Store> store;
};

inline std::string Agent(const std::string& email, const std::string& name = "") {
  std::string s = "{\"objectType\":\"Agent\",\"mbox\":\"mailto:" + email + "\"";
  if (!name.empty()) s += ",\"name\":\"" + name + "\"";
  return s + "}";
}

inline std::string Statement(const std::string& actor_email, const std::string& verb,
                             const std::string& activity, const std::string& extra = "") {
  std::string s = "{\"actor\":" + Agent(actor_email) + ",\"verb\":{\"id\":\"" + verb +
                  "\",\"display\":{\"en-US\":\"did\"}},\"object\":{\"objectType\":\"Activity\","
                  "\"id\":\"" + activity + "\"}";
  if (!extra.empty()) s += "," + extra;
  return s + "}";
}

}  // namespace lrs::testing

#endif  // LRS_TESTS_SUPPORT_TEST_UTIL_H_
