// The server's configuration: a TOML file, then command-line flags on top.
//
//   listen = "127.0.0.1:8080"
//   data_dir = "/var/lib/friendgraph"
//   [[apps]]
//   name = "demo"
//   max_friends = 3000
//   [apps.<dialect>]     # one table per dialect the app enables, read by the dialect
//   …
//
// Every key is documented in docs/configuration.md. Unknown keys, wrong types and duplicate app
// names or credentials are errors naming the key and its line.
#pragma once

#include <any>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/memory_budget.h"
#include "base/status.h"

namespace fg {

class Dialect;

// One dialect an app enables: its [apps.<name>] table, as the dialect read it.
struct DialectConfig {
  const Dialect* dialect = nullptr;
  std::any settings;  // what dialect->ReadAppConfig returned
};

struct AppConfig {
  std::string name;
  int64_t max_friends = 3000;
  int64_t max_blocks = 500;
  int64_t max_mutes = 500;
  // Apps of one group may befriend each other (Yuntongxun's cross-app accounts); "" = none.
  std::string link_group;
  std::vector<DialectConfig> dialects;  // in the order of `dialects` given to ParseConfig
};

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "friendgraph-data";
  int64_t threads = 0;  // 0: one per core
  int64_t body_limit_bytes = 1 << 20;
  int64_t header_timeout_ms = 10'000;
  int64_t body_timeout_ms = 30'000;
  int64_t idle_timeout_ms = 60'000;
  int64_t max_connections = 10'000;
  int64_t max_connections_per_client = 256;  // per IPv4 address or IPv6 /64
  std::string log_level = "info";
  // MiB the store's page cache and core's caches may hold in all (app/memory_budget.h).
  int64_t memory_budget_mb = DefaultMemoryBudgetMb();
  // Optional caps on top of each cache's share of the budget. Unset: the share alone bounds the
  // cache; 0: the cache is off; N: at most N items as well.
  std::optional<int64_t> friend_list_cache_items;  // friends kept for whole-list reads
  std::optional<int64_t> user_cache_items;         // users' cards kept for listings
  std::optional<int64_t> peer_rows_cache_items;    // SealTalk friendship rows
  std::vector<AppConfig> apps;
};

// Parses a config document; `source` names it in errors ("friendgraph.toml:12: …"). An app's
// [apps.<name>] table is read by the dialect of that name among `dialects`; any other key is an
// error. kInvalidArgument on any error.
Result<Config> ParseConfig(std::string_view text, std::string_view source,
                           const std::vector<const Dialect*>& dialects);
// ParseConfig of a file's text, with every registered dialect (dialects/registry.h).
Result<Config> LoadConfigFile(const std::string& path);
// What a command runs with: the config file if one is named, else the defaults; --data-dir
// (`data_dir`) over both.
Result<Config> LoadConfig(const std::optional<std::string>& config_path,
                          const std::optional<std::string>& data_dir);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
// "127.0.0.1:8080", "[::1]:8080" or ":8080" (loopback). kInvalidArgument otherwise.
Result<HostPort> ParseListen(std::string_view listen);

}  // namespace fg
