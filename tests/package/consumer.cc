// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
// Built against an installed lrs (find_package or pkg-config) by run.sh.
#include <cstdio>
#include <memory>
#include <vector>

#include "lrs/store.h"
#include "lrs/sync.h"

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
  // Sync links too (libcurl through the package's dependencies): paused,
  // so nothing is sent; the statement waits in the outbox.
  lrs::SyncOptions so;
  so.destinations_json = R"([{"name":"central","type":"xapi","url":"http://127.0.0.1:9/xapi/",)"
                         R"("key":"k","secret":"s"}])";
  so.start_paused = true;
  std::unique_ptr<lrs::Sync> sync;
  if (!lrs::Sync::Open(store.get(), so, &sync).ok()) return 1;
  std::vector<lrs::SyncDestinationStatus> st;
  if (!sync->GetStatus(&st).ok() || st.size() != 1 || st[0].lag != 1) return 1;
  std::printf("sync: %s lag %llu\n", st[0].name.c_str(),
              static_cast<unsigned long long>(st[0].lag));
  return 0;
}
