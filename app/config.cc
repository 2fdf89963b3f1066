#include "app/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "dialects/dialect.h"
#include "dialects/registry.h"

namespace fg {
namespace {

// Reads one TOML table, remembering which keys it knows so that the rest can be reported.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string path, std::string_view source, Status& status)
      : table_(table), path_(std::move(path)), source_(source), status_(status) {}

  void Int(std::string_view key, int64_t& out, int64_t min, int64_t max) {
    const toml::node* node = Find(key);
    if (!node) return;
    auto v = node->as_integer();
    if (!v || v->get() < min || v->get() > max) {
      return Fail(*node, key,
                  "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    out = v->get();
  }

  // As above; `out` stays unset when the key is absent.
  void Int(std::string_view key, std::optional<int64_t>& out, int64_t min, int64_t max) {
    if (!table_.get(key)) {
      Find(key);
      return;
    }
    int64_t value = 0;
    Int(key, value, min, max);
    if (ok()) out = value;
  }

  // A string from a fixed set.
  void OneOf(std::string_view key, std::string& out,
             std::initializer_list<std::string_view> allowed) {
    std::string value = out;
    String(key, value);
    if (value == out) return;
    for (auto a : allowed) {
      if (value == a) {
        out = value;
        return;
      }
    }
    std::string list;
    for (auto a : allowed) list.append(list.empty() ? "" : ", ").append(a);
    Fail(*table_.get(key), key, "must be one of " + list);
  }

  void Bool(std::string_view key, bool& out) {
    const toml::node* node = Find(key);
    if (!node) return;
    auto v = node->as_boolean();
    if (!v) return Fail(*node, key, "must be true or false");
    out = v->get();
  }

  void String(std::string_view key, std::string& out, bool required = false,
              bool may_be_empty = false) {
    const toml::node* node = Find(key);
    if (!node) {
      if (required && status_.ok()) {
        status_ = Status(Code::kInvalidArgument, Where(table_) + ": " + Name(key) + " is missing");
      }
      return;
    }
    auto v = node->as_string();
    if (!v || (v->get().empty() && !may_be_empty)) {
      return Fail(*node, key, may_be_empty ? "must be a string" : "must be a non-empty string");
    }
    out = v->get();
  }

  const toml::table* Table(std::string_view key) {
    const toml::node* node = Find(key);
    if (!node) return nullptr;
    if (!node->is_table()) {
      Fail(*node, key, "must be a table");
      return nullptr;
    }
    return node->as_table();
  }

  const toml::array* ArrayOfTables(std::string_view key) {
    const toml::node* node = Find(key);
    if (!node) return nullptr;
    if (!node->is_array_of_tables()) {
      Fail(*node, key, "must be an array of tables ([[" + std::string(key) + "]])");
      return nullptr;
    }
    return node->as_array();
  }

  // Reports the first key that was never asked for.
  void RejectUnknown() {
    for (auto&& [key, node] : table_) {
      if (!known_.count(std::string(key.str()))) {
        if (status_.ok()) {
          status_ =
              Status(Code::kInvalidArgument, Where(node) + ": unknown key " + Name(key.str()));
        }
        return;
      }
    }
  }

  std::string Where(const toml::node& node) const {
    return std::string(source_) + ":" + std::to_string(node.source().begin.line);
  }

  std::string Name(std::string_view key) const {
    return "'" + (path_.empty() ? "" : path_ + ".") + std::string(key) + "'";
  }

  void Fail(const toml::node& node, std::string_view key, const std::string& why) {
    if (status_.ok())
      status_ = Status(Code::kInvalidArgument, Where(node) + ": " + Name(key) + " " + why);
  }

  // As above, at the key's line, or at the table's when the key is absent.
  void Fail(std::string_view key, const std::string& why) {
    const toml::node* node = table_.get(key);
    Fail(node ? *node : table_, key, why);
  }

  bool ok() const { return status_.ok(); }

 private:
  const toml::node* Find(std::string_view key) {
    known_.insert(std::string(key));
    return table_.get(key);
  }

  const toml::table& table_;
  std::string path_;
  std::string_view source_;
  Status& status_;
  std::set<std::string> known_;
};

// A dialect's [apps.<name>] table, through the interface dialects see.
class DialectTable final : public ConfigTable {
 public:
  // `claimed`: the values Unique() was given by this dialect's tables in earlier apps.
  DialectTable(TableReader& reader, std::set<std::pair<std::string, std::string>>& claimed)
      : reader_(reader), claimed_(claimed) {}

  void String(std::string_view key, std::string& out) override { reader_.String(key, out); }
  void StringOrEmpty(std::string_view key, std::string& out) override {
    reader_.String(key, out, /*required=*/false, /*may_be_empty=*/true);
  }
  void RequiredString(std::string_view key, std::string& out) override {
    reader_.String(key, out, /*required=*/true);
  }
  void Int(std::string_view key, int64_t& out, int64_t min, int64_t max) override {
    reader_.Int(key, out, min, max);
  }
  void Bool(std::string_view key, bool& out) override { reader_.Bool(key, out); }
  void Invalid(std::string_view key, std::string_view why) override {
    reader_.Fail(key, std::string(why));
  }
  void Unique(std::string_view key, std::string_view value) override {
    if (!reader_.ok()) return;
    if (!claimed_.emplace(std::string(key), std::string(value)).second) {
      reader_.Fail(key, "is used by another app");
    }
  }

 private:
  TableReader& reader_;
  std::set<std::pair<std::string, std::string>>& claimed_;
};

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view source,
                           const std::vector<const Dialect*>& dialects) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status(Code::kInvalidArgument, std::string(source) + ":" +
                                              std::to_string(e.source().begin.line) + ": " +
                                              std::string(e.description()));
  }
  Config config;
  Status status;
  TableReader top(root, "", source, status);
  top.String("listen", config.listen);
  top.String("data_dir", config.data_dir);
  top.Int("threads", config.threads, 0, 256);
  top.Int("body_limit_bytes", config.body_limit_bytes, 1024, int64_t{1} << 30);
  top.Int("header_timeout_ms", config.header_timeout_ms, 1, 3'600'000);
  top.Int("body_timeout_ms", config.body_timeout_ms, 1, 3'600'000);
  top.Int("idle_timeout_ms", config.idle_timeout_ms, 1, 3'600'000);
  top.Int("max_connections", config.max_connections, 1, 10'000'000);
  top.Int("max_connections_per_client", config.max_connections_per_client, 1, 10'000'000);
  top.OneOf("log_level", config.log_level, {"trace", "debug", "info", "warn", "error", "off"});
  top.Int("memory_budget_mb", config.memory_budget_mb, 16, int64_t{1} << 24);
  top.Int("friend_list_cache_items", config.friend_list_cache_items, 0, int64_t{1} << 32);
  top.Int("user_cache_items", config.user_cache_items, 0, int64_t{1} << 32);
  top.Int("peer_rows_cache_items", config.peer_rows_cache_items, 0, int64_t{1} << 32);
  if (const toml::array* apps = top.ArrayOfTables("apps")) {
    std::set<std::string> names;
    std::map<const Dialect*, std::set<std::pair<std::string, std::string>>> claimed;
    for (size_t i = 0; i < apps->size() && status.ok(); ++i) {
      const toml::table& table = *apps->get(i)->as_table();
      AppConfig app;
      std::string path = "apps[" + std::to_string(i) + "]";
      TableReader r(table, path, source, status);
      r.String("name", app.name, /*required=*/true);
      r.Int("max_friends", app.max_friends, 1, 1'000'000);
      r.Int("max_blocks", app.max_blocks, 0, 1'000'000);
      r.Int("max_mutes", app.max_mutes, 0, 1'000'000);
      r.String("link_group", app.link_group, /*required=*/false);
      for (const Dialect* dialect : dialects) {
        const toml::table* own = r.Table(dialect->name());
        if (!own) continue;
        TableReader d(*own, path + "." + std::string(dialect->name()), source, status);
        DialectTable view(d, claimed[dialect]);
        std::any settings = dialect->ReadAppConfig(view);
        d.RejectUnknown();
        app.dialects.push_back({dialect, std::move(settings)});
      }
      r.RejectUnknown();
      if (status.ok() && !names.insert(app.name).second) {
        r.Fail(*table.get("name"), "name", "is used by another app");
      }
      config.apps.push_back(std::move(app));
    }
  }
  top.RejectUnknown();
  if (status.ok()) {
    if (auto listen = ParseListen(config.listen); !listen.ok()) {
      status = Status(Code::kInvalidArgument,
                      std::string(source) + ": 'listen' " + listen.status().message());
    }
  }
  if (!status.ok()) return status;
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalidArgument, path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfig(buffer.str(), path, Dialects());
}

Result<HostPort> ParseListen(std::string_view listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string_view::npos) {
    return Status(Code::kInvalidArgument, "must be HOST:PORT, got '" + std::string(listen) + "'");
  }
  HostPort out;
  out.host = std::string(listen.substr(0, colon));
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
    out.host = out.host.substr(1, out.host.size() - 2);
  }
  if (out.host.empty()) out.host = "127.0.0.1";
  std::string_view port = listen.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    return Status(Code::kInvalidArgument, "has a bad port in '" + std::string(listen) + "'");
  }
  out.port = static_cast<uint16_t>(value);
  return out;
}

Result<Config> LoadConfig(const std::optional<std::string>& config_path,
                          const std::optional<std::string>& data_dir) {
  Config config;
  if (config_path) {
    auto loaded = LoadConfigFile(*config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(loaded.value());
  }
  if (data_dir) config.data_dir = *data_dir;
  return config;
}

}  // namespace fg
