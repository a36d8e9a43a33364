// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/common/uuid.h"

#include <pthread.h>
#include <sys/random.h>

#include <atomic>
#include <mutex>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace lrs {
namespace {
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool Uuid::Parse(std::string_view t, Uuid* out) {
  if (t.size() != 36) return false;
  int bi = 0;
  for (size_t i = 0; i < 36;) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (t[i] != '-') return false;
      ++i;
      continue;
    }
    int hi = HexVal(t[i]), lo = HexVal(t[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->bytes[bi++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return true;
}

void RandomBytes(void* buf, std::size_t n) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    ssize_t r = getrandom(p, n, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      std::abort();  // no entropy source: nothing safe to do
    }
    p += r;
    n -= static_cast<std::size_t>(r);
  }
}

namespace {
// Bumped in a child after fork(), so the child never reuses random bytes
// its parent buffered (which would repeat the parent's statement ids).
std::atomic<unsigned> g_fork_generation{0};
void OnForkChild() { g_fork_generation.fetch_add(1); }
}  // namespace

Uuid Uuid::Random() {
  // One getrandom() per 256 ids: a syscall per id costs more than the rest
  // of id generation. The buffer is per thread and never reused.
  static std::once_flag once;
  std::call_once(once, [] { pthread_atfork(nullptr, nullptr, OnForkChild); });
  struct Pool {
    unsigned char buf[4096];
    std::size_t pos = sizeof(buf);
    unsigned generation = 0;
  };
  thread_local Pool pool;
  const unsigned gen = g_fork_generation.load(std::memory_order_relaxed);
  if (pool.pos + 16 > sizeof(pool.buf) || pool.generation != gen) {
    pool.generation = gen;
    RandomBytes(pool.buf, sizeof(pool.buf));
    pool.pos = 0;
  }
  Uuid u;
  std::memcpy(u.bytes.data(), pool.buf + pool.pos, 16);
  std::memset(pool.buf + pool.pos, 0, 16);
  pool.pos += 16;
  u.bytes[6] = static_cast<std::uint8_t>((u.bytes[6] & 0x0f) | 0x40);
  u.bytes[8] = static_cast<std::uint8_t>((u.bytes[8] & 0x3f) | 0x80);
  return u;
}

std::string Uuid::ToString() const {
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    s.push_back(kHex[bytes[i] >> 4]);
    s.push_back(kHex[bytes[i] & 15]);
  }
  return s;
}

Uuid Uuid::FromBytes(std::string_view b) {
  Uuid u;
  std::memcpy(u.bytes.data(), b.data(), 16);
  return u;
}

}  // namespace lrs
