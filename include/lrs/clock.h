// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Clock: the seam through which lrs reads the time, so tests can control it.

#ifndef LRS_CLOCK_H_
#define LRS_CLOCK_H_

#include <cstdint>

namespace lrs {

class Clock {
 public:
  virtual ~Clock() = default;
  // Microseconds since 1970-01-01T00:00:00Z. Thread-safe.
  virtual std::int64_t NowMicros() = 0;
  // The process-wide system clock (never null, never destroyed).
  static Clock* System();
};

}  // namespace lrs

#endif  // LRS_CLOCK_H_
