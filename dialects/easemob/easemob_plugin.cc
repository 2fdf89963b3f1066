#include "dialects/easemob/easemob_plugin.h"

#include <string>

#include "base/random.h"
#include "core/change.h"
#include "dialects/easemob/easemob_dialect.h"

namespace fg::easemob {
namespace {

// Ten years: long enough for any deployment, short enough that expiry times cannot overflow.
constexpr int64_t kMaxTokenTtlSeconds = 315'360'000;

class EasemobPluginImpl final : public Dialect {
 public:
  std::string_view name() const override { return "easemob"; }

  std::any ReadAppConfig(ConfigTable& table) const override {
    EasemobSettings settings;
    table.RequiredString("org_name", settings.org_name);
    table.RequiredString("app_name", settings.app_name);
    table.RequiredString("client_id", settings.client_id);
    table.RequiredString("client_secret", settings.client_secret);
    table.Int("token_ttl_seconds", settings.token_ttl_seconds, 1, kMaxTokenTtlSeconds);
    table.Int("rate_limit_per_second", settings.rate_limit_per_second, 0, 1'000'000'000);
    // A call names its app by the path's /{org}/{app}, matched regardless of case.
    table.Unique("app_name",
                 NormalizeAccount(settings.org_name) + "/" + NormalizeAccount(settings.app_name));
    return settings;
  }

  void Register(const DialectEnv& env, const std::vector<DialectApp>& apps) const override {
    std::vector<EasemobApp> easemob_apps;
    for (const DialectApp& app : apps) {
      easemob_apps.push_back({app.context, SettingsOf<EasemobSettings>(app.settings)});
    }
    easemob::Register(env, easemob_apps);
  }

  std::vector<std::pair<std::string, std::string>> NewDemoTable() const override {
    // The shapes of what Easemob's console hands out: an org and app name, a client id of 22
    // characters and a client secret of 27 (ours are hex, of about that length).
    return {{"org_name", "demo" + RandomHex(4)},
            {"app_name", "demo" + RandomHex(4)},
            {"client_id", "YXA6" + RandomHex(9)},
            {"client_secret", "YXA6" + RandomHex(12)}};
  }

  bool signs_with_installation_secret() const override { return true; }

  // curl's --oauth2-bearer sends "Authorization: Bearer <token>" from one word without a space.
  std::string SignedCurlFlags(const std::any& settings, const SignContext& context,
                              Clock& clock) const override {
    const auto& s = SettingsOf<EasemobSettings>(settings);
    return "--oauth2-bearer " + IssueAppToken(context.installation_secret, context.app, s, clock);
  }

  std::string DemoBanner(const std::any& settings, const BannerContext& context,
                         Clock& clock) const override {
    const auto& s = SettingsOf<EasemobSettings>(settings);
    std::string base = context.base_url + "/" + s.org_name + "/" + s.app_name;
    return "  Easemob org/app       " + s.org_name + "/" + s.app_name +
           "\n  Easemob client_id     " + s.client_id + "\n  Easemob client_secret " +
           s.client_secret +
           "\n\nGet an Easemob app token (then send it as Authorization: Bearer <token>; `" +
           context.sign_command + "`\nprints curl flags with a fresh one):\n" +
           "  curl -X POST -H 'Content-Type: application/json' -d "
           "'{\"grant_type\":\"client_credentials\",\"client_id\":\"" +
           s.client_id + "\",\"client_secret\":\"" + s.client_secret + "\"}' " + base +
           "/token\n\n";
  }
};

}  // namespace

const Dialect& EasemobPlugin() {
  static const EasemobPluginImpl plugin;
  return plugin;
}

}  // namespace fg::easemob
