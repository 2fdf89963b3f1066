// The demo app that `friendgraph serve` creates when it is given no config file.
#pragma once

#include <string>

#include "app/config.h"
#include "base/status.h"

namespace fg {

// The demo app lives in <data_dir>/demo-app.toml (mode 0600, written durably): a config file with
// one app, "demo", that enables every registered dialect with credentials the dialect made up
// (Dialect::NewDemoTable), kept so that they survive restarts. Creates the file when it is
// missing, and adds the table of every dialect it lacks (a dialect added to friendgraph since the
// file was written) while keeping the credentials it has; such a rewrite drops comments.
// REQUIRES: the caller holds the data directory's lock (DataDirLock): only its holder writes.
// kInvalidArgument for a file that is not such a config, kInternal when it cannot be written.
Result<AppConfig> LoadOrCreateDemoApp(const std::string& data_dir);

// Reads the demo app and writes nothing: for `friendgraph sign` while a server, which holds the
// lock, has made the file.
Result<AppConfig> LoadDemoApp(const std::string& data_dir);

}  // namespace fg
