#include "dialects/yuntongxun/yuntongxun_plugin.h"

#include <string>

#include "base/encoding.h"
#include "base/random.h"
#include "dialects/yuntongxun/auth.h"
#include "dialects/yuntongxun/yuntongxun_dialect.h"
#include "dialects/yuntongxun/yuntongxun_time.h"

namespace fg::yuntongxun {
namespace {

// A Base64 of "appId:timestamp" for the Authorization header.
std::string AuthorizationOf(const YuntongxunSettings& s, const std::string& timestamp);

class YuntongxunPluginImpl final : public Dialect {
 public:
  std::string_view name() const override { return "yuntongxun"; }

  std::any ReadAppConfig(ConfigTable& table) const override {
    YuntongxunSettings settings;
    table.RequiredString("app_id", settings.app_id);
    table.RequiredString("app_token", settings.app_token);
    table.Int("rate_limit_per_second", settings.rate_limit_per_second, 0, 1'000'000'000);
    table.String("time_zone", settings.time_zone);
    table.String("public_url", settings.public_url);
    table.Int("max_avatar_bytes", settings.max_avatar_bytes, 1, 64 << 20);
    // The appId is a path segment and the part of every useracc before '#'.
    if (settings.app_id.size() != 32 ||
        settings.app_id.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      table.Invalid("app_id", "must be 32 hex digits, as the vendor's console hands out");
    }
    if (auto offset = ParseUtcOffset(settings.time_zone)) {
      settings.offset_min = *offset;
    } else {
      table.Invalid("time_zone", "must be an offset from UTC such as \"+08:00\" or \"-05:30\"");
    }
    // "" (the default): each upload's Host header. Anything given must be an http(s) URL.
    if (!settings.public_url.empty() && settings.public_url.rfind("http://", 0) != 0 &&
        settings.public_url.rfind("https://", 0) != 0) {
      table.Invalid("public_url", "must start with http:// or https://");
    }
    while (!settings.public_url.empty() && settings.public_url.back() == '/') {
      settings.public_url.pop_back();
    }
    // Hex in either case names the same app: kept lower-case, and looked up so (the dialect).
    settings.app_id = AsciiLowerCase(settings.app_id);
    table.Unique("app_id", settings.app_id);
    return settings;
  }

  void Register(const DialectEnv& env, const std::vector<DialectApp>& apps) const override {
    std::vector<YuntongxunApp> own;
    for (const DialectApp& app : apps) {
      own.push_back({app.context, SettingsOf<YuntongxunSettings>(app.settings)});
    }
    yuntongxun::Register(env.router, env.service, env.clock, own);
  }

  std::vector<std::pair<std::string, std::string>> NewDemoTable() const override {
    // The shapes the vendor's console hands out: 32 hex digits each.
    return {{"app_id", RandomHex(16)}, {"app_token", RandomHex(16)}};
  }

  std::string SignedCurlFlags(const std::any& settings, const SignContext&,
                              Clock& clock) const override {
    const auto& s = SettingsOf<YuntongxunSettings>(settings);
    // yyyyMMddHHmmss: FormatSeconds without its separators.
    std::string timestamp;
    for (char ch : FormatSeconds(clock.NowMs(), s.offset_min)) {
      if (ch >= '0' && ch <= '9') timestamp.push_back(ch);
    }
    // Words without spaces or shell characters, so that `curl $(friendgraph sign …)` works.
    return "-H Content-Type:application/json -H Authorization:" + AuthorizationOf(s, timestamp) +
           " --url-query sig=" + ComputeSig(s.app_id, s.app_token, timestamp);
  }

  std::string DemoBanner(const std::any& settings, const BannerContext& context,
                         Clock& clock) const override {
    const auto& s = SettingsOf<YuntongxunSettings>(settings);
    return "  Yuntongxun appId    " + s.app_id + "\n  Yuntongxun appToken " + s.app_token +
           "\n\nTry it (the sig below is valid for 24 hours; `" + context.sign_command +
           "`\nprints a fresh one; change getFriends to any call):\n  curl " +
           SignedCurlFlags(settings, {}, clock) + " -d '{\"useracc\":\"" + s.app_id +
           "#zhangsan\"}' " + context.base_url + "/2013-12-26/Application/" + s.app_id +
           "/IM/getFriends\n\n";
  }
};

std::string AuthorizationOf(const YuntongxunSettings& s, const std::string& timestamp) {
  return Base64Encode(s.app_id + ":" + timestamp, Base64Alphabet::kStandard,
                      Base64Padding::kPadded);
}

}  // namespace

const Dialect& YuntongxunPlugin() {
  static const YuntongxunPluginImpl plugin;
  return plugin;
}

}  // namespace fg::yuntongxun
