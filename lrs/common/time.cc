// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/common/time.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "lrs/clock.h"

namespace lrs {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

class SystemClock final : public Clock {
 public:
  std::int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Clock* Clock::System() {
  static SystemClock* clock = new SystemClock();  // never destroyed
  return clock;
}

bool ParseIso8601(std::string_view s, ParsedTime* out) {
  int year, mon, day, hour, min, sec = 0;
  if (!Digits(s, 0, 4, &year) || s.size() < 16 || s[4] != '-' || !Digits(s, 5, 2, &mon) ||
      s[7] != '-' || !Digits(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, &hour) || s[13] != ':' || !Digits(s, 14, 2, &min))
    return false;
  size_t p = 16;
  std::int64_t frac_us = 0;
  if (p < s.size() && s[p] == ':') {
    if (!Digits(s, p + 1, 2, &sec)) return false;
    p += 3;
    if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
      ++p;
      size_t start = p;
      std::int64_t scale = 100000;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
        frac_us += (s[p] - '0') * scale;
        scale /= 10;
        ++p;
      }
      if (p == start) return false;
    }
  }
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (mon < 1 || mon > 12 || day < 1) return false;
  int mdays = kDays[mon - 1] + (mon == 2 && LeapYear(year) ? 1 : 0);
  if (day > mdays || hour > 24 || min > 59 || sec > 60) return false;
  if (hour == 24 && (min != 0 || sec != 0 || frac_us != 0)) return false;
  if (sec == 60) sec = 59;  // leap second: clamp

  std::int64_t offset_s = 0;
  out->has_offset = false;
  out->negative_zero_offset = false;
  if (p < s.size()) {
    if (s[p] == 'Z' || s[p] == 'z') {
      out->has_offset = true;
      ++p;
    } else if (s[p] == '+' || s[p] == '-') {
      int sign = s[p] == '-' ? -1 : 1;
      int oh, om = 0;
      if (!Digits(s, p + 1, 2, &oh)) return false;
      p += 3;
      if (p < s.size()) {
        if (s[p] == ':') ++p;
        if (!Digits(s, p, 2, &om)) return false;
        p += 2;
      }
      if (oh > 23 || om > 59) return false;
      if (sign < 0 && oh == 0 && om == 0) out->negative_zero_offset = true;
      offset_s = sign * (oh * 3600 + om * 60);
      out->has_offset = true;
    } else {
      return false;
    }
  }
  if (p != s.size()) return false;
  std::int64_t days = DaysFromCivil(year, static_cast<unsigned>(mon), static_cast<unsigned>(day));
  std::int64_t secs = days * 86400 + hour * 3600 + min * 60 + sec - offset_s;
  out->micros = secs * 1000000 + frac_us;
  return true;
}

std::string FormatIso8601Millis(std::int64_t micros) {
  std::int64_t ms = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
  std::int64_t secs = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  int millis = static_cast<int>(ms - secs * 1000);
  std::int64_t days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  int sod = static_cast<int>(secs - days * 86400);
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<long long>(y), m,
                d, sod / 3600, sod / 60 % 60, sod % 60, millis);
  return buf;
}

namespace {
constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
}  // namespace

std::string HttpDate(std::int64_t epoch_ms) {
  std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

bool ParseHttpDate(std::string_view text, std::int64_t* epoch_ms) {
  // IMF-fixdate only: "Sun, 06 Nov 1994 08:49:37 GMT".
  if (text.size() != 29 || text.substr(25) != " GMT") return false;
  std::string s(text);
  char day[4] = {0}, mon[4] = {0};
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%3s, %2d %3s %4d %2d:%2d:%2d", day, &tm.tm_mday, mon, &tm.tm_year,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 7)
    return false;
  int m = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, kMonths[i]) == 0) m = i;
  if (m < 0) return false;
  tm.tm_mon = m;
  tm.tm_year -= 1900;
  *epoch_ms = static_cast<std::int64_t>(timegm(&tm)) * 1000;
  return true;
}

namespace {

// One duration component: digits with an optional fraction ("3", "3.5").
bool DurationNumber(std::string_view s, std::size_t* p, std::int64_t* whole, double* frac,
                    bool* has_frac) {
  std::size_t start = *p;
  *whole = 0;
  for (; *p < s.size() && s[*p] >= '0' && s[*p] <= '9'; ++*p) {
    if (__builtin_mul_overflow(*whole, 10, whole) ||
        __builtin_add_overflow(*whole, s[*p] - '0', whole)) {
      return false;
    }
  }
  if (*p == start) return false;
  *frac = 0;
  *has_frac = *p < s.size() && (s[*p] == '.' || s[*p] == ',');
  if (!*has_frac) return true;
  std::size_t digits_at = ++*p;
  std::int64_t num = 0, den = 1;
  for (; *p < s.size() && s[*p] >= '0' && s[*p] <= '9'; ++*p) {
    if (den < 1000000000) {  // beyond nanoseconds, digits are ignored
      num = num * 10 + (s[*p] - '0');
      den *= 10;
    }
  }
  *frac = static_cast<double>(num) / static_cast<double>(den);
  return *p > digits_at;
}

}  // namespace

bool ParseIso8601Duration(std::string_view s, double* seconds) {
  struct Unit {
    char letter;
    bool time;  // after the 'T'
    std::int64_t seconds;
  };
  static constexpr Unit kUnits[] = {{'Y', false, 365 * 86400}, {'M', false, 30 * 86400},
                                    {'W', false, 7 * 86400},   {'D', false, 86400},
                                    {'H', true, 3600},         {'M', true, 60},
                                    {'S', true, 1}};
  constexpr std::size_t kNumUnits = sizeof(kUnits) / sizeof(kUnits[0]);
  if (s.size() < 3 || s[0] != 'P') return false;
  std::size_t p = 1, next_unit = 0;
  bool in_time = false, time_component = false, ended_by_fraction = false;
  std::int64_t whole_total = 0;
  double frac_total = 0;
  while (p < s.size()) {
    if (ended_by_fraction) return false;  // a fraction only on the last component
    if (s[p] == 'T') {
      if (in_time) return false;
      in_time = true;
      ++p;
      continue;
    }
    std::int64_t whole, part;
    double frac;
    if (!DurationNumber(s, &p, &whole, &frac, &ended_by_fraction) || p >= s.size()) return false;
    char letter = s[p++];
    std::size_t u = next_unit;
    while (u < kNumUnits && (kUnits[u].letter != letter || kUnits[u].time != in_time)) ++u;
    if (u == kNumUnits) return false;
    next_unit = u + 1;
    if (__builtin_mul_overflow(whole, kUnits[u].seconds, &part) ||
        __builtin_add_overflow(whole_total, part, &whole_total)) {
      return false;
    }
    frac_total += frac * static_cast<double>(kUnits[u].seconds);
    time_component = time_component || in_time;
  }
  if (next_unit == 0 || (in_time && !time_component)) return false;
  *seconds = static_cast<double>(whole_total) + frac_total;
  return true;
}

}  // namespace lrs
