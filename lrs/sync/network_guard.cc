// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/sync/network_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace lrs::sync {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

Bytes V4Mapped(const std::uint8_t v4[4]) {
  Bytes b{};
  b[10] = b[11] = 0xff;
  std::memcpy(b.data() + 12, v4, 4);
  return b;
}

bool IsV4Mapped(const Bytes& b) {
  static const std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(b.data(), kPrefix, 12) == 0;
}

// 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052): carries an IPv4 address.
bool IsNat64(const Bytes& b) {
  static const std::uint8_t kPrefix[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  return std::memcmp(b.data(), kPrefix, 12) == 0;
}

bool InBlock(const Bytes& a, const Bytes& block, int prefix) {
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.data(), block.data(), static_cast<std::size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a[full] & mask) == (block[full] & mask);
}

// The address as 16 bytes (IPv4 mapped); false for other families.
bool ToBytes(const sockaddr* addr, Bytes* out) {
  if (!addr) return false;
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    std::uint8_t v4[4];
    std::memcpy(v4, &in->sin_addr, 4);
    *out = V4Mapped(v4);
    return true;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    std::memcpy(out->data(), &in6->sin6_addr, 16);
    return true;
  }
  return false;
}

std::string Text(const Bytes& b) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped(b)) inet_ntop(AF_INET, b.data() + 12, buf, sizeof buf);
  else inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  return buf;
}

struct Special {
  Bytes block;
  int prefix;
  const char* name;
};

Bytes V4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::uint8_t v4[4] = {a, b, c, d};
  return V4Mapped(v4);
}

Bytes V6(std::uint8_t b0, std::uint8_t b1, std::uint8_t last = 0) {
  Bytes b{};
  b[0] = b0;
  b[1] = b1;
  b[15] = last;
  return b;
}

// Most specific first: the first match names the range.
const std::vector<Special>& SpecialRanges() {
  static const std::vector<Special> kRanges = {
      {V4(169, 254, 169, 254), 128, "link-local (cloud metadata)"},
      {V4(0, 0, 0, 0), 96 + 8, "unspecified"},
      {V4(10, 0, 0, 0), 96 + 8, "private"},
      {V4(100, 64, 0, 0), 96 + 10, "carrier-grade NAT"},
      {V4(127, 0, 0, 0), 96 + 8, "loopback"},
      {V4(169, 254, 0, 0), 96 + 16, "link-local"},
      {V4(172, 16, 0, 0), 96 + 12, "private"},
      {V4(192, 0, 0, 0), 96 + 24, "reserved (IETF protocol assignments)"},
      {V4(192, 168, 0, 0), 96 + 16, "private"},
      {V4(198, 18, 0, 0), 96 + 15, "reserved (benchmarking)"},
      {V4(224, 0, 0, 0), 96 + 4, "multicast"},
      {V4(240, 0, 0, 0), 96 + 4, "reserved"},
      {V6(0, 0), 128, "unspecified"},
      {V6(0, 0, 1), 128, "loopback"},
      {V6(0, 0), 96, "reserved (IPv4-compatible)"},
      {V6(0xfc, 0), 7, "private (unique local)"},
      {V6(0xfe, 0x80), 10, "link-local"},
      {V6(0xfe, 0xc0), 10, "private (site-local)"},
      {V6(0xff, 0), 8, "multicast"},
  };
  return kRanges;
}

// An address judged as the IPv4 address it carries, if it carries one.
Bytes Effective(const Bytes& b) {
  if (IsNat64(b)) return V4Mapped(b.data() + 12);
  return b;
}

std::string RangeOf(const Bytes& b) {
  const Bytes e = Effective(b);
  for (const Special& s : SpecialRanges())
    if (InBlock(e, s.block, s.prefix)) return s.name;
  return "";
}

bool ParseAddress(std::string_view text, Bytes* out, int* max_prefix) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  const std::string s(text);
  std::uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    *out = V4Mapped(v4);
    *max_prefix = 32;
    return true;
  }
  if (inet_pton(AF_INET6, s.c_str(), out->data()) == 1) {
    *max_prefix = 128;
    return true;
  }
  return false;
}

}  // namespace

Status NetworkGuard::Parse(const std::vector<std::string>& allow, NetworkGuard* out,
                           std::string_view what) {
  NetworkGuard g;
  for (std::size_t i = 0; i < allow.size(); ++i) {
    std::string_view entry = allow[i];
    const std::string bad = std::string(what) + "[" + std::to_string(i) + "]: \"" + allow[i] +
                            "\" is not an IP address or CIDR block (e.g. \"10.0.0.0/8\", "
                            "\"127.0.0.1\", \"fd00::/8\")";
    std::string_view addr = entry, len;
    if (auto slash = entry.find('/'); slash != std::string_view::npos) {
      addr = entry.substr(0, slash);
      len = entry.substr(slash + 1);
    }
    Block b;
    int max_prefix = 0;
    if (!ParseAddress(addr, &b.bytes, &max_prefix)) return Status::InvalidArgument(bad);
    int prefix = max_prefix;
    if (entry.find('/') != std::string_view::npos) {
      if (len.empty() || len.size() > 3) return Status::InvalidArgument(bad);
      prefix = 0;
      for (char c : len) {
        if (c < '0' || c > '9') return Status::InvalidArgument(bad);
        prefix = prefix * 10 + (c - '0');
      }
      if (prefix > max_prefix) return Status::InvalidArgument(bad);
    }
    b.prefix = prefix + (max_prefix == 32 ? 96 : 0);
    g.allow_.push_back(b);
  }
  *out = std::move(g);
  return Status::OK();
}

Status NetworkGuard::ParseJson(const json::Value& allow, std::string_view what, NetworkGuard* out) {
  const std::string must = std::string(what) + ": must be an array of IP addresses or CIDR blocks";
  if (!allow.IsArray()) return Status::InvalidArgument(must);
  std::vector<std::string> entries;
  for (const auto& e : allow.GetArray()) {
    if (!e.IsString()) return Status::InvalidArgument(must);
    entries.emplace_back(json::View(e));
  }
  return Parse(entries, out, what);
}

std::string NetworkGuard::SpecialRange(const sockaddr* addr) {
  Bytes b;
  if (!ToBytes(addr, &b)) return "not an IP address";
  return RangeOf(b);
}

bool NetworkGuard::Allows(const sockaddr* addr, std::string* why) const {
  Bytes b;
  if (!ToBytes(addr, &b)) {
    if (why) *why = "only IPv4 and IPv6 connections are made";
    return false;
  }
  const std::string range = RangeOf(b);
  if (range.empty()) return true;
  const Bytes e = Effective(b);
  for (const Block& a : allow_)
    if (InBlock(b, a.bytes, a.prefix) || InBlock(e, a.bytes, a.prefix)) return true;
  if (why)
    *why = Text(b) + " is " + range + "; list it in the destination's allow_networks to permit it";
  return false;
}

bool NetworkGuard::AllowsText(std::string_view address, std::string* why) const {
  Bytes b;
  int max_prefix = 0;
  if (!ParseAddress(address, &b, &max_prefix)) {
    if (why) *why = "\"" + std::string(address) + "\" is not an IP address";
    return false;
  }
  sockaddr_in6 sa{};
  sa.sin6_family = AF_INET6;
  std::memcpy(&sa.sin6_addr, b.data(), 16);
  return Allows(reinterpret_cast<const sockaddr*>(&sa), why);
}

}  // namespace lrs::sync
