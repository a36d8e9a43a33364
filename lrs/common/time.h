// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// ISO 8601 timestamps as used by xAPI (Data 4.5): parsing to epoch
// microseconds and formatting in UTC.

#ifndef LRS_COMMON_TIME_H_
#define LRS_COMMON_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace lrs {

struct ParsedTime {
  std::int64_t micros = 0;   // since the epoch, UTC (offset applied)
  bool has_offset = false;   // a 'Z' or +hh:mm / -hh:mm was present
  bool negative_zero_offset = false;  // "-00:00" (forbidden by RFC 3339 and xAPI)
};

// Parses an ISO 8601 combined date and time, extended format:
// YYYY-MM-DDThh:mm[:ss[.fraction]][Z|(+|-)hh[:]mm]. Also accepts the basic
// offset form. Returns false on anything malformed or out of range.
bool ParseIso8601(std::string_view text, ParsedTime* out);

// "2026-11-22T10:11:12.345Z" (milliseconds, UTC).
std::string FormatIso8601Millis(std::int64_t micros);

// An xAPI duration (Data 4.6: ISO 8601 PnYnMnDTnHnMnS, PnW; a fraction on
// the last component only) in seconds; years are 365 days and months 30.
// False when malformed.
bool ParseIso8601Duration(std::string_view text, double* seconds);

// RFC 7231 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") of epoch ms (for
// Last-Modified, Date); and its inverse (false when malformed).
std::string HttpDate(std::int64_t epoch_ms);
bool ParseHttpDate(std::string_view text, std::int64_t* epoch_ms);

}  // namespace lrs

#endif  // LRS_COMMON_TIME_H_
