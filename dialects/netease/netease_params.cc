#include "dialects/netease/netease_params.h"

#include <strings.h>

#include <charconv>

#include "base/utf8.h"

namespace fg::netease {

void ParamReader::Fail(Code code, std::string message) {
  if (status_.ok()) status_ = Status(code, std::move(message));
}

std::string ParamReader::Required(std::string_view name, size_t max_chars) {
  auto value = Optional(name, max_chars);
  if (!ok()) return {};
  if (!value || value->empty()) {
    Fail(Code::kInvalidArgument, std::string(name) + " is missing");
    return {};
  }
  return std::move(*value);
}

std::optional<std::string> ParamReader::Optional(std::string_view name, size_t max_chars) {
  if (!ok()) return std::nullopt;
  auto value = params_.Get(name);
  if (!value) return std::nullopt;
  if (Utf8Length(*value) > max_chars) {
    Fail(Code::kTooLong,
         std::string(name) + " is longer than " + std::to_string(max_chars) + " characters");
    return std::nullopt;
  }
  return std::string(*value);
}

std::optional<int64_t> ParamReader::ParseInt(std::string_view name, std::string_view text,
                                             int64_t min, int64_t max) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < min || v > max) {
    Fail(Code::kInvalidArgument, std::string(name) + " must be an integer from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

int64_t ParamReader::RequiredInt(std::string_view name, int64_t min, int64_t max) {
  if (!ok()) return 0;
  auto value = params_.Get(name);
  if (!value || value->empty()) {
    Fail(Code::kInvalidArgument, std::string(name) + " is missing");
    return 0;
  }
  return ParseInt(name, *value, min, max).value_or(0);
}

std::optional<int64_t> ParamReader::OptionalInt(std::string_view name, int64_t min, int64_t max) {
  if (!ok()) return std::nullopt;
  auto value = params_.Get(name);
  if (!value) return std::nullopt;
  return ParseInt(name, *value, min, max);
}

std::optional<bool> ParamReader::OptionalBool(std::string_view name) {
  if (!ok()) return std::nullopt;
  auto value = params_.Get(name);
  if (!value) return std::nullopt;
  if (strcasecmp(std::string(*value).c_str(), "true") == 0) return true;
  if (strcasecmp(std::string(*value).c_str(), "false") == 0) return false;
  Fail(Code::kInvalidArgument, std::string(name) + " must be true or false");
  return std::nullopt;
}

std::string ParamReader::Accid(std::string_view name) {
  std::string accid = Required(name, 32);
  if (!ok()) return {};
  for (char c : accid) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '@' || c == '.' || c == '-';
    if (!allowed) {
      Fail(Code::kInvalidArgument, std::string(name) + " may hold only letters, digits and _@.-");
      return {};
    }
  }
  return accid;
}

}  // namespace fg::netease
