// The SealTalk dialect as a plug-in (dialects/dialect.h): reads [apps.sealtalk] into
// SealtalkSettings, registers each app's /user and /friendship routes under its path_prefix,
// makes the demo app's table (a dev verification code), and gives curl a cookie jar.
#pragma once

#include "dialects/dialect.h"

namespace fg::sealtalk {

// The one instance, listed in dialects/registry.cc. Its settings type is SealtalkSettings
// (sealtalk_dialect.h).
const Dialect& SealtalkPlugin();

}  // namespace fg::sealtalk
