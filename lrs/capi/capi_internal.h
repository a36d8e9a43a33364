// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Internal to lrs/capi: what the C API's files share. The handles'
// definitions, the one Status-to-code translation, the per-thread error
// message, the exception barrier every entry point runs in, and readers of
// the JSON parameter objects.

#ifndef LRS_CAPI_CAPI_INTERNAL_H_
#define LRS_CAPI_CAPI_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lrs/lrs.h"
#include "lrs/json/json.h"
#include "lrs/status.h"
#include "lrs/store.h"

struct lrs_store {
  std::unique_ptr<lrs::Store> store;
};

namespace lrs::capi {

// Records `s` as this thread's error and returns its code (LRS_OK clears).
int Fail(const Status& s);
int Fail(int code, std::string_view message);
// This thread's last error message ("" after a success).
const char* ErrMsg();
// Clears this thread's error; returns LRS_OK.
int Ok();

// Runs `f` (returning int) with no exception escaping: bad_alloc becomes
// LRS_NO_MEMORY, anything else LRS_INTERNAL. A LRS_OK result clears the
// thread's error message.
template <typename F>
int Guard(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Fail(LRS_NO_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return Fail(LRS_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(LRS_INTERNAL, "internal error: unknown exception");
  }
}

// An input given as pointer + length (LRS_NTS: NUL-terminated; NULL: "").
std::string_view In(const char* p, std::size_t len);

// Copies `s` into memory released by lrs_free (NUL-terminated). `out` must
// not be null; `out_len` may be. Returns LRS_OK, or LRS_NO_MEMORY.
int Emit(std::string_view s, char** out, std::size_t* out_len);
// Sets outputs to NULL / 0 (callers do it first, so failures leave them so).
void ClearOut(char** out, std::size_t* out_len);

// A parsed parameter object: {} when the text is empty.
class Params {
 public:
  // InvalidArgument "params: ..." when not a JSON object.
  Status Parse(std::string_view text, std::string_view what = "params");
  bool Has(std::string_view name) const;
  // Each: OK and leaves *out alone when absent; InvalidArgument naming
  // "params.<name>" when of the wrong type.
  Status String(std::string_view name, std::optional<std::string>* out) const;
  Status Bool(std::string_view name, bool* out) const;
  Status Uint(std::string_view name, std::uint64_t* out) const;
  // An object member given as an object or as a string holding JSON (an
  // Agent, say), as JSON text.
  Status JsonText(std::string_view name, std::optional<std::string>* out) const;
  // "version": "1.0.3" | "2.0.0" | "1.0" ...
  Status Version(XapiVersion* out) const;
  // "format": "exact" | "ids" | "canonical".
  Status Format(StatementFormat* out) const;
  // "languages": ["fr-CA", "en"] or "fr-CA, en".
  Status Languages(std::vector<std::string>* out) const;
  // REQUIRES: only the listed names appear; InvalidArgument names the first
  // unknown member (a typo must not be silently ignored).
  Status Only(std::initializer_list<std::string_view> names) const;
  const json::Document& doc() const { return doc_; }

 private:
  json::Document doc_;
  std::string what_ = "params";
};

// Appends `s` as a JSON string literal (quotes included) to *out.
void AppendJsonString(std::string_view s, std::string* out);
// ["a","b"]: strings as a JSON array.
std::string JsonStringArray(const std::vector<std::string>& items);

}  // namespace lrs::capi

#endif  // LRS_CAPI_CAPI_INTERNAL_H_
