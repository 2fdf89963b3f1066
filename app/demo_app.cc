#include "app/demo_app.h"

#include <openssl/rand.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace fg {
namespace {

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xF]);
  }
  return out;
}

}  // namespace

Result<AppConfig> LoadOrCreateDemoApp(const std::string& data_dir) {
  std::string path = (std::filesystem::path(data_dir) / "demo-app.toml").string();
  if (!std::filesystem::exists(path)) {
    std::string tmp = path + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << "# The demo app friendgraph created on its first start without a config file.\n"
          << "# It is a config file: copy it, add your own apps, and pass it with --config.\n"
          << "[[apps]]\nname = \"demo\"\n[apps.netease]\n"
          << "app_key = \"" << RandomHex(16) << "\"\n"
          << "app_secret = \"" << RandomHex(12) << "\"\n";
      if (!out.flush()) return Status(Code::kInternal, tmp + ": cannot be written");
    }
    chmod(tmp.c_str(), 0600);
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return Status(Code::kInternal, path + ": " + ec.message());
  }
  auto config = LoadConfigFile(path);
  if (!config.ok()) return config.status();
  if (config->apps.size() != 1 || !config->apps[0].netease) {
    return Status(Code::kInvalidArgument, path + ": must hold exactly one app with [apps.netease]");
  }
  return std::move(config->apps[0]);
}

}  // namespace fg
