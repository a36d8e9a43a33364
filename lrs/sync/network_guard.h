// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// NetworkGuard: which addresses the sync module may connect to (the SSRF
// guard). A destination's URL is configuration, but the address it
// reaches is not: a host name may resolve (or be re-resolved, or be
// redirected by a token endpoint's instance_url, or an upstream's "more"
// link) to the machine itself, the cloud's metadata service or the
// private network behind it. So the guard judges every address at the
// moment a socket is opened (libcurl's opensocket callback, librdkafka's
// connect callback), after name resolution, and refuses by default:
//   loopback           127.0.0.0/8, ::1
//   unspecified        0.0.0.0/8, ::
//   private            10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7
//   carrier-grade NAT  100.64.0.0/10
//   link-local         169.254.0.0/16 (cloud metadata: 169.254.169.254), fe80::/10
//   multicast          224.0.0.0/4, ff00::/8
//   reserved           240.0.0.0/4 (and 255.255.255.255), 192.0.0.0/24,
//                      198.18.0.0/15 (benchmarking)
// IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) addresses are
// judged as the IPv4 address they carry. A destination lists what it may
// reach anyway in "allow_networks": addresses ("127.0.0.1", "::1") or CIDR
// blocks ("10.20.0.0/16", "fd00::/8"). Everything else (public addresses)
// is allowed.
//
// Thread safety: immutable after Parse; safe from any thread.

#ifndef LRS_SYNC_NETWORK_GUARD_H_
#define LRS_SYNC_NETWORK_GUARD_H_

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/json/json.h"
#include "lrs/status.h"

namespace lrs::sync {

class NetworkGuard {
 public:
  // A guard that refuses every special range (nothing allowed).
  NetworkGuard() = default;

  // Builds a guard from the entries of `allow` (addresses or CIDR blocks).
  // InvalidArgument names the entry: `allow_networks[1]: "10.0.0.0/33" is
  // not an IP address or CIDR block`.
  // `what` names the setting in errors.
  static Status Parse(const std::vector<std::string>& allow, NetworkGuard* out,
                      std::string_view what = "allow_networks");
  // The same from a JSON value (an array of strings); `what` prefixes errors.
  static Status ParseJson(const json::Value& allow, std::string_view what, NetworkGuard* out);

  // True when a connection to `addr` may be made. Otherwise false, and
  // `*why` (if given) says which address and range refused it and how to
  // allow it, e.g. "169.254.169.254 is link-local (cloud metadata); list it
  // in allow_networks to permit it".
  bool Allows(const sockaddr* addr, std::string* why) const;
  // The same for a textual address ("10.1.2.3", "::1"); false with a
  // reason for text that is not an address.
  bool AllowsText(std::string_view address, std::string* why) const;

  // The range name that refuses `addr` unless allowed ("private", ...), or
  // empty for an ordinary public address.
  static std::string SpecialRange(const sockaddr* addr);

 private:
  struct Block {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as ::ffff:a.b.c.d
    int prefix = 0;                        // in bits, of the 128
  };
  std::vector<Block> allow_;
};

}  // namespace lrs::sync

#endif  // LRS_SYNC_NETWORK_GUARD_H_
