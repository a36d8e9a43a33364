// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/core/mem_index.h"

#include <algorithm>

#include "lrs/common/coding.h"

namespace lrs::core {

const std::vector<std::uint64_t>* MemIndex::Postings(std::uint64_t key) const {
  auto it = postings_.find(key);
  return it == postings_.end() ? nullptr : &it->second;
}

bool MemIndex::FindId(std::string_view id_bytes, std::uint64_t* seq) const {
  auto it = ids_.find(id_bytes);
  if (it == ids_.end()) return false;
  *seq = it->second;
  return true;
}

bool MemIndex::FindTerm(std::string_view term, std::uint64_t* id) const {
  auto it = terms_.find(term);
  if (it == terms_.end()) return false;
  *id = it->second;
  return true;
}

const std::string* MemIndex::FindCatalog(std::string_view catalog_key) const {
  auto it = catalog_.find(catalog_key);
  return it == catalog_.end() ? nullptr : &it->second;
}

void MemIndex::AddPosting(std::uint64_t key, std::uint64_t seq) {
  auto& v = postings_[key];
  if (v.empty() || v.back() < seq) {
    v.push_back(seq);  // the common case: a new statement's own posting
  } else {
    auto it = std::lower_bound(v.begin(), v.end(), seq);
    if (it == v.end() || *it != seq) v.insert(it, seq);
  }
}

void MemIndex::RemovePosting(std::uint64_t key, std::uint64_t seq) {
  auto it = postings_.find(key);
  if (it == postings_.end()) return;
  auto& v = it->second;
  auto p = std::lower_bound(v.begin(), v.end(), seq);
  if (p != v.end() && *p == seq) v.erase(p);
  if (v.empty()) postings_.erase(it);
}

void MemIndex::RemoveId(std::string_view id_bytes, std::uint64_t seq) {
  auto it = ids_.find(id_bytes);
  if (it != ids_.end() && it->second == seq) ids_.erase(it);
}

void MemIndex::RemoveCatalog(std::string_view catalog_key) {
  auto it = catalog_.find(catalog_key);
  if (it != catalog_.end()) catalog_.erase(it);
}

void MemIndex::Clear() {
  postings_.clear();
  ids_.clear();
  terms_.clear();
  catalog_.clear();
  statements_ = 0;
}

// Value layout: varint #terms, {length-prefixed term, varint id}*,
// varint #postings, {varint PostingKey, varint seq}*,
// varint #catalog writes, {length-prefixed CatalogKey, length-prefixed value}*.
void MemIndex::EncodePending(const GroupContext& ctx, std::string* out) {
  PutVarint64(out, ctx.new_terms.size());
  for (const auto& [term, id] : ctx.new_terms) {
    PutLengthPrefixed(out, term);
    PutVarint64(out, id);
  }
  PutVarint64(out, ctx.postings.size());
  for (const auto& p : ctx.postings) {
    PutVarint64(out, p.key);
    PutVarint64(out, p.seq);
  }
  PutVarint64(out, ctx.catalog.size());
  for (const auto& [key, value] : ctx.catalog) {
    PutLengthPrefixed(out, key);
    PutLengthPrefixed(out, value);
  }
}

bool MemIndex::LoadPending(std::string_view in) {
  std::uint64_t n;
  if (!GetVarint64(&in, &n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view term;
    std::uint64_t id;
    if (!GetLengthPrefixed(&in, &term) || !GetVarint64(&in, &id)) return false;
    terms_[std::string(term)] = id;
  }
  if (!GetVarint64(&in, &n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint64_t key, seq;
    if (!GetVarint64(&in, &key) || !GetVarint64(&in, &seq)) return false;
    AddPosting(key, seq);
  }
  if (!GetVarint64(&in, &n)) return false;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::string_view key, value;
    if (!GetLengthPrefixed(&in, &key) || !GetLengthPrefixed(&in, &value)) return false;
    catalog_[std::string(key)] = std::string(value);  // later groups win
  }
  return in.empty();
}

}  // namespace lrs::core
