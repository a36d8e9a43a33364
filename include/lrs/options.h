// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Options for opening a Store. Every field has a safe default; the comment on
// each says what it costs to change it.

#ifndef LRS_OPTIONS_H_
#define LRS_OPTIONS_H_

#include <cstddef>
#include <cstdint>

namespace lrs {

class Clock;

struct Options {
  // Create the directory and an empty store when none exists.
  bool create_if_missing = true;

  // Initial size of the LMDB memory map. The map doubles by itself (up to
  // max_map_size) when a write finds it full, so a small value only costs a
  // few resizes. On phones keep this small: address space is scarce there.
  std::size_t initial_map_size = std::size_t{64} << 20;

  // Upper bound for the map; 0 means "as large as the address space allows"
  // (16 TiB on 64-bit, 1 GiB on 32-bit). Writes past it fail with NoSpace.
  std::size_t max_map_size = 0;

  // When true (the default) every commit is flushed to stable storage before
  // the writer is told its data is stored. false trades durability against
  // an operating-system crash (not a process crash) for ~2x write speed.
  bool sync = true;

  // Largest number of waiting writers folded into one commit. Larger groups
  // share an fsync among more writers but make the leader's work longer.
  int max_group_writers = 256;

  // Byte budget of one commit group (sum of request sizes).
  std::size_t max_group_bytes = std::size_t{8} << 20;

  // Limits on incoming JSON, checked before anything is parsed.
  std::size_t max_statement_request_bytes = std::size_t{16} << 20;
  int max_json_depth = 64;
  std::size_t max_statements_per_batch = 10000;

  // Largest page a statement query returns ("limit=0" means this).
  std::uint32_t max_query_limit = 1000;

  // Statements whose index entries are buffered in memory (and in a
  // sequential on-disk log) before one flush merges them into the indexes.
  // Larger buffers make ingest faster (each index page is rewritten once
  // per flush instead of once per commit) and cost about 100-200 bytes of
  // memory per statement, plus a longer pause at each flush.
  std::size_t index_buffer_statements = 65536;

  // Keep the reporting aggregates (docs/reporting.md) in each statement's
  // commit, so that Store::Report answers from them. Costs a few cell
  // updates per statement. Turning it off drops nothing at once; turning
  // it back on rebuilds them from the statements at the next open.
  bool aggregates = true;

  // Largest document (state, profile) accepted.
  std::size_t max_document_bytes = std::size_t{16} << 20;

  // LMDB reader slots: concurrent read transactions across all threads.
  unsigned max_readers = 512;

  // Source of time for `stored` and document timestamps; nullptr means the
  // system clock. Not owned; must outlive the Store.
  Clock* clock = nullptr;
};

}  // namespace lrs

#endif  // LRS_OPTIONS_H_
