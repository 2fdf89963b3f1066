// The demo app that `friendgraph serve` creates when it is given no config file.
#pragma once

#include <string>

#include "app/config.h"
#include "base/status.h"

namespace fg {

// The demo app's credentials live in <data_dir>/demo-app.toml (mode 0600) so that they survive
// restarts. Creates the file with fresh random credentials when it is missing.
Result<AppConfig> LoadOrCreateDemoApp(const std::string& data_dir);

}  // namespace fg
