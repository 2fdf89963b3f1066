// The Easemob (环信) IM REST API dialect: /{org_name}/{app_name}/…
//
// Callers first get a token, POST /{org}/{app}/token (client_credentials for the app, or a user's
// password), then send it on every other call as "Authorization: Bearer <token>". Tokens are
// friendgraph's signed tokens (kit::TokenSigner, DESIGN.md §2b). Answers are Easemob's envelope,
// {"action","application","path","uri","entities"/"data",…,"timestamp","duration",…}, and errors
// {"error","exception","timestamp","duration","error_description"} with the HTTP status Easemob
// uses. Every call, code and decision is in docs/easemob.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/model.h"
#include "base/status.h"
#include "core/friend_service.h"
#include "dialects/dialect.h"

namespace fg::easemob {

// One app's [apps.easemob] table (docs/configuration.md), as the plug-in reads it.
struct EasemobSettings {
  std::string org_name;  // with app_name, unique across apps (case-insensitively)
  std::string app_name;
  std::string client_id;
  std::string client_secret;
  int64_t token_ttl_seconds = 5'184'000;  // 60 days: the longest a token may live
  int64_t rate_limit_per_second = 0;      // 0: off
};

struct EasemobApp {
  AppContext app;
  EasemobSettings settings;
};

// Adds the dialect's routes to env.router. Everything in `env` must outlive the router.
void Register(const DialectEnv& env, const std::vector<EasemobApp>& apps);

// An app token (client_credentials) for `app`, valid settings.token_ttl_seconds from now: what
// POST /{org}/{app}/token answers, and what `friendgraph sign --dialect easemob` prints.
std::string IssueAppToken(std::string_view installation_secret, AppId app,
                          const EasemobSettings& settings, Clock& clock);

// The uuid Easemob shows for an app (user == 0) or a user: the first 16 bytes of
// HMAC-SHA256(installation secret, "easemob uuid/<app id>/<user id>") as a version-8 UUID
// (RFC 9562), so stable for the user's life, not sequential and not derivable without the
// secret. Pure, thread-safe.
std::string Uuid(std::string_view installation_secret, AppId app, UserId user);

// The core codes the dialect's error table has no row for: empty (its unit test checks).
std::vector<Code> UnmappedErrorCodes();

}  // namespace fg::easemob
