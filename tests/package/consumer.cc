// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
// Built against an installed lrs (find_package or pkg-config) by run.sh.
#include <cstdio>
#include <memory>
#include <vector>

#include "lrs/store.h"

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::unique_ptr<lrs::Store> store;
  if (!lrs::Store::Open(lrs::Options(), argv[1], &store).ok()) return 1;
  std::vector<std::string> ids;
  lrs::Status s = store->PutStatements(
      {}, R"({"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://example.com/v"},)"
          R"("object":{"id":"http://example.com/a"}})", &ids);
  if (!s.ok()) return 1;
  std::printf("stored %s\n", ids[0].c_str());
  return 0;
}
