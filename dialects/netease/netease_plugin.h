// The NetEase dialect as a plug-in (dialects/dialect.h): reads [apps.netease] into
// NeteaseSettings, registers the /nimserver/ routes, makes the demo app's AppKey and AppSecret,
// and signs example calls with a fresh CheckSum.
#pragma once

#include "dialects/dialect.h"

namespace fg::netease {

// The one instance, listed in dialects/registry.cc. Its settings type is NeteaseSettings
// (netease_dialect.h).
const Dialect& NeteasePlugin();

}  // namespace fg::netease
