// The friendgraph commands, wired from config to store, core, dialects and server.
#pragma once

#include <optional>
#include <string>

namespace fg {

struct ServeFlags {
  std::optional<std::string> config_path;
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
};

// `friendgraph serve`: runs until SIGINT/SIGTERM. Returns the process exit code: 0 after a clean
// shutdown, 2 for a config error, 1 when the store or the listener cannot start.
int Serve(const ServeFlags& flags);

struct SignFlags {
  std::optional<std::string> config_path;
  std::optional<std::string> data_dir;
  std::optional<std::string>
      app;  // the app's name; the first app with NetEase credentials when absent
};

// `friendgraph sign`: prints curl flags carrying NetEase headers with a fresh CheckSum (valid for
// 5 minutes), e.g. curl $(friendgraph sign) -d accid=a URL. Returns the exit code.
int Sign(const SignFlags& flags);

}  // namespace fg
