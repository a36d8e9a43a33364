// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/xapi.h"

namespace lrs {

bool ParseXapiVersion(std::string_view t, XapiVersion* out) {
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  auto patch_ok = [&](std::string_view rest) {  // "" or ".<digits>"
    if (rest.empty()) return true;
    if (rest.size() < 2 || rest[0] != '.') return false;
    for (char c : rest.substr(1))
      if (!is_digit(c)) return false;
    return true;
  };
  if (t.substr(0, 3) == "1.0" && patch_ok(t.substr(3))) {
    *out = XapiVersion::k1_0_3;
    return true;
  }
  if (t.substr(0, 3) == "2.0" && patch_ok(t.substr(3))) {
    *out = XapiVersion::k2_0_0;
    return true;
  }
  return false;
}

const char* XapiVersionString(XapiVersion v) {
  return v == XapiVersion::k1_0_3 ? "1.0.3" : "2.0.0";
}

}  // namespace lrs
