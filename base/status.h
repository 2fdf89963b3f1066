// Status and Result<T>: errors as values, protocol-neutral.
//
// core/ reports what went wrong with a Code; each dialect maps codes to its vendor's envelope in
// one table. The message is for humans (logs, "desc" fields) and never carries secrets.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace fg {

// Codes are compared and mapped by dialects, never persisted.
enum class Code {
  kOk = 0,
  kInvalidArgument,   // a parameter is missing, malformed or out of range
  kTooLong,           // a parameter is longer than the dialect or the app allows
  kUserNotFound,      // an account named in the call does not exist in this app
  kAlreadyExists,     // creating something that exists (a user)
  kNotFriends,        // the call needs an alive edge owner -> peer and there is none
  kAlreadyFriends,    // a request between users who are already friends both ways
  kNoPendingRequest,  // answering a request that is not pending
  kBlocked,           // the peer has blocked the caller
  kRefusedByPolicy,   // the peer's add policy refuses requests
  kFriendLimit,       // one side would go over the app's friend limit
  kRelationLimit,     // over the app's block/mute limit
  kUserDisabled,      // an account named in the call is disabled (deactivated, blocked)
  kInternal,          // storage failed; nothing was written
  kUnavailable,       // shutting down
};

std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Holds either a value or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace fg
