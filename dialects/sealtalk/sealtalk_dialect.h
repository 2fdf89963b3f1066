// The SealTalk dialect: the user and friendship parts of RongCloud's open-source app server
// (github rongcloud/sealtalk-server, tag 20250910), called by end users' apps behind a login
// cookie, over the same graph as every other dialect.
//
// Routes, per app, under its path_prefix: POST /user/{send_code, verify_code, register, login,
// logout, change_password, reset_password, set_nickname, set_portrait_uri, set_gender,
// set_st_account, set_privacy, add_to_blacklist, remove_from_blacklist}, GET /user/{get_privacy,
// blacklist, find/{region}/{phone}, find_user, {id}}, and the 11 /friendship calls. Success is
// HTTP 200 {"code":200,"result":…}; a business error of a user call is HTTP 200 {"code":N}; a
// request error is HTTP 400/403/404/413/429/500/503 with a short plain message, as Express
// sends it. Every answer, every code and every decision is in docs/sealtalk.md.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/executor.h"
#include "core/friend_service.h"
#include "dialects/common/error_table.h"
#include "dialects/sealtalk/login_cookie.h"
#include "http/client.h"
#include "http/router.h"

namespace fg::sealtalk {

// One app's [apps.sealtalk] table (docs/configuration.md), as the plug-in reads it.
struct SealtalkSettings {
  std::string path_prefix;  // "" or "/name": the app's calls are under it
  CookieSettings cookie;
  std::optional<http::Url> sms_webhook;  // where codes are POSTed; none: dev code only
  std::string dev_verification_code;     // every code is this one when set
  int64_t rate_limit_per_second = 0;     // 0: off
  // Codes one client address may ask for, and wrong codes it may try, per 10 minutes; 0: off.
  int64_t codes_per_address = 20;
  // Origins of web clients allowed to call with the cookie (the peer's CORS_HOSTS), e.g.
  // "https://web.example.com"; empty: no CORS headers (the apps, or a web client served from
  // the same origin).
  std::vector<std::string> cors_origins;
};

struct SealtalkApp {
  AppContext app;
  SealtalkSettings settings;
};

// How the dialect answers each core code (docs/sealtalk.md).
const kit::ErrorTable& SealtalkErrors();

// Adds the dialect's routes. Everything passed must outlive `router`'s use;
// `installation_secret` is copied into the keys derived from it.
void Register(http::Router& router, FriendService& service, Clock& clock, Executor& blocking,
              std::string_view installation_secret, const std::vector<SealtalkApp>& apps);

}  // namespace fg::sealtalk
