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
// shutdown, 2 for a config error, 1 when the data directory (unusable, or locked by another
// process), the store or the listener cannot start.
int Serve(const ServeFlags& flags);

struct SignFlags {
  std::optional<std::string> config_path;
  std::optional<std::string> data_dir;
  std::optional<std::string> app;      // the app's name; absent: the first that qualifies
  std::optional<std::string> dialect;  // absent: the app's first dialect, in registry order
};

// `friendgraph sign`: prints curl flags that authenticate one call of an app through one dialect
// now (NetEase: its four headers with a fresh CheckSum, valid 5 minutes; a dialect that signs
// tokens with the installation secret: the data directory's store is opened for it), e.g.
// curl $(friendgraph sign) -d accid=a URL. Without --config: the demo app of the data directory,
// made if missing unless a server holds the directory. Returns the exit code: 0, 2 with a
// message on stderr, or 1 when the store cannot be opened.
int Sign(const SignFlags& flags);

}  // namespace fg
