// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// UUIDs (RFC 4122) as 16 raw bytes, the form used in storage keys.

#ifndef LRS_COMMON_UUID_H_
#define LRS_COMMON_UUID_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace lrs {

struct Uuid {
  std::array<std::uint8_t, 16> bytes{};

  // Parses the 8-4-4-4-12 hex form (either case). False on anything else.
  static bool Parse(std::string_view text, Uuid* out);
  // A random (version 4) UUID from the operating system's CSPRNG.
  static Uuid Random();
  // Lowercase 8-4-4-4-12 form.
  std::string ToString() const;
  std::string_view AsBytes() const {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  static Uuid FromBytes(std::string_view b);  // REQUIRES: b.size() == 16
  int version() const { return bytes[6] >> 4; }
  // RFC 4122 variant (10xx) as required for xAPI ids.
  bool IsRfc4122Variant() const { return (bytes[8] & 0xc0) == 0x80; }
  bool operator==(const Uuid& o) const { return bytes == o.bytes; }
};

// Fills `n` bytes with cryptographically secure random data.
void RandomBytes(void* buf, std::size_t n);

}  // namespace lrs

#endif  // LRS_COMMON_UUID_H_
