// SealTalk's login cookie (DESIGN.md §2b): a kit::TokenSigner token of purpose "sealtalk-login"
// naming the app, the user's id and the user's revocation epoch, expiring after the app's
// cookie_max_age_days. It is checked without a store read; the caller then compares the epoch
// with the user's (logout and a password change move it, revoking every cookie issued before).
// Immutable after construction: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/model.h"
#include "dialects/common/signed_token.h"
#include "http/message.h"

namespace fg::sealtalk {

struct CookieSettings {
  std::string name = "rong_auth_cookie";
  int64_t max_age_days = 30;
  bool secure = false;  // adds the Secure attribute (served behind TLS)
  // The cookie's Path: the app's path_prefix, so that two apps on one host keep two logins.
  std::string path = "/";
  // The cookie's Domain (cookie_domain): "" keeps it to the host that set it; a parent domain
  // shares it with a web client on a sibling host (the peer's AUTH_COOKIE_DOMAIN).
  std::string domain;
};

struct LoginClaims {
  UserId user = 0;  // by id: a cached user card checks the cookie without a store read
  int64_t epoch = 0;
};

class LoginCookies {
 public:
  // REQUIRES: installation_secret as kit::TokenSigner wants it. `clock` must outlive this.
  LoginCookies(std::string_view installation_secret, CookieSettings settings, Clock& clock);

  // The Set-Cookie value that logs `user` in on `app` (HttpOnly, the Path, Max-Age, Expires).
  std::string Issue(AppId app, const User& user) const;
  // The Set-Cookie value that removes the cookie (logout).
  std::string Clear() const;
  // The claims of the first cookie of our name in `request` that verifies for `app`; nullopt
  // when none does (absent, forged, altered, for another app, expired).
  std::optional<LoginClaims> Read(const http::Request& request, AppId app) const;

 private:
  CookieSettings settings_;
  kit::TokenSigner signer_;
  Clock& clock_;
};

}  // namespace fg::sealtalk
