#include "app/demo_app.h"

#include <toml++/toml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/durable_file.h"
#include "dialects/dialect.h"
#include "dialects/registry.h"

namespace fg {
namespace {

constexpr const char* kHeader =
    "# The demo app friendgraph created on its first start without a config file.\n"
    "# It is a config file: copy it, add your own apps, and pass it with --config.\n";

std::string DemoPath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "demo-app.toml").string();
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(Code::kInvalidArgument, path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

Result<AppConfig> OnlyApp(Result<Config> config, const std::string& path) {
  if (!config.ok()) return config.status();
  if (config->apps.size() != 1) {
    return Status(Code::kInvalidArgument, path + ": must hold exactly one app");
  }
  return std::move(config->apps[0]);
}

}  // namespace

Result<AppConfig> LoadDemoApp(const std::string& data_dir) {
  std::string path = DemoPath(data_dir);
  return OnlyApp(LoadConfigFile(path), path);
}

Result<AppConfig> LoadOrCreateDemoApp(const std::string& data_dir) {
  std::string path = DemoPath(data_dir);
  toml::table doc;
  if (std::filesystem::exists(path)) {
    auto text = ReadFile(path);
    if (!text.ok()) return text.status();
    auto app = OnlyApp(ParseConfig(text.value(), path, Dialects()), path);
    if (!app.ok() || app->dialects.size() == Dialects().size()) return app;
    try {
      doc = toml::parse(text.value(), path);
    } catch (const toml::parse_error& e) {  // ParseConfig accepted it: only if it changed since
      return Status(Code::kInvalidArgument, path + ": " + std::string(e.description()));
    }
  } else {
    doc.insert("apps", toml::array{toml::table{{"name", "demo"}}});
  }
  toml::table& app = *doc["apps"][0].as_table();
  for (const Dialect* dialect : Dialects()) {
    if (app.contains(dialect->name())) continue;
    toml::table table;
    for (const auto& [key, value] : dialect->NewDemoTable()) table.insert(key, value);
    app.insert(dialect->name(), std::move(table));
  }
  std::ostringstream text;
  text << kHeader << toml::toml_formatter{doc, toml::format_flags::none} << "\n";
  if (Status written = WriteFileDurably(path, text.str(), 0600); !written.ok()) return written;
  return LoadDemoApp(data_dir);
}

}  // namespace fg
