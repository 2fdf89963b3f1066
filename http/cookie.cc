#include "http/cookie.h"

#include <algorithm>

#include "http/token.h"

namespace fg::http {
namespace {

// cookie-octet: US-ASCII except CTLs, whitespace, DQUOTE, comma, semicolon and backslash.
bool IsCookieOctet(char c) {
  auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && u != '"' && u != ',' && u != ';' && u != '\\';
}

bool IsCookieValue(std::string_view value) {
  return std::all_of(value.begin(), value.end(), IsCookieOctet);
}

}  // namespace

std::vector<std::pair<std::string_view, std::string_view>> ParseCookies(std::string_view header) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!header.empty()) {
    size_t end = header.find(';');
    std::string_view piece = TrimOws(header.substr(0, end));
    header.remove_prefix(end == std::string_view::npos ? header.size() : end + 1);
    size_t eq = piece.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = TrimOws(piece.substr(0, eq));
    std::string_view value = TrimOws(piece.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    if (!IsToken(name) || !IsCookieValue(value)) continue;
    out.emplace_back(name, value);
  }
  return out;
}

Result<std::string> BuildSetCookie(std::string_view name, std::string_view value,
                                   const CookieAttributes& attributes) {
  if (!IsToken(name)) return Status(Code::kInvalidArgument, "cookie name is not a token");
  if (!IsCookieValue(value)) {
    return Status(Code::kInvalidArgument, "cookie value has an octet outside cookie-octet");
  }
  if (std::any_of(attributes.path.begin(), attributes.path.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f || c == ';';
      })) {
    return Status(Code::kInvalidArgument, "cookie path has a control character or ';'");
  }
  if (std::any_of(attributes.domain.begin(), attributes.domain.end(), [](char c) {
        return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-');
      })) {
    return Status(Code::kInvalidArgument, "cookie domain is not a host name");
  }
  if (attributes.max_age && *attributes.max_age < 0) {
    return Status(Code::kInvalidArgument, "cookie Max-Age is negative");
  }
  using SameSite = CookieAttributes::SameSite;
  if (attributes.same_site == SameSite::kNone && !attributes.secure) {
    return Status(Code::kInvalidArgument, "SameSite=None needs Secure");
  }
  std::string out;
  out.reserve(name.size() + value.size() + 64);
  out.append(name).append("=").append(value);
  if (!attributes.path.empty()) out.append("; Path=").append(attributes.path);
  if (!attributes.domain.empty()) out.append("; Domain=").append(attributes.domain);
  if (attributes.max_age) out.append("; Max-Age=").append(std::to_string(*attributes.max_age));
  if (attributes.http_only) out.append("; HttpOnly");
  if (attributes.secure) out.append("; Secure");
  switch (attributes.same_site) {
    case SameSite::kOmit:
      break;
    case SameSite::kStrict:
      out.append("; SameSite=Strict");
      break;
    case SameSite::kLax:
      out.append("; SameSite=Lax");
      break;
    case SameSite::kNone:
      out.append("; SameSite=None");
      break;
  }
  return out;
}

}  // namespace fg::http
