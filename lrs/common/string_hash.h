// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Transparent hashing so unordered containers keyed by std::string can be
// searched with a std::string_view without building a std::string.

#ifndef LRS_COMMON_STRING_HASH_H_
#define LRS_COMMON_STRING_HASH_H_

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace lrs {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace lrs

#endif  // LRS_COMMON_STRING_HASH_H_
