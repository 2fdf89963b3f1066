#include "dialects/netease/netease_plugin.h"

#include <string>

#include "base/random.h"
#include "dialects/netease/checksum.h"
#include "dialects/netease/netease_dialect.h"

namespace fg::netease {
namespace {

class NeteasePluginImpl final : public Dialect {
 public:
  std::string_view name() const override { return "netease"; }

  std::any ReadAppConfig(ConfigTable& table) const override {
    NeteaseSettings settings;
    table.RequiredString("app_key", settings.app_key);
    table.RequiredString("app_secret", settings.app_secret);
    table.Int("rate_limit_per_second", settings.rate_limit_per_second, 0, 1'000'000'000);
    table.Bool("reject_replayed_nonce", settings.reject_replayed_nonce);
    // A call names its app by AppKey alone.
    table.Unique("app_key", settings.app_key);
    return settings;
  }

  void Register(const DialectEnv& env, const std::vector<DialectApp>& apps) const override {
    std::vector<NeteaseApp> netease_apps;
    for (const DialectApp& app : apps) {
      netease_apps.push_back({app.context, SettingsOf<NeteaseSettings>(app.settings)});
    }
    netease::Register(env.router, env.service, env.clock, netease_apps);
  }

  std::vector<std::pair<std::string, std::string>> NewDemoTable() const override {
    // The lengths of the credentials NetEase's console hands out.
    return {{"app_key", RandomHex(16)}, {"app_secret", RandomHex(12)}};
  }

  std::string SignedCurlFlags(const std::any& settings, const SignContext&,
                              Clock& clock) const override {
    const auto& s = SettingsOf<NeteaseSettings>(settings);
    std::string nonce = RandomHex(8);
    std::string now = std::to_string(clock.NowMs() / 1000);
    return "-H AppKey:" + s.app_key + " -H Nonce:" + nonce + " -H CurTime:" + now +
           " -H CheckSum:" + ComputeCheckSum(s.app_secret, nonce, now);
  }

  std::string DemoBanner(const std::any& settings, const BannerContext& context,
                         Clock& clock) const override {
    const auto& s = SettingsOf<NeteaseSettings>(settings);
    return "  NetEase AppKey    " + s.app_key + "\n  NetEase AppSecret " + s.app_secret +
           "\n\nTry it (the CheckSum below is valid for 5 minutes; `" + context.sign_command +
           "`\nprints fresh headers):\n  curl " + SignedCurlFlags(settings, {}, clock) +
           " -d 'accid=zhangsan&name=Zhang' " + context.base_url +
           "/nimserver/user/create.action\n\n";
  }
};

}  // namespace

const Dialect& NeteasePlugin() {
  static const NeteasePluginImpl plugin;
  return plugin;
}

}  // namespace fg::netease
