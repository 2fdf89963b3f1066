#include "base/status.h"

namespace fg {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kTooLong:
      return "too_long";
    case Code::kUserNotFound:
      return "user_not_found";
    case Code::kAlreadyExists:
      return "already_exists";
    case Code::kNotFriends:
      return "not_friends";
    case Code::kAlreadyFriends:
      return "already_friends";
    case Code::kNoPendingRequest:
      return "no_pending_request";
    case Code::kBlocked:
      return "blocked";
    case Code::kRefusedByPolicy:
      return "refused_by_policy";
    case Code::kFriendLimit:
      return "friend_limit";
    case Code::kRelationLimit:
      return "relation_limit";
    case Code::kUserDisabled:
      return "user_disabled";
    case Code::kInternal:
      return "internal";
    case Code::kUnavailable:
      return "unavailable";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  if (!message_.empty()) out.append(": ").append(message_);
  return out;
}

}  // namespace fg
