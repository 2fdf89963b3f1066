// The NetEase Yunxin (网易云信) server API dialect: /nimserver/{user,friend}/<op>.action.
//
// Requests are form-urlencoded POSTs signed with AppKey, Nonce, CurTime and CheckSum (see
// checksum.h). Every answer is {"code":200,…} or {"code":N,"desc":"…"} in HTTP 200; codes and
// every decision the vendor leaves open are in docs/netease.md.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "core/friend_service.h"
#include "dialects/common/error_table.h"
#include "http/router.h"

namespace fg::netease {

// One app's [apps.netease] table (docs/configuration.md), as the plug-in (netease_plugin.h) reads
// it.
struct NeteaseSettings {
  std::string app_key;  // unique across apps
  std::string app_secret;
  int64_t rate_limit_per_second = 0;  // 0: off
  // Refuse a Nonce already seen within the CurTime window (docs/netease.md, "Replayed requests").
  bool reject_replayed_nonce = true;
};

struct NeteaseApp {
  AppContext app;
  NeteaseSettings settings;
};

// The dialect's one table from core codes to NetEase codes (docs/netease.md).
const kit::ErrorTable& NeteaseErrors();

// Adds the dialect's routes. `service` and `clock` must outlive `router`'s use.
void Register(http::Router& router, FriendService& service, Clock& clock,
              const std::vector<NeteaseApp>& apps);

}  // namespace fg::netease
