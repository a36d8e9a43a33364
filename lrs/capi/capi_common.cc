// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// The C API's shared parts: version, result codes and messages, memory,
// parameter objects.

#include <cstdlib>
#include <cstring>

#include "lrs/capi/capi_internal.h"
#include "lrs/xapi.h"

#ifndef LRS_PROJECT_VERSION
#error "LRS_PROJECT_VERSION must be defined by the build"
#endif

namespace lrs::capi {
namespace {

static_assert(std::string_view(LRS_VERSION_STRING) == LRS_PROJECT_VERSION,
              "include/lrs/lrs.h's LRS_VERSION_* must match project(lrs VERSION) in CMakeLists.txt");
static_assert(LRS_INVALID_ARGUMENT == static_cast<int>(Status::Code::kInvalidArgument) &&
                  LRS_NOT_FOUND == static_cast<int>(Status::Code::kNotFound) &&
                  LRS_CONFLICT == static_cast<int>(Status::Code::kConflict) &&
                  LRS_PRECONDITION_FAILED == static_cast<int>(Status::Code::kPreconditionFailed) &&
                  LRS_PRECONDITION_REQUIRED ==
                      static_cast<int>(Status::Code::kPreconditionRequired) &&
                  LRS_TOO_LARGE == static_cast<int>(Status::Code::kTooLarge) &&
                  LRS_NO_SPACE == static_cast<int>(Status::Code::kNoSpace) &&
                  LRS_IO_ERROR == static_cast<int>(Status::Code::kIOError) &&
                  LRS_CORRUPTION == static_cast<int>(Status::Code::kCorruption) &&
                  LRS_NOT_SUPPORTED == static_cast<int>(Status::Code::kNotSupported) &&
                  LRS_BUSY == static_cast<int>(Status::Code::kBusy) &&
                  LRS_INTERNAL == static_cast<int>(Status::Code::kInternal) &&
                  LRS_UNAUTHORIZED == static_cast<int>(Status::Code::kUnauthorized) &&
                  LRS_FORBIDDEN == static_cast<int>(Status::Code::kForbidden),
              "C result codes are lrs::Status::Code values");

thread_local std::string t_errmsg;

}  // namespace

int Fail(const Status& s) {
  if (s.ok()) return Ok();
  t_errmsg = s.message();
  return static_cast<int>(s.code());
}

int Fail(int code, std::string_view message) {
  try {
    t_errmsg.assign(message);
  } catch (...) {
    t_errmsg.clear();
  }
  return code;
}

const char* ErrMsg() { return t_errmsg.c_str(); }

int Ok() {
  t_errmsg.clear();
  return LRS_OK;
}

std::string_view In(const char* p, std::size_t len) {
  if (p == nullptr) return {};
  if (len == LRS_NTS) return std::string_view(p);
  return std::string_view(p, len);
}

void ClearOut(char** out, std::size_t* out_len) {
  if (out != nullptr) *out = nullptr;
  if (out_len != nullptr) *out_len = 0;
}

int Emit(std::string_view s, char** out, std::size_t* out_len) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return Fail(LRS_NO_MEMORY, "out of memory");
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  *out = p;
  if (out_len != nullptr) *out_len = s.size();
  return Ok();
}

void AppendJsonString(std::string_view s, std::string* out) {
  json::Value v(rapidjson::StringRef(s.data(), s.size()));
  json::AppendTo(v, out);
}

std::string JsonStringArray(const std::vector<std::string>& items) {
  std::string j = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) j += ',';
    AppendJsonString(items[i], &j);
  }
  j += ']';
  return j;
}

// ---- Params -------------------------------------------------------------------

Status Params::Parse(std::string_view text, std::string_view what) {
  what_ = std::string(what);
  if (text.empty()) {
    doc_.SetObject();
    return Status::OK();
  }
  LRS_RETURN_IF_ERROR(json::Parse(text, &doc_, json::Limits{std::size_t{1} << 20, 32})
                          .WithPrefix(what_ + ": "));
  if (!doc_.IsObject()) return Status::InvalidArgument(what_ + ": must be a JSON object");
  return Status::OK();
}

bool Params::Has(std::string_view name) const { return json::Member(doc_, name) != nullptr; }

Status Params::String(std::string_view name, std::optional<std::string>* out) const {
  const json::Value* v = json::Member(doc_, name);
  if (v == nullptr || v->IsNull()) return Status::OK();
  if (!v->IsString())
    return Status::InvalidArgument(what_ + "." + std::string(name) + ": must be a string");
  *out = std::string(json::View(*v));
  return Status::OK();
}

Status Params::Bool(std::string_view name, bool* out) const {
  const json::Value* v = json::Member(doc_, name);
  if (v == nullptr || v->IsNull()) return Status::OK();
  if (!v->IsBool())
    return Status::InvalidArgument(what_ + "." + std::string(name) + ": must be true or false");
  *out = v->GetBool();
  return Status::OK();
}

Status Params::Uint(std::string_view name, std::uint64_t* out) const {
  const json::Value* v = json::Member(doc_, name);
  if (v == nullptr || v->IsNull()) return Status::OK();
  if (!v->IsUint64())
    return Status::InvalidArgument(what_ + "." + std::string(name) +
                                   ": must be a non-negative integer");
  *out = v->GetUint64();
  return Status::OK();
}

Status Params::JsonText(std::string_view name, std::optional<std::string>* out) const {
  const json::Value* v = json::Member(doc_, name);
  if (v == nullptr || v->IsNull()) return Status::OK();
  if (v->IsString()) {
    *out = std::string(json::View(*v));
  } else if (v->IsObject()) {
    *out = json::Write(*v);
  } else {
    return Status::InvalidArgument(what_ + "." + std::string(name) +
                                   ": must be a JSON object (or a string holding one)");
  }
  return Status::OK();
}

Status Params::Version(XapiVersion* out) const {
  std::optional<std::string> v;
  LRS_RETURN_IF_ERROR(String("version", &v));
  if (v && !ParseXapiVersion(*v, out))
    return Status::InvalidArgument(what_ + ".version: must be an xAPI version (\"2.0.0\", \"1.0.3\")");
  return Status::OK();
}

Status Params::Format(StatementFormat* out) const {
  std::optional<std::string> f;
  LRS_RETURN_IF_ERROR(String("format", &f));
  if (!f) return Status::OK();
  if (*f == "exact") {
    *out = StatementFormat::kExact;
  } else if (*f == "ids") {
    *out = StatementFormat::kIds;
  } else if (*f == "canonical") {
    *out = StatementFormat::kCanonical;
  } else {
    return Status::InvalidArgument(what_ + ".format: must be \"exact\", \"ids\" or \"canonical\"");
  }
  return Status::OK();
}

Status Params::Languages(std::vector<std::string>* out) const {
  const json::Value* v = json::Member(doc_, "languages");
  if (v == nullptr || v->IsNull()) return Status::OK();
  const std::string bad = what_ + ".languages: must be an array of language tags";
  if (v->IsArray()) {
    for (const auto& l : v->GetArray()) {
      if (!l.IsString()) return Status::InvalidArgument(bad);
      out->emplace_back(json::View(l));
    }
    return Status::OK();
  }
  if (!v->IsString()) return Status::InvalidArgument(bad);
  // An Accept-Language list: "fr-CA, fr;q=0.8, en".
  std::string_view s = json::View(*v);
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    std::string_view part = s.substr(0, comma);
    part = part.substr(0, part.find(';'));
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) out->emplace_back(part);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return Status::OK();
}

Status Params::Only(std::initializer_list<std::string_view> names) const {
  for (const auto& m : doc_.GetObject()) {
    std::string_view n = json::View(m.name);
    bool known = false;
    for (std::string_view k : names) known = known || k == n;
    if (!known) {
      std::string list;
      for (std::string_view k : names) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      return Status::InvalidArgument(what_ + "." + std::string(n) +
                                     ": unknown parameter (known: " + list + ")");
    }
  }
  return Status::OK();
}

}  // namespace lrs::capi

// ---- Version, codes, memory ------------------------------------------------------

extern "C" {

const char* lrs_version(void) { return LRS_VERSION_STRING; }

int lrs_version_number(void) { return LRS_VERSION_NUMBER; }

const char* lrs_build_info(void) {
#if LRS_HAVE_SYNC
#define LRS_SYNC_JSON "true"
#else
#define LRS_SYNC_JSON "false"
#endif
#if LRS_HAVE_HTTP
#define LRS_HTTP_JSON "true"
#else
#define LRS_HTTP_JSON "false"
#endif
  return "{\"version\":\"" LRS_VERSION_STRING "\",\"xapi\":[\"1.0.3\",\"2.0.0\"],\"sync\":" LRS_SYNC_JSON
         ",\"http\":" LRS_HTTP_JSON "}";
}

const char* lrs_errmsg(void) { return lrs::capi::ErrMsg(); }

const char* lrs_errstr(int code) {
  switch (code) {
    case LRS_OK: return "OK";
    case LRS_MISUSE: return "Misuse";
    case LRS_NO_MEMORY: return "NoMemory";
    case LRS_ABORTED: return "Aborted";
    default: break;
  }
  if (code > 0 && code <= LRS_FORBIDDEN) return lrs::Status::CodeName(static_cast<lrs::Status::Code>(code));
  return "Unknown";
}

void lrs_free(void* p) { std::free(p); }

}  // extern "C"
