// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
//
// Status and Result<T>: how every fallible call in lrs reports failure.
//
// A Status is either OK (a null pointer: success costs nothing) or carries a
// Code and a message. Messages name the cause precisely enough to show to an
// API client as-is, e.g. "actor.mbox: must be a mailto: IRI".
//
// Thread safety: a Status is a value; distinct objects may be used from
// distinct threads without synchronization.

#ifndef LRS_STATUS_H_
#define LRS_STATUS_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lrs {

class [[nodiscard]] Status {
 public:
  // Stable codes. Never renumber: the C API exposes them.
  enum class Code : int {
    kOk = 0,
    kInvalidArgument = 1,     // bad input: a client's mistake (HTTP 400)
    kNotFound = 2,            // (HTTP 404)
    kConflict = 3,            // e.g. same statement id, different content (409)
    kPreconditionFailed = 4,  // If-Match / If-None-Match failed (412)
    kPreconditionRequired = 5,// a concurrency header was required (409/428)
    kTooLarge = 6,            // a size or depth limit was exceeded (413)
    kNoSpace = 7,             // map or disk full; nothing was written (507)
    kIOError = 8,             // the operating system failed a call
    kCorruption = 9,          // stored data is not what lrs wrote
    kNotSupported = 10,
    kBusy = 11,               // try again later
    kInternal = 12,           // a bug in lrs
    kUnauthorized = 13,
    kForbidden = 14,
  };

  Status() noexcept = default;
  Status(Code code, std::string_view msg);
  Status(const Status& o) : state_(o.state_ ? std::make_unique<State>(*o.state_) : nullptr) {}
  Status& operator=(const Status& o) {
    if (this != &o) state_ = o.state_ ? std::make_unique<State>(*o.state_) : nullptr;
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string_view m) { return {Code::kInvalidArgument, m}; }
  static Status NotFound(std::string_view m) { return {Code::kNotFound, m}; }
  static Status Conflict(std::string_view m) { return {Code::kConflict, m}; }
  static Status PreconditionFailed(std::string_view m) { return {Code::kPreconditionFailed, m}; }
  static Status PreconditionRequired(std::string_view m) { return {Code::kPreconditionRequired, m}; }
  static Status TooLarge(std::string_view m) { return {Code::kTooLarge, m}; }
  static Status NoSpace(std::string_view m) { return {Code::kNoSpace, m}; }
  static Status IOError(std::string_view m) { return {Code::kIOError, m}; }
  static Status Corruption(std::string_view m) { return {Code::kCorruption, m}; }
  static Status NotSupported(std::string_view m) { return {Code::kNotSupported, m}; }
  static Status Busy(std::string_view m) { return {Code::kBusy, m}; }
  static Status Internal(std::string_view m) { return {Code::kInternal, m}; }
  static Status Unauthorized(std::string_view m) { return {Code::kUnauthorized, m}; }
  static Status Forbidden(std::string_view m) { return {Code::kForbidden, m}; }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  // The message without the code name; empty when ok().
  const std::string& message() const;
  bool IsInvalidArgument() const { return code() == Code::kInvalidArgument; }
  bool IsNotFound() const { return code() == Code::kNotFound; }
  bool IsConflict() const { return code() == Code::kConflict; }
  bool IsPreconditionFailed() const { return code() == Code::kPreconditionFailed; }
  bool IsNoSpace() const { return code() == Code::kNoSpace; }

  // "OK", or "<CodeName>: <message>".
  std::string ToString() const;
  static const char* CodeName(Code code);

  // Returns a copy whose message is prefix + message (used to add context).
  Status WithPrefix(std::string_view prefix) const;

 private:
  struct State {
    Code code;
    std::string msg;
  };
  std::unique_ptr<State> state_;
};

// A value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}   // REQUIRES: !status.ok()
  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace lrs

// Returns early from the enclosing function when `expr` is not OK.
#define LRS_RETURN_IF_ERROR(expr)          \
  do {                                     \
    ::lrs::Status _lrs_s = (expr);         \
    if (!_lrs_s.ok()) return _lrs_s;       \
  } while (0)

#endif  // LRS_STATUS_H_
