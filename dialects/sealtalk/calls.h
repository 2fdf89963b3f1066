// The SealTalk dialect's calls (internal to dialects/sealtalk): one Calls object serves every
// app; calls.cc holds what every call shares (reading the request, the login, the answers),
// user_calls.cc the /user calls and friendship_calls.cc the /friendship calls.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/executor.h"
#include "core/friend_service.h"
#include "dialects/common/field_source.h"
#include "dialects/common/opaque_id.h"
#include "dialects/common/param_reader.h"
#include "dialects/common/password.h"
#include "dialects/common/rate_limiter.h"
#include "dialects/sealtalk/listing_cache.h"
#include "dialects/sealtalk/login_cookie.h"
#include "dialects/sealtalk/sealtalk_dialect.h"
#include "dialects/sealtalk/sms_sender.h"
#include "dialects/sealtalk/user_json_cache.h"
#include "dialects/sealtalk/verification_codes.h"
#include "http/json.h"
#include "http/message.h"

namespace fg::sealtalk {

// SealTalk's default region: a user with a phone and no region has this one.
inline constexpr std::string_view kDefaultRegion = "86";
// The users of one phone read at most (one signs in with it; others were made elsewhere).
inline constexpr size_t kMaxUsersPerPhone = 100;
inline constexpr kit::CharSet kDigits("0-9");

// The business codes of the user calls (HTTP 200 {"code":N}), as the peer answers them.
enum BusinessCode : int {
  kOkCode = 200,
  kUnknownPhone = 1000,   // login: no user has this phone; verify_code: wrong code;
                          // change_password: wrong old password; set_st_account: taken
  kWrongPassword = 1001,  // login
  kCodeExpired = 2000,    // verify_code
  kTooSoon = 5000,        // send_code: one code a minute
};

// One app: its context in core, settings, cookies, codes and rate limiter.
struct AppState {
  AppState(const SealtalkApp& app, std::string_view secret, Clock& clock)
      : app(app.app),
        settings(app.settings),
        cookies(secret, app.settings.cookie, clock),
        codes(clock, app.settings.dev_verification_code),
        limiter(app.settings.rate_limit_per_second, 0, clock),
        address_sends(static_cast<int>(app.settings.codes_per_address), kCodeLockMs,
                      kMaxThrottledAddresses, clock),
        address_guesses(static_cast<int>(app.settings.codes_per_address), kCodeLockMs,
                        kMaxThrottledAddresses, clock) {
    if (settings.sms_webhook) sms.emplace();
  }
  static constexpr int64_t kCodeLockMs = 10 * 60'000;
  static constexpr size_t kMaxThrottledAddresses = 100'000;
  AppContext app;
  SealtalkSettings settings;
  LoginCookies cookies;
  VerificationCodes codes;
  kit::RateLimiter limiter;
  // The app's own delivery queue and thread: one app's slow webhook holds back no other app.
  std::optional<SmsSender> sms;
  // Per client address: codes sent, and wrong codes tried, each bounded by codes_per_address
  // per 10 minutes, so that one client can neither flood phones with SMS nor guess the codes of
  // many phones at once (each phone has its own bound: VerificationCodes).
  kit::AttemptThrottle address_sends;
  kit::AttemptThrottle address_guesses;
  bool CodesLimited() const { return settings.codes_per_address > 0; }
};

// One call, shared by the callbacks that finish it.
struct Call {
  AppState& app;
  std::optional<http::JsonDocument> body;  // a POST's JSON object ({} when it sent none)
  std::vector<std::pair<std::string, std::string>> path;  // the route's {name} segments
  std::string query;                                      // the target after '?'
  std::string client;                                     // http::Request::client
  http::Responder respond;
  User me;  // the logged-in user's card (no password hash: UserCache::Card), once logged in
  mutable std::optional<kit::JsonFields> fields_cache;  // fields()'s
  std::string cors_origin;  // the request's Origin when cors_origins allows it, else ""

  // The body's fields (an empty set for a GET).
  const kit::FieldSource& fields() const;
  // Sends the answer, with the CORS headers an allowed web client needs.
  void Answer(http::Response response);
};
using CallPtr = std::shared_ptr<Call>;

// The answers. Every one carries Cache-Control: private, as the peer's middleware sets it.
http::Response OkAnswer();                         // {"code":200}
http::Response ResultAnswer(http::JsonWriter& w);  // w holds the result's JSON value
http::Response CodeAnswer(int code);               // {"code":N}, HTTP 200
http::Response BodyAnswer(std::string body);       // a success whose whole body is written
// A request error: `status` with `message` as plain text (text/html, as Express sends it).
http::Response ErrorAnswer(int status, std::string_view message);
// The answer to a core failure (SealtalkErrors): fixed texts, never the status's message, which
// may name internal accounts.
http::Response RefuseAnswer(const Status& status);
// A ParamReader's failure: 400 with its message (it names the field, never the value).
http::Response BadParameter(const kit::ParamReader& params);

class Calls : public std::enable_shared_from_this<Calls> {
 public:
  using Handler = void (Calls::*)(const CallPtr&);

  Calls(FriendService& service, Clock& clock, Executor& blocking,
        std::string_view installation_secret);
  AppState& AddApp(const SealtalkApp& app);
  // Reads the request (the rate limit, the body, the login when `needs_login`), then runs
  // `handler`.
  void Serve(AppState& app, const http::Request& request, http::Responder respond, Handler handler,
             bool needs_login);
  // An OPTIONS preflight of a web client (the peer's cors middleware): 204, with the CORS
  // headers when its Origin is one of the app's cors_origins.
  static void Preflight(const AppState& app, const http::Request& request, http::Responder respond);

  // /user (user_calls.cc).
  void SendCode(const CallPtr& c);
  void VerifyCode(const CallPtr& c);
  void SignUp(const CallPtr& c);
  void Login(const CallPtr& c);
  void Logout(const CallPtr& c);
  void ChangePassword(const CallPtr& c);
  void ResetPassword(const CallPtr& c);
  void SetNickname(const CallPtr& c);
  void SetPortraitUri(const CallPtr& c);
  void SetGender(const CallPtr& c);
  void SetStAccount(const CallPtr& c);
  void SetPrivacy(const CallPtr& c);
  void GetPrivacy(const CallPtr& c);
  void AddToBlacklist(const CallPtr& c);
  void RemoveFromBlacklist(const CallPtr& c);
  void Blacklist(const CallPtr& c);
  void FindByPhone(const CallPtr& c);
  void FindUser(const CallPtr& c);
  void GetUser(const CallPtr& c);

  // /friendship (friendship_calls.cc).
  void Invite(const CallPtr& c);
  void Agree(const CallPtr& c);
  void Ignore(const CallPtr& c);
  void Delete(const CallPtr& c);
  void SetDisplayName(const CallPtr& c);
  void All(const CallPtr& c);
  void Profile(const CallPtr& c);
  void GetContactsInfo(const CallPtr& c);
  void BatchDelete(const CallPtr& c);
  void SetFriendDescription(const CallPtr& c);
  void GetFriendDescription(const CallPtr& c);

 private:
  // The user an opaque id names in the call's app, as listings show them; answers 404
  // `not_found` (and does not call `then`) when it names none.
  void ResolveId(const CallPtr& c, std::string_view id, std::string_view not_found,
                 std::function<void(const User&)> then);
  // The users of the call's app with this phone, the one that signs in with it first (it has a
  // password), then the oldest; nullptr if none. `region` "" matches any.
  static const User* ByPhone(const std::vector<User>& users, std::string_view region);
  // Sets fields of the logged-in user, answering {"code":200}.
  void UpdateMe(const CallPtr& c, UserUpdate update);
  // Runs slow work (a password hash) on the blocking executor, or answers 503.
  void Offload(const CallPtr& c, std::function<void()> work);
  // Writes the members of the user object of listings, in an object the caller opened: id,
  // nickname, region, phone, portraitUri, gender, stAccount.
  void WriteUserFields(http::JsonWriter& w, const User& u) const;
  // /friendship/all's answer made from `rows` and the cards of the `peers` it shows, kept.
  void RenderAll(const CallPtr& c, PeerRows rows, std::vector<std::pair<AppId, UserId>> peers,
                 std::vector<UserCache::Entry> cards);
  // The user object of listings ({…} of WriteUserFields), made once per user card.
  UserJsonCache::Json ListedUser(const UserCache::Entry& card);

 public:
  std::string IdOf(const User& u) const { return ids_.Encode(static_cast<uint64_t>(u.id)); }

 private:
  FriendService& service_;
  Clock& clock_;
  Executor& blocking_;
  const std::string secret_;  // the installation secret, for each app's cookies
  kit::OpaqueIds ids_;
  kit::AttemptThrottle phone_logins_;
  kit::AttemptThrottle address_logins_;
  UserJsonCache user_json_{100'000};  // /friendship/all's user objects
  ListingCache listings_{8 << 20};    // /friendship/all's answers: 8 MiB of them
  std::vector<std::unique_ptr<AppState>> apps_;
};

// Field helpers shared by the calls.
std::string_view Or(const std::optional<std::string>& value);
std::string_view RegionOf(const User& u);
// A region as sent ("86", "086", "0086") in one spelling, its leading zeros dropped; "" if it
// names none.
std::string NormalRegion(std::string_view region);
std::string_view GenderOf(const User& u);  // "female" or "male" (the peer's default)
// ISO 8601 in UTC with milliseconds, as the peer's dates read: "2019-06-11T03:27:57.000Z".
std::string IsoTime(int64_t ms);

}  // namespace fg::sealtalk
