#include "dialects/sealtalk/login_cookie.h"

#include <charconv>
#include <ctime>

#include "http/cookie.h"

namespace fg::sealtalk {
namespace {

// An HTTP date (RFC 9110 IMF-fixdate) for the Expires attribute.
std::string HttpDate(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[40];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return text;
}

}  // namespace

LoginCookies::LoginCookies(std::string_view installation_secret, CookieSettings settings,
                           Clock& clock)
    : settings_(std::move(settings)),
      signer_(installation_secret, "sealtalk-login", clock),
      clock_(clock) {}

std::string LoginCookies::Issue(AppId app, const User& user) const {
  int64_t max_age_s = settings_.max_age_days * 86'400;
  int64_t expires_ms = clock_.NowMs() + max_age_s * 1000;
  std::string token = signer_.Issue({app, std::to_string(user.id), expires_ms, user.epoch});
  http::CookieAttributes attributes;
  attributes.path = settings_.path;
  attributes.domain = settings_.domain;
  attributes.max_age = max_age_s;
  attributes.secure = settings_.secure;
  // Tokens are URL-safe Base64, the name and domain were checked at start-up: this cannot fail.
  std::string cookie = http::BuildSetCookie(settings_.name, token, attributes).value();
  // Expires too, as Express writes it: clients that predate Max-Age read this one.
  return cookie + "; Expires=" + HttpDate(expires_ms);
}

std::string LoginCookies::Clear() const {
  http::CookieAttributes attributes;
  attributes.path = settings_.path;
  attributes.domain = settings_.domain;
  attributes.max_age = 0;
  attributes.secure = settings_.secure;
  return http::BuildSetCookie(settings_.name, "", attributes).value() +
         "; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
}

std::optional<LoginClaims> LoginCookies::Read(const http::Request& request, AppId app) const {
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    for (const auto& [cookie, token] : http::ParseCookies(value)) {
      if (cookie != settings_.name) continue;
      kit::TokenVerification v = signer_.Verify(token, app);
      if (!v.ok()) continue;
      // Signed by us, so a decimal id; checked anyway, as any input is.
      const std::string& subject = v.claims.subject;
      UserId id = 0;
      auto [end, error] = std::from_chars(subject.data(), subject.data() + subject.size(), id);
      if (error == std::errc() && end == subject.data() + subject.size() && id > 0) {
        return LoginClaims{id, v.claims.epoch};
      }
    }
  }
  return std::nullopt;
}

}  // namespace fg::sealtalk
