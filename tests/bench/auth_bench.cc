// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Credential check benchmark (run by scripts/bench; not a test): the cost of
// Registry::Authenticate for a valid Basic header, which every request pays.
// Target: < 20 us per check.
// Usage: bench_auth_bench [--dir DIR]

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "lrs/auth/registry.h"
#include "lrs/auth/secret.h"

int main(int argc, char** argv) {
  std::string dir = "bench-auth";
  for (int i = 1; i + 1 < argc; ++i)
    if (!std::strcmp(argv[i], "--dir")) dir = argv[i + 1];
  std::filesystem::remove_all(dir);
  std::unique_ptr<lrs::auth::Registry> reg;
  lrs::Status s = lrs::auth::Registry::Open(dir, &reg);
  lrs::auth::CredentialInfo c;
  if (s.ok()) s = reg->AddCredential(lrs::auth::NewCredential(), &c);
  if (!s.ok()) {
    std::fprintf(stderr, "bench_auth: %s\n", s.ToString().c_str());
    return 1;
  }
  // Standard base64 with padding, from the base64url encoder.
  std::string b64 = lrs::auth::internal::Base64UrlEncode(c.key + ":" + c.secret);
  for (char& ch : b64) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
  while (b64.size() % 4) b64 += '=';
  const std::string header = "Basic " + b64;
  lrs::auth::Principal who;
  constexpr int kChecks = 200000;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kChecks; ++i) {
    if (!reg->Authenticate(header, &who).ok()) {
      std::fprintf(stderr, "bench_auth: check failed\n");
      return 1;
    }
  }
  double us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  std::printf("credential check (Basic, salted SHA-256, LMDB read): %.2f us each (%d checks)\n",
              us / kChecks, kChecks);
  reg.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
