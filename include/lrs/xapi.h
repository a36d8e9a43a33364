// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// xAPI vocabulary shared by the public API: versions and result formats.

#ifndef LRS_XAPI_H_
#define LRS_XAPI_H_

#include <string_view>

namespace lrs {

// The xAPI version a request is made under. It decides which validation
// rules apply (e.g. context.contextAgents exists only in 2.0.0) and how
// statements are returned.
enum class XapiVersion {
  k1_0_3,  // xAPI 1.0.3 (also used for 1.0.0 .. 1.0.2 requests)
  k2_0_0,  // xAPI 2.0.0, IEEE 9274.1.1
};

// Parses an X-Experience-API-Version header value: "1.0", "1.0.0".."1.0.9",
// "2.0", "2.0.x". Returns false for anything else.
bool ParseXapiVersion(std::string_view text, XapiVersion* out);

// "1.0.3" or "2.0.0".
const char* XapiVersionString(XapiVersion v);

// GET /statements `format` parameter (xAPI Communication 2.1.3).
enum class StatementFormat {
  kExact,      // as stored
  kIds,        // only identifying properties of agents, activities, verbs
  kCanonical,  // activity and verb language maps reduced to the preferred language
};

}  // namespace lrs

#endif  // LRS_XAPI_H_
