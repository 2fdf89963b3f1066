// Easemob's fuzz target: one call with a valid app token and a fuzzed method, path, query and
// body. The input's first line is "<METHOD> <path after /org/app>[?query]" ("POST /users"), the
// rest is the body. A first line starting with '!' sends no token (the token call, or a 401).
// The answer must be Easemob JSON: an envelope, a token, or an error with its exception.
#include <string>

#include "dialects/easemob/easemob_dialect.h"
#include "dialects/easemob/easemob_plugin.h"
#include "fuzz/fuzz_targets.h"
#include "http/json.h"

namespace fg::fuzz {
namespace {

const easemob::EasemobSettings kSettings{"org", "app", "id", "secret", 3600, 0};

bool WellFormed(const http::Response& response) {
  if (response.status >= 500) return false;  // only storage failures are 500: none here
  auto doc = http::ParseJson(response.body);
  if (!doc.ok() || doc->root().type() != http::JsonType::kObject) return false;
  http::JsonValue root = doc->root();
  if (response.status != 200) {
    auto error = root.Find("error");
    auto exception = root.Find("exception");
    return error && error->AsString() && exception && exception->AsString() &&
           root.Find("error_description");
  }
  return root.Find("action") || root.Find("access_token");
}

}  // namespace

const FuzzTarget& EasemobFuzzTarget() {
  static const FuzzTarget target{
      &easemob::EasemobPlugin(), kSettings,
      [](std::string_view input, Clock& clock, uint64_t) {
        size_t newline = input.find('\n');
        std::string_view line = input.substr(0, newline);
        bool token = true;
        if (!line.empty() && line.front() == '!') {
          token = false;
          line.remove_prefix(1);
        }
        size_t space = line.find(' ');
        http::Request request;
        request.method = std::string(line.substr(0, space));
        std::string target =
            "/org/app" + std::string(space == std::string_view::npos ? "" : line.substr(space + 1));
        size_t query = target.find('?');
        request.path = target.substr(0, query);
        if (query != std::string::npos) request.query = target.substr(query + 1);
        request.body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
        request.headers = {{"host", "fuzz"}, {"content-type", "application/json"}};
        if (token) {
          request.headers.emplace_back(
              "authorization",
              "Bearer " + easemob::IssueAppToken(kInstallationSecret, kAppId, kSettings, clock));
        }
        return request;
      },
      &WellFormed, /*finish=*/nullptr};
  return target;
}

}  // namespace fg::fuzz
