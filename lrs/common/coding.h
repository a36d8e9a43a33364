// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Fixed-width big-endian and varint encodings for storage keys and values.
// Big-endian integers sort in numeric order under memcmp, which is what LMDB
// compares keys with.

#ifndef LRS_COMMON_CODING_H_
#define LRS_COMMON_CODING_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lrs {

inline void PutFixed64BE(std::string* dst, std::uint64_t v) {
  char b[8];
  for (int i = 7; i >= 0; --i) { b[i] = static_cast<char>(v & 0xff); v >>= 8; }
  dst->append(b, 8);
}
inline std::string Fixed64BE(std::uint64_t v) {
  std::string s;
  PutFixed64BE(&s, v);
  return s;
}
inline void EncodeFixed64BE(char* b, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) { b[i] = static_cast<char>(v & 0xff); v >>= 8; }
}
inline std::uint64_t DecodeFixed64BE(const char* p) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
inline void PutFixed32BE(std::string* dst, std::uint32_t v) {
  char b[4];
  for (int i = 3; i >= 0; --i) { b[i] = static_cast<char>(v & 0xff); v >>= 8; }
  dst->append(b, 4);
}
inline std::uint32_t DecodeFixed32BE(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

inline void PutVarint64(std::string* dst, std::uint64_t v) {
  while (v >= 0x80) { dst->push_back(static_cast<char>(v | 0x80)); v >>= 7; }
  dst->push_back(static_cast<char>(v));
}
// Reads a varint from the front of *in and advances it. False on truncation.
inline bool GetVarint64(std::string_view* in, std::uint64_t* v) {
  std::uint64_t r = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    auto byte = static_cast<unsigned char>(in->front());
    in->remove_prefix(1);
    r |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) { *v = r; return true; }
  }
  return false;
}
// A length-prefixed byte string.
inline void PutLengthPrefixed(std::string* dst, std::string_view s) {
  PutVarint64(dst, s.size());
  dst->append(s);
}
inline bool GetLengthPrefixed(std::string_view* in, std::string_view* out) {
  std::uint64_t n;
  if (!GetVarint64(in, &n) || n > in->size()) return false;
  *out = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

}  // namespace lrs

#endif  // LRS_COMMON_CODING_H_
