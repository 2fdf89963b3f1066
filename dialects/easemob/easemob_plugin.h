// The Easemob dialect as a plug-in (dialects/dialect.h): reads [apps.easemob] into
// EasemobSettings, registers the /{org}/{app}/ routes, makes the demo app's org, app and client
// credentials, and prints an app token for `friendgraph sign --dialect easemob`.
#pragma once

#include "dialects/dialect.h"

namespace fg::easemob {

// The one instance, listed in dialects/registry.cc. Its settings type is EasemobSettings
// (easemob_dialect.h).
const Dialect& EasemobPlugin();

}  // namespace fg::easemob
