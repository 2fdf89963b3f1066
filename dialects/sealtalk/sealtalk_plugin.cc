#include "dialects/sealtalk/sealtalk_plugin.h"

#include <sodium.h>

#include <cstdio>
#include <string>

#include "dialects/sealtalk/sealtalk_dialect.h"

namespace fg::sealtalk {
namespace {

constexpr int64_t kMaxCookieDays = 3650;

// A cookie name is an RFC 6265 token.
bool IsToken(std::string_view name) {
  if (name.empty()) return false;
  for (char ch : name) {
    if (ch <= 0x20 || ch >= 0x7f ||
        std::string_view("()<>@,;:\\\"/[]?={}").find(ch) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// "" or one path segment of letters, digits, '_' and '-' after a '/'.
bool IsPrefix(std::string_view prefix) {
  if (prefix.empty()) return true;
  if (prefix.size() < 2 || prefix[0] != '/') return false;
  for (char ch : prefix.substr(1)) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-';
    if (!ok) return false;
  }
  return true;
}

class SealtalkPluginImpl final : public Dialect {
 public:
  std::string_view name() const override { return "sealtalk"; }

  std::any ReadAppConfig(ConfigTable& table) const override {
    SealtalkSettings settings;
    std::string webhook;
    table.StringOrEmpty("path_prefix", settings.path_prefix);
    table.String("cookie_name", settings.cookie.name);
    table.Int("cookie_max_age_days", settings.cookie.max_age_days, 1, kMaxCookieDays);
    table.Bool("cookie_secure", settings.cookie.secure);
    table.StringOrEmpty("sms_webhook_url", webhook);
    table.StringOrEmpty("dev_verification_code", settings.dev_verification_code);
    table.Int("rate_limit_per_second", settings.rate_limit_per_second, 0, 1'000'000'000);
    table.Int("codes_per_address", settings.codes_per_address, 0, 1'000'000);
    table.StringOrEmpty("cookie_domain", settings.cookie.domain);
    std::string origins;
    table.StringOrEmpty("cors_origins", origins);
    for (size_t at = 0; at < origins.size();) {
      size_t end = origins.find(' ', at);
      if (end == std::string::npos) end = origins.size();
      if (end > at) settings.cors_origins.push_back(origins.substr(at, end - at));
      at = end + 1;
    }
    for (const std::string& origin : settings.cors_origins) {
      auto url = http::ParseUrl(origin);
      if (!url.ok() || url->path != "/" || origin.back() == '/') {
        table.Invalid("cors_origins",
                      "must be origins such as \"https://web.example.com\", separated by spaces");
        break;
      }
    }
    while (!settings.path_prefix.empty() && settings.path_prefix.back() == '/') {
      settings.path_prefix.pop_back();
    }
    settings.cookie.path = settings.path_prefix.empty() ? "/" : settings.path_prefix;
    if (!IsPrefix(settings.path_prefix)) {
      table.Invalid("path_prefix", "must be \"\" or one path segment such as \"/acme\"");
    }
    if (settings.cookie.domain.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
        std::string::npos) {
      table.Invalid("cookie_domain", "must be a host name such as \"example.com\"");
    }
    if (!IsToken(settings.cookie.name)) {
      table.Invalid("cookie_name", "must be a cookie name (an RFC 6265 token)");
    }
    if (!webhook.empty()) {
      auto url = http::ParseUrl(webhook);
      if (url.ok()) {
        settings.sms_webhook = std::move(url).value();
      } else {
        table.Invalid("sms_webhook_url", url.status().message());
      }
    }
    const std::string& dev = settings.dev_verification_code;
    if (!dev.empty() &&
        (dev.size() != 6 || dev.find_first_not_of("0123456789") != std::string::npos)) {
      table.Invalid("dev_verification_code", "must be 6 digits");
    }
    // Two apps under one prefix would answer one path twice.
    table.Unique("path_prefix", settings.path_prefix);
    return settings;
  }

  void Register(const DialectEnv& env, const std::vector<DialectApp>& apps) const override {
    std::vector<SealtalkApp> own;
    for (const DialectApp& app : apps) {
      own.push_back({app.context, SettingsOf<SealtalkSettings>(app.settings)});
    }
    sealtalk::Register(env.router, env.service, env.clock, env.blocking, env.installation_secret,
                       own);
  }

  std::vector<std::pair<std::string, std::string>> NewDemoTable() const override {
    // The demo app signs up without an SMS gateway: every code is this one (logged as such).
    char code[8];
    std::snprintf(code, sizeof code, "%06u", randombytes_uniform(1'000'000));
    return {{"dev_verification_code", code}};
  }

  std::string SignedCurlFlags(const std::any&, const SignContext&, Clock&) const override {
    // SealTalk signs nothing: the login cookie is the credential, kept in a cookie jar as the
    // apps keep it.
    return "-b sealtalk-cookies.txt -c sealtalk-cookies.txt -H Content-Type:application/json";
  }

  std::string DemoBanner(const std::any& settings, const BannerContext& context,
                         Clock& clock) const override {
    const auto& s = SettingsOf<SealtalkSettings>(settings);
    std::string base = context.base_url + s.path_prefix;
    std::string flags = SignedCurlFlags(settings, {}, clock);
    return "  SealTalk dev verification code " + s.dev_verification_code +
           " (every code is this one)\n\nTry it (sign up, then list your friends; the cookie "
           "jar keeps the login):\n  curl " +
           flags + " -d '{\"region\":\"86\",\"phone\":\"13800000000\"}' " + base +
           "/user/send_code\n  curl " + flags +
           " -d '{\"region\":\"86\",\"phone\":\"13800000000\",\"code\":\"" +
           s.dev_verification_code + "\"}' " + base + "/user/verify_code\n  curl " + flags +
           " -d '{\"nickname\":\"Zhang\",\"password\":\"secret1\",\"verification_token\":\"<from "
           "above>\"}' " +
           base + "/user/register\n  curl " + flags + " " + base + "/friendship/all\n\n";
  }
};

}  // namespace

const Dialect& SealtalkPlugin() {
  static const SealtalkPluginImpl plugin;
  return plugin;
}

}  // namespace fg::sealtalk
