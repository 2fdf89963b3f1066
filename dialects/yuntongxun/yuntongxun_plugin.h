// The Yuntongxun dialect as a plug-in (dialects/dialect.h): reads [apps.yuntongxun] into
// YuntongxunSettings, registers the /2013-12-26/Application/ routes and the avatar images, makes
// the demo app's appId and appToken, and signs example calls with a fresh sig.
#pragma once

#include "dialects/dialect.h"

namespace fg::yuntongxun {

// The one instance, listed in dialects/registry.cc. Its settings type is YuntongxunSettings
// (yuntongxun_dialect.h).
const Dialect& YuntongxunPlugin();

}  // namespace fg::yuntongxun
