#include "dialects/easemob/easemob_dialect.h"

#include <strings.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "base/digest.h"
#include "base/encoding.h"
#include "base/utf8.h"
#include "dialects/common/app_registry.h"
#include "dialects/common/error_table.h"
#include "dialects/common/field_source.h"
#include "dialects/common/param_reader.h"
#include "dialects/common/password.h"
#include "dialects/common/rate_limiter.h"
#include "dialects/common/reply.h"
#include "dialects/common/signed_token.h"
#include "http/form.h"
#include "http/json.h"

namespace fg::easemob {
namespace {

// Limits Easemob documents, and ours where it is silent (docs/easemob.md).
constexpr size_t kMaxUsername = 64;
constexpr size_t kMaxPassword = 64;
constexpr size_t kMaxNickname = 100;
constexpr size_t kMaxRemark = 100;
constexpr size_t kMaxCredential = 256;  // client_id, client_secret
constexpr size_t kMaxUsersPerCreate = 60;
constexpr size_t kMaxBlocksPerCall = 500;  // as many as a blocklist may hold by default
constexpr int64_t kMaxContactsPage = 50, kDefaultContactsPage = 10;
constexpr int64_t kMaxBlocksPage = 50, kUnpagedBlocks = 500;
constexpr int64_t kMaxUsersPage = 100, kDefaultUsersPage = 10;
// The largest valid call, 60 users at the longest password and nickname, sent with every
// character escaped (\uXXXX\uXXXX, as json.dumps does by default), is about 125 KiB.
constexpr size_t kMaxBody = 256 * 1024;
constexpr int64_t kRateLimitBlockMs = 1000;
// Failed password logins per (app, username) before a lock, and the lock's length.
constexpr int kMaxLoginFailures = 5;
constexpr int64_t kLoginLockMs = 60'000;
constexpr size_t kMaxThrottledLogins = 100'000;

constexpr kit::CharSet kUsernameChars("a-zA-Z0-9_.-");

// The one table from core codes to Easemob's answers: HTTP status, error, exception.
constexpr kit::ErrorMapping kRows[] = {
    {Code::kOk, {200, 0, "", ""}},
    {Code::kInvalidArgument, {400, 0, "illegal_argument", "java.lang.IllegalArgumentException"}},
    {Code::kTooLong, {400, 0, "illegal_argument", "java.lang.IllegalArgumentException"}},
    {Code::kUserNotFound,
     {404, 0, "service_resource_not_found",
      "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException"}},
    {Code::kAlreadyExists,
     {400, 0, "duplicate_unique_property_exists",
      "org.apache.usergrid.persistence.exceptions.DuplicateUniquePropertyExistsException"}},
    {Code::kNotFriends,
     {404, 0, "service_resource_not_found",
      "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException"}},
    // Not reachable through Easemob (it has no friend requests), mapped for completeness.
    {Code::kAlreadyFriends,
     {400, 0, "duplicate_unique_property_exists",
      "org.apache.usergrid.persistence.exceptions.DuplicateUniquePropertyExistsException"}},
    {Code::kNoPendingRequest,
     {404, 0, "service_resource_not_found",
      "org.apache.usergrid.services.exceptions.ServiceResourceNotFoundException"}},
    {Code::kBlocked, {403, 0, "forbidden_op", "ForbiddenOpException"}},
    {Code::kRefusedByPolicy, {403, 0, "forbidden_op", "ForbiddenOpException"}},
    {Code::kFriendLimit, {403, 0, "forbidden_op", "ForbiddenOpException"}},
    {Code::kRelationLimit, {403, 0, "forbidden_op", "ForbiddenOpException"}},
    {Code::kUserDisabled, {403, 0, "forbidden_op", "ForbiddenOpException"}},
    {Code::kInternal, {500, 0, "internal_server_error", "InternalServerErrorException"}},
    {Code::kUnavailable, {503, 0, "service_unavailable", "ServiceUnavailableException"}},
};
constexpr kit::ErrorTable kErrors(kRows);

// Answers that no core code gives: the transport, the app, the credentials.
constexpr kit::VendorError kBadJson{400, 0, "json_parse",
                                    "org.codehaus.jackson.JsonParseException"};
constexpr kit::VendorError kIllegalArgument = kErrors.For(Code::kInvalidArgument);
constexpr kit::VendorError kUnauthorized{401, 0, "unauthorized",
                                         "org.apache.usergrid.rest.exceptions.SecurityException"};
constexpr kit::VendorError kForbidden = kErrors.For(Code::kBlocked);
constexpr kit::VendorError kNoSuchApp{
    404, 0, "organization_application_not_found",
    "org.apache.usergrid.rest.exceptions.OrganizationApplicationNotFoundException"};
constexpr kit::VendorError kNoSuchCall = kErrors.For(Code::kUserNotFound);
constexpr kit::VendorError kWrongMethod{405, 0, "method_not_allowed", "MethodNotAllowedException"};
constexpr kit::VendorError kTooLarge{413, 0, "request_entity_too_large",
                                     "RequestEntityTooLargeException"};
constexpr kit::VendorError kTooMany{429, 0, "too_many_requests", "TooManyRequestsException"};

std::string Lower(std::string_view s) { return NormalizeAccount(s); }

// A decoded path segment we accept at all: UTF-8, no control character, no '/', not "." or "..".
bool SafeSegment(std::string_view s) {
  if (s.empty() || s == "." || s == ".." || !IsValidUtf8(s)) return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F || c == '/';
  });
}

// One app as the dialect serves it. Built in place in the registry, never moved.
struct AppState {
  AppState(const EasemobApp& a, std::string uuid, Clock& clock)
      : app(a.app),
        settings(a.settings),
        uuid(std::move(uuid)),
        limiter(a.settings.rate_limit_per_second, kRateLimitBlockMs, clock) {}
  AppContext app;
  EasemobSettings settings;
  std::string uuid;
  kit::RateLimiter limiter;
};

// The envelope of one call (kit::Envelope): what every answer repeats, and the start time for
// "duration".
struct Envelope {
  std::string action;             // the method, lower-case
  const AppState* app = nullptr;  // null until the app is known
  std::string path;               // the path after /{org}/{app}
  std::string uri;                // "http://<host>/<org>/<app><path>"
  int64_t start_ms = 0;
  Clock* clock = nullptr;

  std::string_view dialect() const { return "easemob"; }

  // {"action",…,"uri", <body>, "timestamp","duration","organization","applicationName"}.
  // `expected_bytes`: see JsonWriter.
  template <typename Body>
  http::Response Answer(Body&& body, size_t expected_bytes = 0) const {
    http::JsonWriter w(expected_bytes);
    w.StartObject().Key("action").String(action);
    if (app) w.Key("application").String(app->uuid);
    w.Key("path").String(path).Key("uri").String(uri);
    body(w);
    int64_t now = clock->NowMs();
    w.Key("timestamp").Int(now).Key("duration").Int(std::max<int64_t>(0, now - start_ms));
    if (app) {
      w.Key("organization").String(app->settings.org_name);
      w.Key("applicationName").String(app->settings.app_name);
    }
    w.EndObject();
    http::Response r;
    r.body = w.Take();
    r.dialect = "easemob";
    r.outcome = http::Response::Outcome::kOk;
    return r;
  }
  // A success with nothing to show (the remark call): "status":"ok".
  http::Response Ok() const {
    return Answer([](http::JsonWriter& w) { w.Key("status").String("ok"); });
  }
  http::Response Fail(const kit::VendorError& e, std::string_view description) const {
    http::JsonWriter w;
    int64_t now = clock->NowMs();
    w.StartObject().Key("error").String(e.name).Key("exception").String(e.detail);
    w.Key("timestamp").Int(now).Key("duration").Int(std::max<int64_t>(0, now - start_ms));
    w.Key("error_description").String(description).EndObject();
    http::Response r;
    r.status = e.http_status;
    r.body = w.Take();
    r.dialect = "easemob";
    r.outcome = e.http_status >= 500 ? http::Response::Outcome::kServerError
                                     : http::Response::Outcome::kClientError;
    return r;
  }
  http::Response Error(const Status& s) const { return Fail(kErrors.For(s.code()), s.message()); }
};

// Who a token speaks for.
struct Principal {
  bool app = false;     // an app token: every call
  std::string account;  // a user token: that user's contacts and blocks only
};

enum class Access {
  kOpen,       // no token (the token call itself)
  kApp,        // an app token
  kAppOrSelf,  // an app token, or the user token of the path's {owner}
};

// One call, owned by its handlers until answered: nothing here points into the http::Request,
// which does not outlive the handler's first return.
struct Call {
  AppState* app = nullptr;
  Envelope envelope;
  std::vector<std::pair<std::string, std::string>> path_params;
  http::Params query;
  std::optional<http::JsonDocument> body;  // when the route takes one and it parsed
  std::string body_error;                  // when it did not parse
  http::Responder respond;

  void Answer(http::Response r) { respond(std::move(r)); }
  void Fail(const Status& s) { respond(kit::ErrorResponse(envelope, s)); }
  void Fail(const kit::VendorError& e, std::string_view why) { respond(envelope.Fail(e, why)); }
  // The body's root, when it is a JSON object; else answers 400 and returns nullopt.
  std::optional<http::JsonValue> Object() {
    if (body && body->root().type() == http::JsonType::kObject) return body->root();
    Fail(kIllegalArgument, "the request body must be a JSON object");
    return std::nullopt;
  }
};
using CallPtr = std::shared_ptr<Call>;

struct Route;

class Calls : public std::enable_shared_from_this<Calls> {
 public:
  explicit Calls(const DialectEnv& env)
      : service_(env.service),
        clock_(env.clock),
        blocking_(env.blocking),
        secret_(env.installation_secret),
        app_tokens_(env.installation_secret, "easemob app", env.clock),
        user_tokens_(env.installation_secret, "easemob user", env.clock),
        logins_(kMaxLoginFailures, kLoginLockMs, kMaxThrottledLogins, env.clock) {}

  bool AddApp(const EasemobApp& app) {
    return apps_.Add(Lower(app.settings.org_name) + "/" + Lower(app.settings.app_name), app,
                     Uuid(secret_, app.app.id, 0), clock_) != nullptr;
  }

  using Op = void (Calls::*)(CallPtr);
  // Runs slow work (a password hash) on the blocking executor, or answers 429 when it is full.
  void Offload(const CallPtr& c, std::function<void()> work) {
    if (!blocking_.TryPost(std::move(work))) {
      c->Fail(kTooMany, "too many password checks in progress: try again in a moment");
    }
  }
  void Serve(const http::Request& request, http::Responder respond, const Route& route);
  // A path under /{org}/{app}/{token,users,user} that no route took (the router already routes a
  // trailing '/' like the path without it): 405 for a known path with another method, or 404.
  void Unrouted(const http::Request& request, http::Responder respond);
  // The routes again, for Unrouted to tell a wrong method from an unknown path.
  http::Router& own_routes() { return own_routes_; }

  // The calls (docs/easemob.md), each reading its parameters, then calling core.
  void Token(CallPtr c);
  void CreateUsers(CallPtr c);
  void ListUsers(CallPtr c);
  void GetUser(CallPtr c);
  void SetNickname(CallPtr c);
  void DeleteUser(CallPtr c);
  void SetPassword(CallPtr c);
  void Deactivate(CallPtr c) { SetDisabled(std::move(c), true); }
  void Activate(CallPtr c) { SetDisabled(std::move(c), false); }
  void AddContact(CallPtr c);
  void RemoveContact(CallPtr c);
  void SetRemark(CallPtr c);
  void ContactsPage(CallPtr c);
  void AllContacts(CallPtr c);
  void Block(CallPtr c);
  void Blocklist(CallPtr c);
  void Unblock(CallPtr c);

 private:
  void SetDisabled(CallPtr c, bool disabled);
  void PasswordLogin(CallPtr c, kit::ParamReader& p);
  // Checks the Bearer token; on success runs the route's op, maybe after reading the user.
  void Authorize(const http::Request& request, CallPtr c, const Route& route);
  // Runs the route's op, or answers the body's parse error.
  void Run(CallPtr c, const Route& route);
  // The path's {org}/{app}, or answers 404 and returns null.
  AppState* FindApp(Call& c);

  // A username from the path; answers 400 and returns "" when it is not one.
  std::string PathUser(Call& c, std::string_view name);
  void WriteUser(http::JsonWriter& w, AppId app, const User& u) const;
  // Answers entities = [user] with a fresh read of `account` (after a write).
  void AnswerUser(CallPtr c, std::string account);
  // A change to the contact {owner} -> {friend} of the path: start(owner, friend, done) calls
  // core, and the answer is the friend's entity.
  template <typename T, typename Start>
  void ChangeContact(CallPtr c, Start start) {
    std::string owner = PathUser(*c, "owner");
    if (owner.empty()) return;
    std::string peer = PathUser(*c, "friend");
    if (peer.empty()) return;
    start(std::move(owner), peer, Callback<T>([self = shared_from_this(), c, peer](Result<T> r) {
            if (!r.ok()) return c->Fail(r.status());
            self->AnswerUser(c, peer);
          }));
  }
  auto UserReply(CallPtr c) {
    return [self = shared_from_this(), c](Result<User> u) {
      if (!u.ok()) return c->Fail(u.status());
      c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
        w.Key("entities").StartArray();
        self->WriteUser(w, c->app->app.id, u.value());
        w.EndArray();
      }));
    };
  }

  FriendService& service_;
  Clock& clock_;
  Executor& blocking_;
  const std::string secret_;
  const kit::TokenSigner app_tokens_;
  const kit::TokenSigner user_tokens_;
  kit::AttemptThrottle logins_;
  kit::AppRegistry<AppState> apps_;
  http::Router own_routes_;
};

struct Route {
  const char* method;
  const char* pattern;  // after /{org}/{app}
  Calls::Op op;
  Access access;
  bool body;  // reads a JSON body
};

// The routes, at a glance. {owner} is the user a user token must be for.
constexpr Route kRoutes[] = {
    {"POST", "/token", &Calls::Token, Access::kOpen, true},
    {"POST", "/users", &Calls::CreateUsers, Access::kApp, true},
    {"GET", "/users", &Calls::ListUsers, Access::kApp, false},
    {"GET", "/users/{username}", &Calls::GetUser, Access::kApp, false},
    {"PUT", "/users/{username}", &Calls::SetNickname, Access::kApp, true},
    {"DELETE", "/users/{username}", &Calls::DeleteUser, Access::kApp, false},
    {"PUT", "/users/{username}/password", &Calls::SetPassword, Access::kApp, true},
    {"POST", "/users/{username}/deactivate", &Calls::Deactivate, Access::kApp, false},
    {"POST", "/users/{username}/activate", &Calls::Activate, Access::kApp, false},
    {"POST", "/users/{owner}/contacts/users/{friend}", &Calls::AddContact, Access::kAppOrSelf,
     false},
    {"DELETE", "/users/{owner}/contacts/users/{friend}", &Calls::RemoveContact, Access::kAppOrSelf,
     false},
    {"GET", "/users/{owner}/contacts/users", &Calls::AllContacts, Access::kAppOrSelf, false},
    {"PUT", "/user/{owner}/contacts/users/{friend}", &Calls::SetRemark, Access::kAppOrSelf, true},
    {"GET", "/user/{owner}/contacts", &Calls::ContactsPage, Access::kAppOrSelf, false},
    {"POST", "/users/{owner}/blocks/users", &Calls::Block, Access::kAppOrSelf, true},
    {"GET", "/users/{owner}/blocks/users", &Calls::Blocklist, Access::kAppOrSelf, false},
    {"DELETE", "/users/{owner}/blocks/users/{blocked}", &Calls::Unblock, Access::kAppOrSelf, false},
};

std::string_view Param(const Call& c, std::string_view name) {
  for (const auto& [key, value] : c.path_params) {
    if (key == name) return value;
  }
  return {};
}

// The Host header if it looks like one, for "uri".
std::string HostOf(const http::Request& request) {
  auto host = request.Header("host");
  if (!host || host->empty() || host->size() > 255) return "localhost";
  bool ok = std::all_of(host->begin(), host->end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  });
  return ok ? std::string(*host) : "localhost";
}

// A new call for `request`: its envelope (path, uri, start time) and its path parameters.
CallPtr NewCall(const http::Request& request, std::string_view method, http::Responder respond,
                Clock& clock) {
  auto c = std::make_shared<Call>();
  c->envelope.action = Lower(method);
  c->envelope.start_ms = clock.NowMs();
  c->envelope.clock = &clock;
  c->respond = std::move(respond);
  c->path_params = request.path_params;
  // The path after /{org}/{app}, a trailing '/' dropped (clients send both).
  std::string_view path = request.path;
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t app_end = path.find('/', 1);
  app_end = app_end == std::string_view::npos ? path.size() : path.find('/', app_end + 1);
  if (app_end == std::string_view::npos) app_end = path.size();
  c->envelope.path = PercentEncodeUnprintable(path.substr(app_end));
  c->envelope.uri = "http://" + HostOf(request) + PercentEncodeUnprintable(path);
  return c;
}

AppState* Calls::FindApp(Call& c) {
  for (const auto& [name, value] : c.path_params) {
    if (!SafeSegment(value)) {
      c.Fail(kIllegalArgument,
             "the path segment " + name + " holds '/', '..', a control character or invalid UTF-8");
      return nullptr;
    }
  }
  std::string org(Param(c, "org")), app(Param(c, "app"));
  c.app = apps_.Find(Lower(org) + "/" + Lower(app));
  if (!c.app) c.Fail(kNoSuchApp, "could not find application for " + org + "/" + app);
  c.envelope.app = c.app;
  return c.app;
}

void Calls::Serve(const http::Request& request, http::Responder respond, const Route& route) {
  CallPtr c = NewCall(request, route.method, std::move(respond), clock_);
  if (!FindApp(*c)) return;
  if (request.body.size() > kMaxBody) {
    return c->Fail(kTooLarge,
                   "the request body is larger than " + std::to_string(kMaxBody) + " bytes");
  }
  if (!request.query.empty()) {
    auto query = http::ParseForm(request.query);
    if (!query.ok()) return c->Fail(kIllegalArgument, query.status().message());
    c->query = std::move(query.value());
  }
  // A GET or DELETE may carry a stray body ({}): it is ignored.
  if (route.body && !request.body.empty()) {
    // Parsed now (the request goes when this returns), reported after the token is checked.
    auto doc = http::ParseJson(request.body);
    if (doc.ok()) {
      c->body = std::move(doc.value());
    } else {
      c->body_error = doc.status().message();
    }
  }
  if (route.access == Access::kOpen) return Run(std::move(c), route);
  Authorize(request, std::move(c), route);
}

// Counted here, once the caller is authorized (or calls the open token call), so that requests
// with no valid token cannot spend the app's limit and lock its real clients out.
void Calls::Run(CallPtr c, const Route& route) {
  if (!c->app->limiter.Allow()) {
    return c->Fail(kTooMany, "this app is over its limit of " +
                                 std::to_string(c->app->settings.rate_limit_per_second) +
                                 " calls per second");
  }
  if (!c->body_error.empty()) return c->Fail(kBadJson, c->body_error);
  (this->*route.op)(std::move(c));
}

void Calls::Authorize(const http::Request& request, CallPtr c, const Route& route) {
  int count = request.HeaderCount("authorization");
  if (count != 1) {
    return c->Fail(kUnauthorized, count == 0 ? "Authorization: Bearer <token> is missing"
                                             : "Authorization is repeated");
  }
  std::string_view value = *request.Header("authorization");
  if (value.size() < 7 || strncasecmp(value.data(), "Bearer ", 7) != 0) {
    return c->Fail(kUnauthorized, "Authorization must be Bearer <token>");
  }
  std::string_view token = value.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);

  const AppContext& app = c->app->app;
  kit::TokenVerification v = app_tokens_.Verify(token, app.id);
  if (v.ok()) return Run(std::move(c), route);
  if (v.error == kit::TokenError::kMalformed || v.error == kit::TokenError::kBadSignature) {
    v = user_tokens_.Verify(token, app.id);
  }
  switch (v.error) {
    case kit::TokenError::kNone:
      break;
    case kit::TokenError::kWrongApp:
      return c->Fail(kUnauthorized, "the token is for another app");
    case kit::TokenError::kExpired:
      return c->Fail(kUnauthorized, "the token has expired");
    default:
      return c->Fail(kUnauthorized, "the token is not valid");
  }
  // A user token: its own contacts and blocks only, while its epoch is current.
  if (route.access != Access::kAppOrSelf || Lower(Param(*c, "owner")) != v.claims.subject) {
    return c->Fail(kForbidden, "a user token may only manage its own user's contacts and blocks");
  }
  service_.GetUser(app, v.claims.subject,
                   [self = shared_from_this(), c, route = &route,
                    epoch = v.claims.epoch](Result<User> user) mutable {
                     if (!user.ok()) {
                       if (user.status().code() != Code::kUserNotFound)
                         return c->Fail(user.status());
                       return c->Fail(kUnauthorized, "the token's user no longer exists");
                     }
                     if (user->epoch != epoch) {
                       return c->Fail(kUnauthorized, "the token was revoked (password changed)");
                     }
                     if (user->disabled) return c->Fail(kUnauthorized, "the user is deactivated");
                     self->Run(std::move(c), *route);
                   });
}

void Calls::Unrouted(const http::Request& request, http::Responder respond) {
  std::string_view path = request.path;
  CallPtr c =
      NewCall(request, PercentEncodeUnprintable(request.method), std::move(respond), clock_);
  if (!FindApp(*c)) return;
  if (own_routes_.Find(request.method, path).method_not_allowed) {
    return c->Fail(kWrongMethod, PercentEncodeUnprintable(request.method) + " is not allowed here");
  }
  c->Fail(kNoSuchCall, "no such call: " + c->envelope.path);
}

// ---- Helpers of the calls ----

// A time-to-live in seconds: absent or 0 means the app's longest; longer ones are cut to it.
int64_t TtlSeconds(std::optional<int64_t> ttl, const EasemobSettings& settings) {
  if (!ttl || *ttl == 0 || *ttl > settings.token_ttl_seconds) return settings.token_ttl_seconds;
  return *ttl;
}

Status Prefixed(const std::string& prefix, const Status& s) {
  return Status(s.code(), prefix + s.message());
}

std::string Calls::PathUser(Call& c, std::string_view name) {
  kit::PathFields fields(c.path_params);
  kit::ParamReader p(fields);
  std::string user = p.Required(name, kMaxUsername, kUsernameChars);
  if (!p.ok()) {
    c.Fail(p.status());
    return "";
  }
  return user;
}

void Calls::WriteUser(http::JsonWriter& w, AppId app, const User& u) const {
  w.StartObject();
  w.Key("uuid").String(Uuid(secret_, app, u.id)).Key("type").String("user");
  w.Key("created").Int(u.created_ms).Key("modified").Int(u.updated_ms);
  w.Key("username").String(u.account).Key("activated").Bool(!u.disabled);
  if (u.profile.name) w.Key("nickname").String(*u.profile.name);
  w.EndObject();
}

void Calls::AnswerUser(CallPtr c, std::string account) {
  service_.GetUser(c->app->app, std::move(account), UserReply(c));
}

// ---- Tokens ----

void Calls::Token(CallPtr c) {
  auto object = c->Object();
  if (!object) return;
  kit::JsonFields fields(*object);
  kit::ParamReader p(fields);
  std::string grant = p.Required("grant_type", 64);
  if (!p.ok()) return c->Fail(p.status());
  if (grant == "password") return PasswordLogin(std::move(c), p);
  if (grant != "client_credentials") {
    return c->Fail(kIllegalArgument, "grant_type must be client_credentials or password");
  }
  std::string id = p.Required("client_id", kMaxCredential);
  std::string secret = p.Required("client_secret", kMaxCredential);
  auto ttl = p.OptionalInt("ttl", 0, INT64_MAX);
  if (!p.ok()) return c->Fail(p.status());
  const EasemobSettings& settings = c->app->settings;
  // Both compared, each in constant time: the answer's timing tells neither.
  bool id_ok = ConstantTimeEquals(id, settings.client_id);
  bool secret_ok = ConstantTimeEquals(secret, settings.client_secret);
  if (!id_ok || !secret_ok) return c->Fail(kUnauthorized, "invalid client_id or client_secret");
  int64_t seconds = TtlSeconds(ttl, settings);
  std::string token = app_tokens_.Issue({c->app->app.id, "", clock_.NowMs() + seconds * 1000, 0});
  http::JsonWriter w;
  w.StartObject().Key("access_token").String(token).Key("expires_in").Int(seconds);
  w.Key("application").String(c->app->uuid).EndObject();
  http::Response r;
  r.body = w.Take();
  c->Answer(std::move(r));
}

void Calls::PasswordLogin(CallPtr c, kit::ParamReader& p) {
  std::string account = Lower(p.Required("username", kMaxUsername, kUsernameChars));
  std::string password = p.Required("password", kMaxPassword);
  auto ttl = p.OptionalInt("ttl", 0, INT64_MAX);
  if (!p.ok()) return c->Fail(p.status());
  std::string key = std::to_string(c->app->app.id) + "/" + account;
  if (logins_.Locked(key)) {
    return c->Fail(kTooMany, "too many failed logins for this user: try again in a minute");
  }
  int64_t seconds = TtlSeconds(ttl, c->app->settings);
  service_.GetUser(
      c->app->app, account,
      [self = shared_from_this(), c, password = std::move(password), key = std::move(key),
       seconds](Result<User> found) mutable {
        if (!found.ok() && found.status().code() != Code::kUserNotFound) {
          return c->Fail(found.status());
        }
        auto user = std::make_shared<std::optional<User>>();
        if (found.ok()) *user = std::move(found.value());
        // argon2id takes tens of milliseconds: off the HTTP thread.
        self->Offload(c, [self, c, user, password = std::move(password), key = std::move(key),
                          seconds] {
          // Again, here: guesses sent in parallel all passed the first check, and the jobs
          // run one at a time, so this count is exact.
          if (self->logins_.Locked(key)) {
            return c->Fail(kTooMany, "too many failed logins for this user: try again in a minute");
          }
          bool good = false;
          if (*user && !(*user)->password_hash.empty()) {
            good = kit::VerifyPassword((*user)->password_hash, password);
          } else {
            kit::VerifyNoPassword(password);  // the same time, whether the user exists or not
          }
          if (!good) {
            self->logins_.Failed(key);
            return c->Fail(kUnauthorized, "invalid username or password");
          }
          self->logins_.Succeeded(key);
          const User& u = **user;
          if (u.disabled) {
            return c->Fail(kErrors.For(Code::kUserDisabled),
                           "user '" + u.account + "' is deactivated");
          }
          std::string token = self->user_tokens_.Issue(
              {c->app->app.id, u.account, self->clock_.NowMs() + seconds * 1000, u.epoch});
          http::JsonWriter w;
          w.StartObject().Key("access_token").String(token).Key("expires_in").Int(seconds);
          w.Key("user");
          self->WriteUser(w, c->app->app.id, u);
          w.EndObject();
          http::Response r;
          r.body = w.Take();
          c->Answer(std::move(r));
        });
      });
}

// ---- Users ----

void Calls::CreateUsers(CallPtr c) {
  if (!c->body) return c->Fail(kIllegalArgument, "the request body must be a user or an array");
  http::JsonValue root = c->body->root();
  std::vector<http::JsonValue> items;
  if (root.type() == http::JsonType::kObject) {
    items.push_back(root);
  } else if (root.type() == http::JsonType::kArray) {
    if (root.size() == 0 || root.size() > kMaxUsersPerCreate) {
      return c->Fail(kIllegalArgument, "an array of 1 to " + std::to_string(kMaxUsersPerCreate) +
                                           " users is expected");
    }
    for (size_t i = 0; i < root.size(); ++i) items.push_back(root.item(i));
  } else {
    return c->Fail(kIllegalArgument, "the request body must be a user or an array");
  }
  struct Entry {
    NewUser user;
    std::string password;
  };
  auto entries = std::make_shared<std::vector<Entry>>();
  for (size_t i = 0; i < items.size(); ++i) {
    std::string where = items.size() > 1 ? "users[" + std::to_string(i) + "]: " : "";
    if (items[i].type() != http::JsonType::kObject) {
      return c->Fail(kIllegalArgument, where + "a user must be a JSON object");
    }
    kit::JsonFields fields(items[i]);
    kit::ParamReader p(fields);
    Entry e;
    e.user.account = p.Required("username", kMaxUsername, kUsernameChars);
    e.password = p.Required("password", kMaxPassword);
    e.user.profile.name = p.Optional("nickname", kMaxNickname);
    if (!p.ok()) return c->Fail(Prefixed(where, p.status()));
    if (e.user.account.find_first_not_of('.') == std::string::npos) {
      return c->Fail(kIllegalArgument, where + "username must not be only dots");
    }
    entries->push_back(std::move(e));
  }
  Offload(c, [self = shared_from_this(), c, entries] {
    std::vector<NewUser> users;
    for (Entry& e : *entries) {
      auto hash = kit::HashPassword(e.password);
      if (!hash.ok()) return c->Fail(hash.status());
      e.user.password_hash = std::move(hash.value());
      users.push_back(std::move(e.user));
    }
    self->service_.CreateUsers(c->app->app, std::move(users),
                               [self, c](Result<std::vector<User>> made) {
                                 if (!made.ok()) return c->Fail(made.status());
                                 c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
                                   w.Key("entities").StartArray();
                                   for (const User& u : made.value())
                                     self->WriteUser(w, c->app->app.id, u);
                                   w.EndArray();
                                 }));
                               });
  });
}

void Calls::ListUsers(CallPtr c) {
  kit::FormFields fields(c->query);
  kit::ParamReader p(fields);
  int64_t limit = p.OptionalInt("limit", 1, kMaxUsersPage).value_or(kDefaultUsersPage);
  std::string cursor = p.Optional("cursor", 512).value_or("");
  if (!p.ok()) return c->Fail(p.status());
  service_.ListUsersPage(c->app->app, std::move(cursor), static_cast<size_t>(limit),
                         [self = shared_from_this(), c](Result<Page<User>> page) {
                           if (!page.ok()) return c->Fail(page.status());
                           c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
                             w.Key("entities").StartArray();
                             for (const User& u : page->items) {
                               self->WriteUser(w, c->app->app.id, u);
                             }
                             w.EndArray();
                             if (!page->next_cursor.empty()) {
                               w.Key("cursor").String(page->next_cursor);
                             }
                             w.Key("count").Int(static_cast<int64_t>(page->items.size()));
                           }));
                         });
}

void Calls::GetUser(CallPtr c) {
  std::string user = PathUser(*c, "username");
  if (user.empty()) return;
  AnswerUser(std::move(c), std::move(user));
}

void Calls::SetNickname(CallPtr c) {
  std::string user = PathUser(*c, "username");
  if (user.empty()) return;
  auto object = c->Object();
  if (!object) return;
  kit::JsonFields fields(*object);
  kit::ParamReader p(fields);
  UserUpdate update;
  update.profile.name = p.Optional("nickname", kMaxNickname);
  if (!p.ok()) return c->Fail(p.status());
  if (!update.profile.name) return c->Fail(kIllegalArgument, "nickname is missing");
  service_.UpdateUser(c->app->app, std::move(user), std::move(update), UserReply(c));
}

void Calls::DeleteUser(CallPtr c) {
  std::string account = PathUser(*c, "username");
  if (account.empty()) return;
  // Read first: the answer shows the user as it was.
  service_.GetUser(
      c->app->app, account, [self = shared_from_this(), c, account](Result<User> user) {
        if (!user.ok()) return c->Fail(user.status());
        self->service_.DeleteUser(c->app->app, account,
                                  [self, c, user = std::move(user.value())](Result<bool> done) {
                                    if (!done.ok()) return c->Fail(done.status());
                                    c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
                                      w.Key("entities").StartArray();
                                      self->WriteUser(w, c->app->app.id, user);
                                      w.EndArray();
                                    }));
                                  });
      });
}

void Calls::SetPassword(CallPtr c) {
  std::string user = PathUser(*c, "username");
  if (user.empty()) return;
  auto object = c->Object();
  if (!object) return;
  kit::JsonFields fields(*object);
  kit::ParamReader p(fields);
  std::string password = p.Required("newpassword", kMaxPassword);
  if (!p.ok()) return c->Fail(p.status());
  Offload(c, [self = shared_from_this(), c, user = std::move(user),
              password = std::move(password)]() mutable {
    auto hash = kit::HashPassword(password);
    if (!hash.ok()) return c->Fail(hash.status());
    UserUpdate update;
    update.password_hash = std::move(hash.value());  // also revokes the user's tokens
    self->service_.UpdateUser(c->app->app, std::move(user), std::move(update), self->UserReply(c));
  });
}

void Calls::SetDisabled(CallPtr c, bool disabled) {
  std::string user = PathUser(*c, "username");
  if (user.empty()) return;
  UserUpdate update;
  update.disabled = disabled;
  service_.UpdateUser(c->app->app, std::move(user), std::move(update), UserReply(c));
}

// ---- Contacts ----

void Calls::AddContact(CallPtr c) {
  AppContext app = c->app->app;
  ChangeContact<AddOutcome>(std::move(c),
                            [this, app](std::string owner, std::string peer, auto done) {
                              AddArgs args;
                              args.owner = std::move(owner);
                              args.peer = std::move(peer);
                              args.mode = AddMode::kDirect;
                              service_.Add(app, std::move(args), std::move(done));
                            });
}

void Calls::RemoveContact(CallPtr c) {
  AppContext app = c->app->app;
  ChangeContact<bool>(std::move(c), [this, app](std::string owner, std::string peer, auto done) {
    // Easemob ends both sides.
    DeleteArgs args{std::move(owner), std::move(peer), /*both=*/true, /*drop_alias=*/false};
    service_.Delete(app, std::move(args), std::move(done));
  });
}

void Calls::SetRemark(CallPtr c) {
  std::string owner = PathUser(*c, "owner");
  if (owner.empty()) return;
  std::string peer = PathUser(*c, "friend");
  if (peer.empty()) return;
  auto object = c->Object();
  if (!object) return;
  kit::JsonFields fields(*object);
  kit::ParamReader p(fields);
  EdgeFields edge;
  edge.alias = p.Optional("remark", kMaxRemark);
  if (!p.ok()) return c->Fail(p.status());
  if (!edge.alias) return c->Fail(kIllegalArgument, "remark is missing");
  service_.UpdateEdge(c->app->app, std::move(owner), std::move(peer), std::move(edge),
                      /*any_row=*/false, kit::Reply(std::move(c->respond), c->envelope));
}

void Calls::ContactsPage(CallPtr c) {
  std::string owner = PathUser(*c, "owner");
  if (owner.empty()) return;
  kit::FormFields fields(c->query);
  kit::ParamReader p(fields);
  int64_t limit = p.OptionalInt("limit", 1, kMaxContactsPage).value_or(kDefaultContactsPage);
  std::string cursor = p.Optional("cursor", 512).value_or("");
  bool remarks = p.OptionalBool("needReturnRemark").value_or(false);
  if (!p.ok()) return c->Fail(p.status());
  service_.ListFriendsPage(c->app->app, std::move(owner), std::move(cursor),
                           static_cast<size_t>(limit), [c, remarks](Result<Page<FriendView>> page) {
                             if (!page.ok()) return c->Fail(page.status());
                             c->Answer(c->envelope.Answer(
                                 [&](http::JsonWriter& w) {
                                   w.Key("entities").StartArray().EndArray();
                                   w.Key("count").Int(static_cast<int64_t>(page->items.size()));
                                   w.Key("data").StartObject().Key("contacts").StartArray();
                                   for (const FriendView& f : page->items) {
                                     w.StartObject().Key("remark");
                                     const auto& alias = f.edge.fields.alias;
                                     if (remarks && alias && !alias->empty()) {
                                       w.String(*alias);
                                     } else {
                                       w.Null();
                                     }
                                     w.Key("username").String(f.peer_account).EndObject();
                                   }
                                   w.EndArray().EndObject();
                                   if (!page->next_cursor.empty())
                                     w.Key("cursor").String(page->next_cursor);
                                 },
                                 512 + page->items.size() * 64));
                           });
}

void Calls::AllContacts(CallPtr c) {
  std::string owner = PathUser(*c, "owner");
  if (owner.empty()) return;
  service_.ListFriends(c->app->app, std::move(owner), 0, /*include_tombstones=*/false, SIZE_MAX,
                       [c](Result<FriendList> friends) {
                         if (!friends.ok()) return c->Fail(friends.status());
                         const PackedFriends& list = *friends.value();
                         c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
                           w.Key("entities").StartArray().EndArray();
                           w.Key("data").StartArray();
                           for (const FriendRef& f : list) w.String(f.peer_account);
                           w.EndArray().Key("count").Int(static_cast<int64_t>(list.size()));
                         }));
                       });
}

// ---- Blocks ----

void Calls::Block(CallPtr c) {
  std::string owner = PathUser(*c, "owner");
  if (owner.empty()) return;
  auto object = c->Object();
  if (!object) return;
  kit::JsonFields fields(*object);
  kit::ParamReader p(fields);
  std::vector<std::string> peers =
      p.RequiredArray("usernames", kMaxBlocksPerCall, kMaxUsername, kUsernameChars);
  if (!p.ok()) return c->Fail(p.status());
  std::vector<std::string> blocked;  // lower-case, each once, in the order given
  for (const auto& peer : peers) {
    std::string account = Lower(peer);
    if (std::find(blocked.begin(), blocked.end(), account) == blocked.end()) {
      blocked.push_back(std::move(account));
    }
  }
  service_.SetRelations(c->app->app, std::move(owner), blocked, Relation::kBlock, true,
                        [c, blocked](Result<bool> r) {
                          if (!r.ok()) return c->Fail(r.status());
                          c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
                            w.Key("entities").StartArray().EndArray();
                            w.Key("data").StartArray();
                            for (const auto& b : blocked) w.String(b);
                            w.EndArray();
                          }));
                        });
}

void Calls::Blocklist(CallPtr c) {
  std::string owner = PathUser(*c, "owner");
  if (owner.empty()) return;
  kit::FormFields fields(c->query);
  kit::ParamReader p(fields);
  int64_t limit = p.OptionalInt("pageSize", 1, kMaxBlocksPage).value_or(kUnpagedBlocks);
  std::string cursor = p.Optional("cursor", 512).value_or("");
  if (!p.ok()) return c->Fail(p.status());
  service_.ListRelationsPage(
      c->app->app, std::move(owner), Relation::kBlock, std::move(cursor),
      static_cast<size_t>(limit), [c](Result<Page<RelationEntry>> page) {
        if (!page.ok()) return c->Fail(page.status());
        c->Answer(c->envelope.Answer([&](http::JsonWriter& w) {
          w.Key("entities").StartArray().EndArray();
          w.Key("data").StartArray();
          for (const RelationEntry& e : page->items) w.String(e.peer_account);
          w.EndArray().Key("count").Int(static_cast<int64_t>(page->items.size()));
          if (!page->next_cursor.empty()) w.Key("cursor").String(page->next_cursor);
        }));
      });
}

void Calls::Unblock(CallPtr c) {
  std::string owner = PathUser(*c, "owner");
  if (owner.empty()) return;
  std::string peer = PathUser(*c, "blocked");
  if (peer.empty()) return;
  service_.SetRelation(c->app->app, std::move(owner), peer, Relation::kBlock, false,
                       [self = shared_from_this(), c, peer](Result<bool> r) {
                         if (!r.ok()) return c->Fail(r.status());
                         self->AnswerUser(c, peer);
                       });
}

}  // namespace

std::string Uuid(std::string_view installation_secret, AppId app, UserId user) {
  std::string mac = HmacSha256(installation_secret,
                               "easemob uuid/" + std::to_string(app) + "/" + std::to_string(user));
  mac.resize(16);
  mac[6] = static_cast<char>((mac[6] & 0x0F) | 0x80);  // version 8: custom
  mac[8] = static_cast<char>((mac[8] & 0x3F) | 0x80);  // the RFC 9562 variant
  std::string hex = HexEncode(mac);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

std::vector<Code> UnmappedErrorCodes() { return kit::UnmappedCodes(kErrors); }

std::string IssueAppToken(std::string_view installation_secret, AppId app,
                          const EasemobSettings& settings, Clock& clock) {
  kit::TokenSigner signer(installation_secret, "easemob app", clock);
  return signer.Issue({app, "", clock.NowMs() + settings.token_ttl_seconds * 1000, 0});
}

void Register(const DialectEnv& env, const std::vector<EasemobApp>& apps) {
  auto dialect = std::make_shared<Calls>(env);
  for (const EasemobApp& app : apps) {
    // The config reader refused a duplicate pair already.
    if (!dialect->AddApp(app)) std::abort();
  }
  for (const Route& route : kRoutes) {
    const Route* r = &route;
    std::string pattern = std::string("/{org}/{app}") + route.pattern;
    http::Handler handler = [dialect, r](const http::Request& req, http::Responder respond) {
      dialect->Serve(req, std::move(respond), *r);
    };
    env.router.Add(route.method, pattern, handler);
    // The dialect's own copy holds no reference to the dialect, which owns it.
    Calls* raw = dialect.get();
    dialect->own_routes().Add(route.method, pattern,
                              [raw, r](const http::Request& req, http::Responder respond) {
                                raw->Serve(req, std::move(respond), *r);
                              });
  }
  // Anything else under the dialect's three first segments, in its envelope.
  for (const char* prefix :
       {"/{org}/{app}/token/*", "/{org}/{app}/users/*", "/{org}/{app}/user/*"}) {
    env.router.Add("*", prefix, [dialect](const http::Request& req, http::Responder respond) {
      dialect->Unrouted(req, std::move(respond));
    });
  }
}

}  // namespace fg::easemob
