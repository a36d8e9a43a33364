// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/storage/record.h"

#include <zdict.h>

#include <cstring>

#include "lrs/common/coding.h"

namespace lrs::storage {
namespace {

constexpr std::uint8_t kFormat = 1;
constexpr std::uint8_t kFlagTimestampIsStored = 1;
constexpr std::uint8_t kFlagAuthority = 2;
constexpr std::uint8_t kFlagVoiding = 4;

struct ThreadContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~ThreadContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};
ThreadContexts& Contexts() {
  thread_local ThreadContexts ctx;
  return ctx;
}

}  // namespace

Dictionary::Dictionary(std::uint32_t id, std::string bytes, int level)
    : id_(id), bytes_(std::move(bytes)) {
  cdict_ = ZSTD_createCDict(bytes_.data(), bytes_.size(), level);
  ddict_ = ZSTD_createDDict(bytes_.data(), bytes_.size());
}

Dictionary::~Dictionary() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
}

std::shared_ptr<const Dictionary> RecordCodec::Current() const {
  std::lock_guard<std::mutex> l(mu_);
  return current_;
}

std::shared_ptr<const Dictionary> RecordCodec::Find(std::uint32_t id) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = dicts_.find(id);
  return it == dicts_.end() ? nullptr : it->second;
}

std::uint32_t RecordCodec::current_dict_id() const {
  auto d = Current();
  return d ? d->id() : 0;
}

void RecordCodec::AddDictionary(std::uint32_t id, std::string bytes) {
  auto d = std::make_shared<const Dictionary>(id, std::move(bytes), level_);
  std::lock_guard<std::mutex> l(mu_);
  dicts_[id] = d;
  if (!current_ || id > current_->id()) current_ = d;
}

std::uint32_t RecordCodec::Compress(std::string_view body, std::string* out) const {
  auto dict = Current();
  std::size_t bound = ZSTD_compressBound(body.size());
  std::size_t base = out->size();
  out->resize(base + bound);
  auto& ctx = Contexts();
  std::size_t n;
  if (dict && dict->cdict()) {
    n = ZSTD_compress_usingCDict(ctx.c, out->data() + base, bound, body.data(), body.size(),
                                 dict->cdict());
  } else {
    n = ZSTD_compressCCtx(ctx.c, out->data() + base, bound, body.data(), body.size(), level_);
  }
  if (ZSTD_isError(n)) {  // cannot happen with a bound-sized buffer; store raw
    out->resize(base);
    out->append(body);
    return 0xffffffffu;
  }
  out->resize(base + n);
  return dict && dict->cdict() ? dict->id() : 0;
}

void RecordCodec::EncodeCompressed(const RecordHeader& h, std::string_view compressed,
                                   std::string* out) {
  std::uint8_t flags = 0;
  if (h.timestamp_is_stored) flags |= kFlagTimestampIsStored;
  if (h.authority_id) flags |= kFlagAuthority;
  if (h.voiding) flags |= kFlagVoiding;
  out->push_back(static_cast<char>(kFormat));
  out->push_back(static_cast<char>(flags));
  out->append(reinterpret_cast<const char*>(h.id.data()), 16);
  PutVarint64(out, static_cast<std::uint64_t>(h.stored_ms));
  if (h.authority_id) PutVarint64(out, h.authority_id);
  PutVarint64(out, h.dict_id);
  out->append(compressed);
}

void RecordCodec::Encode(const RecordHeader& h, std::string_view body, std::string* out) const {
  std::string compressed;
  RecordHeader hh = h;
  hh.dict_id = Compress(body, &compressed);
  EncodeCompressed(hh, compressed, out);
}

Status RecordCodec::DecodeHeader(std::string_view rec, RecordHeader* h,
                                 std::string_view* compressed) {
  if (rec.size() < 2 + 16 || static_cast<std::uint8_t>(rec[0]) != kFormat)
    return Status::Corruption("statement record: bad header");
  auto flags = static_cast<std::uint8_t>(rec[1]);
  std::memcpy(h->id.data(), rec.data() + 2, 16);
  rec.remove_prefix(18);
  std::uint64_t v;
  if (!GetVarint64(&rec, &v)) return Status::Corruption("statement record: bad stored time");
  h->stored_ms = static_cast<std::int64_t>(v);
  h->timestamp_is_stored = flags & kFlagTimestampIsStored;
  h->voiding = flags & kFlagVoiding;
  h->authority_id = 0;
  if (flags & kFlagAuthority) {
    if (!GetVarint64(&rec, &h->authority_id))
      return Status::Corruption("statement record: bad authority");
  }
  if (!GetVarint64(&rec, &v)) return Status::Corruption("statement record: bad dictionary id");
  h->dict_id = static_cast<std::uint32_t>(v);
  *compressed = rec;
  return Status::OK();
}

Status RecordCodec::DecodeBody(const RecordHeader& h, std::string_view compressed,
                               std::string* body) const {
  if (h.dict_id == 0xffffffffu) {
    body->assign(compressed);
    return Status::OK();
  }
  unsigned long long size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1u << 30))
    return Status::Corruption("statement record: bad compressed body");
  body->resize(size);
  auto& ctx = Contexts();
  std::size_t n;
  if (h.dict_id != 0) {
    auto dict = Find(h.dict_id);
    if (!dict) return Status::Corruption("statement record: unknown dictionary " + std::to_string(h.dict_id));
    n = ZSTD_decompress_usingDDict(ctx.d, body->data(), size, compressed.data(), compressed.size(),
                                   dict->ddict());
  } else {
    n = ZSTD_decompressDCtx(ctx.d, body->data(), size, compressed.data(), compressed.size());
  }
  if (ZSTD_isError(n) || n != size)
    return Status::Corruption(std::string("statement record: ") + ZSTD_getErrorName(n));
  return Status::OK();
}

std::string RecordCodec::Train(const std::vector<std::string>& samples, std::size_t dict_bytes) {
  std::string all;
  std::vector<std::size_t> sizes;
  for (const auto& s : samples) {
    all += s;
    sizes.push_back(s.size());
  }
  std::string dict(dict_bytes, '\0');
  std::size_t n = ZDICT_trainFromBuffer(dict.data(), dict.size(), all.data(), sizes.data(),
                                        static_cast<unsigned>(sizes.size()));
  if (ZDICT_isError(n)) return {};
  dict.resize(n);
  return dict;
}

}  // namespace lrs::storage
