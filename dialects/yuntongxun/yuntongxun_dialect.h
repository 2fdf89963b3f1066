// The Yuntongxun (容联云通讯) friend-relationship dialect:
// POST /2013-12-26/Application/{appId}/IM/{op}?sig=… and the avatar images it hands out.
//
// Calls are JSON POSTs (uploadAvatar: the image bytes) signed with `sig` = MD5(appId + appToken
// + timestamp) and `Authorization` = Base64(appId:timestamp) (auth.h). Every answer is HTTP 200
// with {"statusCode":"000000","statusMsg":"success",…} or our own six-digit statusCode and a
// clear statusMsg; the codes, and every decision the vendor leaves open, are in
// docs/yuntongxun.md.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "core/friend_service.h"
#include "dialects/common/error_table.h"
#include "http/router.h"

namespace fg::yuntongxun {

// One app's [apps.yuntongxun] table (docs/configuration.md), as the plug-in reads it.
struct YuntongxunSettings {
  std::string app_id;  // 32 characters, unique across apps
  std::string app_token;
  int64_t rate_limit_per_second = 0;  // 0: off
  std::string time_zone = "+08:00";   // the zone of every time the dialect reads or writes
  int offset_min = 480;               // time_zone, parsed
  // Base of the avatar URLs, no trailing '/'; "": "http://" + the upload's Host header.
  std::string public_url;
  int64_t max_avatar_bytes = 2 * 1024 * 1024;
};

struct YuntongxunApp {
  AppContext app;
  YuntongxunSettings settings;
};

// The dialect's one table from core codes to its statusCodes (docs/yuntongxun.md).
const kit::ErrorTable& YuntongxunErrors();

// Adds the dialect's routes. `service` and `clock` must outlive `router`'s use.
void Register(http::Router& router, FriendService& service, Clock& clock,
              const std::vector<YuntongxunApp>& apps);

}  // namespace fg::yuntongxun
