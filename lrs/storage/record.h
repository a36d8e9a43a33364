// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The statement record: how one stored statement is laid out as an LMDB
// value (see FORMAT.md). The LRS-assigned parts (id, stored, authority, and
// a timestamp equal to stored) live in a small binary header; the rest of
// the statement is compact JSON compressed with zstd, optionally with a
// dictionary trained on the store's own statements.

#ifndef LRS_STORAGE_RECORD_H_
#define LRS_STORAGE_RECORD_H_

#include <zstd.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/status.h"

namespace lrs::storage {

struct RecordHeader {
  std::array<std::uint8_t, 16> id{};
  std::int64_t stored_ms = 0;
  bool timestamp_is_stored = false;  // "timestamp" was assigned = stored
  bool voiding = false;              // a voiding statement (Data 2.3.2)
  std::uint64_t authority_id = 0;    // 0: no authority
  std::uint32_t dict_id = 0;         // 0: compressed without dictionary
};

// A compression dictionary and its prepared zstd forms.
class Dictionary {
 public:
  Dictionary(std::uint32_t id, std::string bytes, int level);
  ~Dictionary();
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;
  std::uint32_t id() const { return id_; }
  const std::string& bytes() const { return bytes_; }
  const ZSTD_CDict* cdict() const { return cdict_; }
  const ZSTD_DDict* ddict() const { return ddict_; }

 private:
  std::uint32_t id_;
  std::string bytes_;
  ZSTD_CDict* cdict_ = nullptr;
  ZSTD_DDict* ddict_ = nullptr;
};

// Encodes and decodes statement records. Thread-safe: dictionaries are
// published with shared_ptr and each thread uses its own zstd contexts.
class RecordCodec {
 public:
  explicit RecordCodec(int level = 3) : level_(level) {}

  // Appends the record to *out, compressing `body` with the current
  // dictionary (if any).
  void Encode(const RecordHeader& h, std::string_view body, std::string* out) const;
  // Compresses `body` alone (in the caller's thread); EncodeCompressed adds
  // the header later. Lets writers compress outside the commit.
  std::uint32_t Compress(std::string_view body, std::string* out) const;
  static void EncodeCompressed(const RecordHeader& h, std::string_view compressed, std::string* out);

  // Parses the header; *compressed receives the remaining bytes.
  static Status DecodeHeader(std::string_view record, RecordHeader* h, std::string_view* compressed);
  // Decompresses the body of a record.
  Status DecodeBody(const RecordHeader& h, std::string_view compressed, std::string* body) const;

  // Installs a dictionary; it becomes the one new records use.
  void AddDictionary(std::uint32_t id, std::string bytes);
  std::uint32_t current_dict_id() const;
  // Trains a dictionary from sample bodies; empty string when training fails.
  static std::string Train(const std::vector<std::string>& samples, std::size_t dict_bytes);

 private:
  std::shared_ptr<const Dictionary> Current() const;
  std::shared_ptr<const Dictionary> Find(std::uint32_t id) const;

  int level_;
  mutable std::mutex mu_;
  std::shared_ptr<const Dictionary> current_;
  std::map<std::uint32_t, std::shared_ptr<const Dictionary>> dicts_;
};

}  // namespace lrs::storage

#endif  // LRS_STORAGE_RECORD_H_
