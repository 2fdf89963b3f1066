#include "dialects/sealtalk/calls.h"

#include <spdlog/spdlog.h>

#include "http/media_type.h"

namespace fg::sealtalk {
namespace {

constexpr size_t kBodyLimit = 100 * 1024;  // Express's body-parser default: 100kb
constexpr int kMaxLoginFailures = 5;
constexpr int64_t kLoginLockMs = 60'000;
constexpr size_t kMaxThrottled = 100'000;
// An address tries many phones (a whole office behind one NAT): a looser bound.
constexpr int kMaxAddressFailures = 50;

// The one table from core codes to answers. name: the fixed text shown.
constexpr kit::ErrorMapping kErrorRows[] = {
    {Code::kOk, {200, 200, ""}},
    {Code::kInvalidArgument, {400, 0, "Invalid parameter."}},
    {Code::kTooLong, {400, 0, "Parameter is out of limit."}},
    {Code::kUserNotFound, {404, 0, "Unknown user."}},
    {Code::kAlreadyExists, {400, 0, "Already exists."}},
    {Code::kNotFriends, {404, 0, "Unknown friend user or invalid status."}},
    {Code::kAlreadyFriends, {400, 0, "User is already your friend."}},
    {Code::kNoPendingRequest, {404, 0, "Unknown friend user or invalid status."}},
    {Code::kBlocked, {403, 0, "Blocked."}},
    {Code::kRefusedByPolicy, {403, 0, "The user accepts no friend requests."}},
    {Code::kFriendLimit, {400, 0, "Friend limit reached."}},
    {Code::kRelationLimit, {400, 0, "Blacklist limit reached."}},
    {Code::kUserDisabled, {403, 0, "The user is disabled."}},
    {Code::kInternal, {500, 0, "Server error."}},
    {Code::kUnavailable, {503, 0, "Try again later."}},
};
constexpr kit::ErrorTable kErrors(kErrorRows);

http::Response Answer(int status, std::string content_type, std::string body) {
  http::Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  r.headers.emplace_back("Cache-Control", "private");
  r.dialect = "sealtalk";
  r.outcome = status == 200   ? http::Response::Outcome::kOk
              : status >= 500 ? http::Response::Outcome::kServerError
                              : http::Response::Outcome::kClientError;
  return r;
}

const http::JsonDocument& EmptyObject() {
  static const http::JsonDocument doc = http::ParseJson("{}").value();
  return doc;
}

}  // namespace

const kit::ErrorTable& SealtalkErrors() { return kErrors; }

http::Response OkAnswer() {
  return Answer(200, "application/json; charset=utf-8", R"({"code":200})");
}

http::Response ResultAnswer(http::JsonWriter& w) {
  return Answer(200, "application/json; charset=utf-8",
                R"({"code":200,"result":)" + w.Take() + "}");
}

http::Response BodyAnswer(std::string body) {
  return Answer(200, "application/json; charset=utf-8", std::move(body));
}

http::Response CodeAnswer(int code) {
  http::Response r =
      Answer(200, "application/json; charset=utf-8", R"({"code":)" + std::to_string(code) + "}");
  r.outcome = http::Response::Outcome::kClientError;
  return r;
}

http::Response ErrorAnswer(int status, std::string_view message) {
  return Answer(status, "text/html; charset=utf-8", std::string(message));
}

http::Response RefuseAnswer(const Status& status) {
  if (status.code() == Code::kInternal) {
    spdlog::error("event=store_failed dialect=sealtalk error=\"{}\"", status.message());
  }
  const kit::VendorError& e = kErrors.For(status.code());
  return ErrorAnswer(e.http_status, e.name);
}

http::Response BadParameter(const kit::ParamReader& params) {
  return ErrorAnswer(400, params.status().message());
}

// The request's Origin if the app allows it, else "".
std::string AllowedOrigin(const AppState& app, const http::Request& request) {
  auto origin = request.Header("origin");
  if (!origin) return {};
  for (const std::string& allowed : app.settings.cors_origins) {
    if (*origin == allowed) return allowed;
  }
  return {};
}

void AddCors(http::Response& r, const std::string& origin) {
  r.headers.emplace_back("Access-Control-Allow-Origin", origin);
  r.headers.emplace_back("Access-Control-Allow-Credentials", "true");
  r.headers.emplace_back("Vary", "Origin");
}

void Call::Answer(http::Response response) {
  if (!cors_origin.empty()) AddCors(response, cors_origin);
  respond(std::move(response));
}

void Calls::Preflight(const AppState& app, const http::Request& request, http::Responder respond) {
  http::Response r;
  r.status = 204;
  r.content_type.clear();
  std::string origin = AllowedOrigin(app, request);
  if (!origin.empty()) {
    AddCors(r, origin);
    r.headers.emplace_back("Access-Control-Allow-Methods", "GET,POST");
    r.headers.emplace_back("Access-Control-Allow-Headers", "Content-Type");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  respond(std::move(r));
}

const kit::FieldSource& Call::fields() const {
  if (!fields_cache) fields_cache.emplace(body ? body->root() : EmptyObject().root());
  return *fields_cache;
}

std::string_view Or(const std::optional<std::string>& value) {
  return value ? std::string_view(*value) : std::string_view();
}

std::string_view RegionOf(const User& u) {
  return u.profile.region && !u.profile.region->empty() ? std::string_view(*u.profile.region)
                                                        : kDefaultRegion;
}

std::string NormalRegion(std::string_view region) {
  size_t first = region.find_first_not_of('0');
  return first == std::string_view::npos ? std::string() : std::string(region.substr(first));
}

std::string_view GenderOf(const User& u) { return u.profile.gender == 2 ? "female" : "male"; }

std::string IsoTime(int64_t ms) {
  // By hand (days to a civil date, H. Hinnant's algorithm): a listing writes one per row, and
  // gmtime and snprintf cost more than the rest of the row.
  int64_t days = ms >= 0 ? ms / 86'400'000 : (ms - 86'399'999) / 86'400'000;
  int64_t in_day = ms - days * 86'400'000;
  int64_t z = days + 719'468;
  int64_t era = (z >= 0 ? z : z - 146'096) / 146'097;
  int64_t doe = z - era * 146'097;
  int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t day = doy - (153 * mp + 2) / 5 + 1;
  int64_t month = mp < 10 ? mp + 3 : mp - 9;
  int64_t year = yoe + era * 400 + (month <= 2);
  if (year < 0 || year > 9999) return "1970-01-01T00:00:00.000Z";  // no such times here
  char text[] = "0000-00-00T00:00:00.000Z";
  auto put = [&text](size_t at, int64_t value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      text[at + i] = static_cast<char>('0' + value % 10);
  };
  put(0, year, 4);
  put(5, month, 2);
  put(8, day, 2);
  put(11, in_day / 3'600'000, 2);
  put(14, in_day / 60'000 % 60, 2);
  put(17, in_day / 1000 % 60, 2);
  put(20, in_day % 1000, 3);
  return text;
}

Calls::Calls(FriendService& service, Clock& clock, Executor& blocking,
             std::string_view installation_secret)
    : service_(service),
      clock_(clock),
      blocking_(blocking),
      secret_(installation_secret),
      ids_(installation_secret, "sealtalk user"),
      phone_logins_(kMaxLoginFailures, kLoginLockMs, kMaxThrottled, clock),
      address_logins_(kMaxAddressFailures, kLoginLockMs, kMaxThrottled, clock) {}

AppState& Calls::AddApp(const SealtalkApp& app) {
  apps_.push_back(std::make_unique<AppState>(app, secret_, clock_));
  return *apps_.back();
}

void Calls::Serve(AppState& app, const http::Request& request, http::Responder respond,
                  Handler handler, bool needs_login) {
  auto c = std::make_shared<Call>(Call{app, std::nullopt, request.path_params, request.query,
                                       request.client, std::move(respond), User{}, std::nullopt,
                                       AllowedOrigin(app, request)});
  if (!app.limiter.Allow()) return c->Answer(ErrorAnswer(429, "Too many requests."));
  // The login first, as the peer's middleware runs before any body is looked at.
  std::optional<LoginClaims> claims;
  if (needs_login) {
    claims = app.cookies.Read(request, app.app.id);
    if (!claims) return c->Answer(ErrorAnswer(403, "Not loged in."));
  }
  if (request.method == "POST" && !request.body.empty()) {
    if (auto type = request.Header("content-type")) {
      auto media = http::ParseMediaType(*type);
      if (!media || !media->Is("application", "json")) {
        return c->Answer(ErrorAnswer(400, "Content-Type must be application/json."));
      }
    }
    auto parsed = http::ParseJson(request.body);
    if (!parsed.ok() || parsed->root().type() != http::JsonType::kObject) {
      return c->Answer(ErrorAnswer(400, "Invalid JSON body."));
    }
    c->body.emplace(std::move(parsed).value());
  }
  if (!needs_login) return (this->*handler)(c);
  // The user's card, from the user cache when it is there: no store read. It has no password
  // hash (ChangePassword reads the user whole).
  service_.GetProfiles({{app.app.id, claims->user}},
                       [self = shared_from_this(), c, handler,
                        epoch = claims->epoch](Result<std::vector<UserCache::Entry>> users) {
                         if (!users.ok()) return c->Answer(RefuseAnswer(users.status()));
                         const UserCache::Entry& u = users.value()[0];
                         // Gone, of another app, logged out or its password changed since: not
                         // logged in.
                         if (!u || u->app != c->app.app.id || u->epoch != epoch || u->disabled) {
                           return c->Answer(ErrorAnswer(403, "Not loged in."));
                         }
                         c->me = *u;
                         ((*self).*handler)(c);
                       });
}

void Calls::ResolveId(const CallPtr& c, std::string_view id, std::string_view not_found,
                      std::function<void(const User&)> then) {
  auto decoded = ids_.Decode(id);
  if (!decoded || *decoded > static_cast<uint64_t>(INT64_MAX)) {
    return c->Answer(ErrorAnswer(404, not_found));
  }
  AppId app = c->app.app.id;
  service_.GetProfiles({{app, static_cast<UserId>(*decoded)}},
                       [self = shared_from_this(), c, app, not_found = std::string(not_found),
                        then = std::move(then)](Result<std::vector<UserCache::Entry>> found) {
                         if (!found.ok()) return c->Answer(RefuseAnswer(found.status()));
                         const UserCache::Entry& u = found.value()[0];
                         // The user cache is by id alone: the app is checked here.
                         if (!u || u->app != app) return c->Answer(ErrorAnswer(404, not_found));
                         then(*u);
                       });
}

const User* Calls::ByPhone(const std::vector<User>& users, std::string_view region) {
  const User* found = nullptr;
  for (const User& u : users) {
    if (!region.empty() && RegionOf(u) != region) continue;
    if (!u.password_hash.empty()) return &u;
    if (!found) found = &u;
  }
  return found;
}

void Calls::UpdateMe(const CallPtr& c, UserUpdate update) {
  service_.UpdateUser(c->app.app, c->me.account, std::move(update), [c](Result<User> r) {
    c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status()));
  });
}

void Calls::Offload(const CallPtr& c, std::function<void()> work) {
  if (!blocking_.TryPost(std::move(work))) {
    c->Answer(ErrorAnswer(503, "Too many password checks in progress: try again in a moment."));
  }
}

UserJsonCache::Json Calls::ListedUser(const UserCache::Entry& card) {
  return user_json_.Get(card, [this](const User& u) {
    http::JsonWriter w(256);
    w.StartObject();
    WriteUserFields(w, u);
    w.EndObject();
    return w.Take();
  });
}

void Calls::WriteUserFields(http::JsonWriter& w, const User& u) const {
  w.Key("id").String(IdOf(u));
  w.Key("nickname").String(Or(u.profile.name));
  w.Key("region").String(RegionOf(u));
  w.Key("phone").String(Or(u.profile.mobile));
  w.Key("portraitUri").String(Or(u.profile.icon));
  w.Key("gender").String(GenderOf(u));
  w.Key("stAccount").String(u.st_account);
}

namespace {

struct Route {
  std::string_view method;
  std::string_view path;
  Calls::Handler handler;
  bool needs_login;
};

// Every call, at a glance. Literal paths are matched before patterns (http::Router).
constexpr Route kRoutes[] = {
    {"POST", "/user/send_code", &Calls::SendCode, false},
    {"POST", "/user/verify_code", &Calls::VerifyCode, false},
    {"POST", "/user/register", &Calls::SignUp, false},
    {"POST", "/user/login", &Calls::Login, false},
    {"POST", "/user/reset_password", &Calls::ResetPassword, false},
    {"POST", "/user/logout", &Calls::Logout, true},
    {"POST", "/user/change_password", &Calls::ChangePassword, true},
    {"POST", "/user/set_nickname", &Calls::SetNickname, true},
    {"POST", "/user/set_portrait_uri", &Calls::SetPortraitUri, true},
    {"POST", "/user/set_gender", &Calls::SetGender, true},
    {"POST", "/user/set_st_account", &Calls::SetStAccount, true},
    {"POST", "/user/set_privacy", &Calls::SetPrivacy, true},
    {"GET", "/user/get_privacy", &Calls::GetPrivacy, true},
    {"POST", "/user/add_to_blacklist", &Calls::AddToBlacklist, true},
    {"POST", "/user/remove_from_blacklist", &Calls::RemoveFromBlacklist, true},
    {"GET", "/user/blacklist", &Calls::Blacklist, true},
    {"GET", "/user/find/{region}/{phone}", &Calls::FindByPhone, true},
    {"GET", "/user/find_user", &Calls::FindUser, true},
    {"GET", "/user/{id}", &Calls::GetUser, true},
    {"POST", "/friendship/invite", &Calls::Invite, true},
    {"POST", "/friendship/agree", &Calls::Agree, true},
    {"POST", "/friendship/ignore", &Calls::Ignore, true},
    {"POST", "/friendship/delete", &Calls::Delete, true},
    {"POST", "/friendship/set_display_name", &Calls::SetDisplayName, true},
    {"GET", "/friendship/all", &Calls::All, true},
    {"GET", "/friendship/{friendId}/profile", &Calls::Profile, true},
    {"POST", "/friendship/get_contacts_info", &Calls::GetContactsInfo, true},
    {"POST", "/friendship/batch_delete", &Calls::BatchDelete, true},
    {"POST", "/friendship/set_friend_description", &Calls::SetFriendDescription, true},
    {"POST", "/friendship/get_friend_description", &Calls::GetFriendDescription, true},
};

}  // namespace

void Register(http::Router& router, FriendService& service, Clock& clock, Executor& blocking,
              std::string_view installation_secret, const std::vector<SealtalkApp>& apps) {
  auto calls = std::make_shared<Calls>(service, clock, blocking, installation_secret);
  http::RouteOptions options{kBodyLimit,
                             [] { return ErrorAnswer(413, "request entity too large"); }};
  for (const SealtalkApp& app : apps) {
    AppState* state = &calls->AddApp(app);
    const std::string& prefix = app.settings.path_prefix;
    if (!app.settings.dev_verification_code.empty()) {
      spdlog::warn(
          "event=sealtalk_dev_code prefix=\"{}\" note=\"every verification code is the "
          "configured dev_verification_code: for development only\"",
          prefix);
    }
    for (const Route& route : kRoutes) {
      router.Add(
          route.method, prefix + std::string(route.path),
          [calls, state, route](const http::Request& req, http::Responder respond) {
            calls->Serve(*state, req, std::move(respond), route.handler, route.needs_login);
          },
          options);
    }
    if (!app.settings.cors_origins.empty()) {
      for (std::string_view base : {"/user/*", "/friendship/*"}) {
        router.Add("OPTIONS", prefix + std::string(base),
                   [state](const http::Request& req, http::Responder respond) {
                     Calls::Preflight(*state, req, std::move(respond));
                   });
      }
    }
    // Anything else under the app's /user and /friendship: Express's 404.
    for (std::string_view base : {"/user/*", "/friendship/*"}) {
      router.Add(
          "*", prefix + std::string(base),
          [](const http::Request&, http::Responder respond) {
            respond(ErrorAnswer(404, "Not Found"));
          },
          options);
    }
  }
}

}  // namespace fg::sealtalk
