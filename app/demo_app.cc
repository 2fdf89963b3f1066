#include "app/demo_app.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/random.h"

namespace fg {

Result<AppConfig> LoadOrCreateDemoApp(const std::string& data_dir) {
  std::string path = (std::filesystem::path(data_dir) / "demo-app.toml").string();
  if (!std::filesystem::exists(path)) {
    std::string tmp = path + ".tmp";
    // Created 0600 before anything secret is written into it.
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return Status(Code::kInternal, tmp + ": cannot be created");
    ::close(fd);
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << "# The demo app friendgraph created on its first start without a config file.\n"
          << "# It is a config file: copy it, add your own apps, and pass it with --config.\n"
          << "[[apps]]\nname = \"demo\"\n[apps.netease]\n"
          << "app_key = \"" << RandomHex(16) << "\"\n"
          << "app_secret = \"" << RandomHex(12) << "\"\n";
      if (!out.flush()) return Status(Code::kInternal, tmp + ": cannot be written");
    }
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
