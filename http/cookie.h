// Cookies (RFC 6265): reading the Cookie request header and writing a Set-Cookie value.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace fg::http {

// The name=value pairs of a Cookie header ("a=1; b=2"), in order, duplicates kept (a browser
// sends the cookie with the longest path first). Views into `header`, valid while it is.
// Robust to junk: whitespace around pairs is ignored, a value in double quotes is unquoted, and a
// piece that is not a cookie-pair (no '=', a name that is not a token, a value with an octet
// outside cookie-octet) is skipped, never an error. Never fails.
std::vector<std::pair<std::string_view, std::string_view>> ParseCookies(std::string_view header);

struct CookieAttributes {
  enum class SameSite { kOmit, kStrict, kLax, kNone };

  std::string path = "/";          // empty: no Path attribute
  std::string domain;              // empty: no Domain attribute (the host that set it only)
  std::optional<int64_t> max_age;  // seconds, >= 0; 0 deletes the cookie; nullopt: session cookie
  bool http_only = true;           // hidden from scripts
  bool secure = false;             // sent over HTTPS only
  SameSite same_site = SameSite::kLax;
};

// The value of a Set-Cookie header, e.g. "sid=abc; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax".
// The value is written as given (encode it first if it may hold other octets). kInvalidArgument
// when the name is not a token, the value holds an octet outside cookie-octet, the path holds a
// control character or ';', the domain is not letters, digits, '.' and '-', max_age is
// negative, or SameSite=None comes without Secure (browsers drop such a cookie).
Result<std::string> BuildSetCookie(std::string_view name, std::string_view value,
                                   const CookieAttributes& attributes);

}  // namespace fg::http
