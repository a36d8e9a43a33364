// Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#include "lrs/status.h"

namespace lrs {

Status::Status(Code code, std::string_view msg) {
  if (code != Code::kOk) state_ = std::make_unique<State>(State{code, std::string(msg)});
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->msg : kEmpty;
}

const char* Status::CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "OK";
    case Code::kInvalidArgument: return "InvalidArgument";
    case Code::kNotFound: return "NotFound";
    case Code::kConflict: return "Conflict";
    case Code::kPreconditionFailed: return "PreconditionFailed";
    case Code::kPreconditionRequired: return "PreconditionRequired";
    case Code::kTooLarge: return "TooLarge";
    case Code::kNoSpace: return "NoSpace";
    case Code::kIOError: return "IOError";
    case Code::kCorruption: return "Corruption";
    case Code::kNotSupported: return "NotSupported";
    case Code::kBusy: return "Busy";
    case Code::kInternal: return "Internal";
    case Code::kUnauthorized: return "Unauthorized";
    case Code::kForbidden: return "Forbidden";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s = CodeName(state_->code);
  s += ": ";
  s += state_->msg;
  return s;
}

Status Status::WithPrefix(std::string_view prefix) const {
  if (ok()) return Status();
  std::string m(prefix);
  m += state_->msg;
  return Status(state_->code, m);
}

}  // namespace lrs
