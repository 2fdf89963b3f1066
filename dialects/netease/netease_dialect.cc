#include "dialects/netease/netease_dialect.h"

#include <charconv>
#include <memory>

#include "base/encoding.h"
#include "base/random.h"
#include "dialects/common/app_registry.h"
#include "dialects/common/error_table.h"
#include "dialects/common/field_source.h"
#include "dialects/common/param_reader.h"
#include "dialects/common/rate_limiter.h"
#include "dialects/common/replay_guard.h"
#include "dialects/common/reply.h"
#include "dialects/common/time_window.h"
#include "dialects/netease/checksum.h"
#include "http/form.h"
#include "http/json.h"
#include "http/media_type.h"

namespace fg::netease {
namespace {

constexpr int64_t kMaxClockSkewMs = 300'000;
constexpr int64_t kRateLimitBlockMs = 10'000;
constexpr size_t kMaxGetUinfos = 200;
constexpr size_t kMaxNonceChars = 128;
// Live nonces remembered per app (about 200 bytes each): 1,000,000 covers 3,300 distinct signed
// calls a second for the whole 5-minute window. Past it calls are refused (code 416), never let
// through unchecked (docs/netease.md, "Replayed requests").
constexpr size_t kMaxNonces = 1'000'000;
// An accid as NetEase allows it: 1..32 of these.
constexpr kit::CharSet kAccidChars("a-zA-Z0-9_@.-");

// NetEase codes (docs/netease.md).
constexpr int kOk = 200;
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;
constexpr int kBadParameter = 414;
constexpr int kRateLimited = 416;

// The one table from core codes to NetEase codes. Every answer is HTTP 200: NetEase's SDKs read
// any other status as a transport failure.
constexpr kit::ErrorMapping kErrorRows[] = {
    {Code::kOk, {200, kOk, ""}},
    {Code::kInvalidArgument, {200, kBadParameter, ""}},
    {Code::kTooLong, {200, 405, ""}},
    {Code::kUserNotFound, {200, kNotFound, ""}},
    {Code::kAlreadyExists, {200, kBadParameter, ""}},
    {Code::kNotFriends, {200, kNotFound, ""}},
    {Code::kAlreadyFriends, {200, 417, ""}},
    {Code::kNoPendingRequest, {200, kNotFound, ""}},
    {Code::kBlocked, {200, kForbidden, ""}},
    {Code::kRefusedByPolicy, {200, kForbidden, ""}},
    {Code::kFriendLimit, {200, 419, ""}},
    {Code::kRelationLimit, {200, 419, ""}},
    {Code::kUserDisabled, {200, kForbidden, ""}},
    {Code::kInternal, {200, 500, ""}},
    {Code::kUnavailable, {200, 503, ""}},
};

http::Response Json(std::string body) {
  http::Response r;
  r.body = std::move(body);
  r.dialect = "netease";
  r.outcome = http::Response::Outcome::kOk;
  return r;
}

// An error answer; /metrics counts it as ours (500, 503) or the client's (every other code).
http::Response CodeAndDesc(int code, std::string_view desc) {
  http::JsonWriter w;
  w.StartObject().Key("code").Int(code).Key("desc").String(desc).EndObject();
  http::Response r = Json(w.Take());
  r.outcome = code == 500 || code == 503 ? http::Response::Outcome::kServerError
                                         : http::Response::Outcome::kClientError;
  return r;
}

// The body must be a form; a Content-Type that does not parse is refused like any other type.
bool IsForm(std::string_view content_type) {
  auto type = http::ParseMediaType(content_type);
  return type && type->Is("application", "x-www-form-urlencoded");
}

constexpr kit::ErrorTable kErrors(kErrorRows);

// NetEase's envelope: {"code":200,…} on success, {"code":N,"desc":"…"} on failure.
struct Envelope {
  std::string_view dialect() const { return "netease"; }
  http::Response Ok() const { return Json(R"({"code":200})"); }
  http::Response Error(const Status& status) const {
    return CodeAndDesc(kErrors.For(status.code()).vendor_code, status.message());
  }
};
constexpr Envelope kEnvelope;

// A failure found before core was called: the parameter reader's, or a refusal.
http::Response Refuse(const Status& status) { return kit::ErrorResponse(kEnvelope, status); }
http::Response Refuse(int code, std::string_view desc) { return CodeAndDesc(code, desc); }

std::string NewToken() { return RandomHex(16); }

// `value` (a std::string or std::string_view), under `key`, if present.
template <typename Text>
void WriteOptional(http::JsonWriter& w, std::string_view key, const std::optional<Text>& value) {
  if (value) w.Key(key).String(*value);
}

void WriteFriend(http::JsonWriter& w, const FriendRef& f, bool nulls) {
  w.StartObject();
  w.Key("createtime").Int(f.created_ms);
  w.Key("updatetime").Int(f.updated_ms);
  w.Key("bidirection").Bool(f.bidirectional);
  w.Key("faccid").String(f.peer_account);
  WriteOptional(w, "alias", f.alias);
  for (auto [key, value] : {std::pair{"ex", &f.ex}, std::pair{"serverex", &f.serverex}}) {
    if (*value) {
      w.Key(key).String(**value);
    } else if (nulls) {
      w.Key(key).Null();
    }
  }
  w.EndObject();
}

// {"code":200,"info":{"token":…,"accid":…}} for user/create and user/refreshToken.
http::Response TokenInfo(const User& u, bool with_name) {
  http::JsonWriter w;
  w.StartObject().Key("code").Int(kOk).Key("info").StartObject();
  w.Key("token").String(u.token).Key("accid").String(u.account);
  if (with_name) WriteOptional(w, "name", u.profile.name);
  w.EndObject().EndObject();
  return Json(w.Take());
}

// The profile fields NetEase documents for user/create.action and user/updateUinfo.action.
Profile ReadProfile(kit::ParamReader& p) {
  Profile profile;
  profile.name = p.Optional("name", 64);
  profile.icon = p.Optional("icon", 1024);
  profile.sign = p.Optional("sign", 256);
  profile.email = p.Optional("email", 64);
  profile.birth = p.Optional("birth", 16);
  profile.mobile = p.Optional("mobile", 32);
  if (auto gender = p.OptionalInt("gender", 0, 2)) profile.gender = static_cast<int>(*gender);
  profile.ex = p.Optional("ex", 1024);
  p.Optional("props", 1024);  // deprecated by NetEase: checked, not kept
  return profile;
}

std::string Accid(kit::ParamReader& p, std::string_view name) {
  return p.Required(name, 32, kAccidChars);
}

// One app's state: its context in core, its settings, and its guards.
struct AppState {
  AppState(const NeteaseApp& app, Clock& clock)
      : app(app.app),
        settings(app.settings),
        limiter(app.settings.rate_limit_per_second, kRateLimitBlockMs, clock),
        nonces(kMaxClockSkewMs, kMaxNonces) {}
  AppContext app;
  NeteaseSettings settings;
  kit::RateLimiter limiter;
  kit::ReplayGuard nonces;
};

class Dialect {
 public:
  Dialect(FriendService& service, Clock& clock) : service_(service), clock_(clock) {}

  void AddApp(const NeteaseApp& app) {
    // Duplicate AppKeys are refused by the config reader; the first app keeps its key.
    static_cast<void>(apps_.Add(app.settings.app_key, app, clock_));
  }

  // Everything one call needs. The handler answers through `respond`, now or later.
  struct Call {
    const AppContext& app;
    kit::ParamReader& params;
    http::Responder respond;
  };
  using Op = void (Dialect::*)(Call&);

  void Serve(const http::Request& request, http::Responder respond, Op op) {
    const AppContext* app = nullptr;
    if (http::Response refusal; !Authenticate(request, app, refusal)) {
      return respond(std::move(refusal));
    }
    if (auto type = request.Header("content-type"); type && !IsForm(*type)) {
      return respond(
          Refuse(kBadParameter, "Content-Type must be application/x-www-form-urlencoded"));
    }
    auto form = http::ParseForm(request.body);
    if (!form.ok()) return respond(Refuse(form.status()));
    kit::FormFields fields(form.value());
    kit::ParamReader params(fields);
    Call call{*app, params, std::move(respond)};
    (this->*op)(call);
  }

  // Each op reads its parameters, answers 414/405 on a bad one, else calls core/.
  void UserCreate(Call& c) {
    NewUser user;
    user.account = Accid(c.params, "accid");
    user.profile = ReadProfile(c.params);
    auto token = c.params.Optional("token", 128);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    user.token = token && !token->empty() ? *token : NewToken();
    service_.CreateUser(c.app, std::move(user),
                        kit::Reply(std::move(c.respond), kEnvelope,
                                   [](const User& u) { return TokenInfo(u, /*with_name=*/true); }));
  }

  void UserUpdate(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    c.params.Optional("props", 1024);  // deprecated by NetEase: checked, not kept
    fg::UserUpdate update;
    update.token = c.params.Optional("token", 128);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    if (update.token && update.token->empty()) update.token.reset();
    service_.UpdateUser(c.app, accid, std::move(update),
                        kit::Reply(std::move(c.respond), kEnvelope));
  }

  void UserRefreshToken(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    fg::UserUpdate update;
    update.token = NewToken();
    service_.UpdateUser(c.app, accid, std::move(update),
                        kit::Reply(std::move(c.respond), kEnvelope, [](const User& u) {
                          return TokenInfo(u, /*with_name=*/false);
                        }));
  }

  // user/block.action and user/unblock.action: the account's disabled flag, shared with every
  // dialect (Easemob's activated). needkick is checked and has nothing to kick here: friendgraph
  // keeps no IM sessions.
  void UserBlock(Call& c) { SetDisabled(c, true); }
  void UserUnblock(Call& c) { SetDisabled(c, false); }
  void SetDisabled(Call& c, bool disabled) {
    std::string accid = c.params.Required("accid", 32);
    c.params.OptionalBool("needkick");
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    fg::UserUpdate update;
    update.disabled = disabled;
    service_.UpdateUser(c.app, accid, std::move(update),
                        kit::Reply(std::move(c.respond), kEnvelope));
  }

  void UserGetUinfos(Call& c) {
    if (!c.params.Has("accids")) return c.respond(Refuse(kBadParameter, "accids is missing"));
    auto accids = c.params.OptionalArray("accids", kMaxGetUinfos, 1024);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.GetUsers(
        c.app, std::vector<UserRef>(accids->begin(), accids->end()),
        kit::Reply(std::move(c.respond), kEnvelope, [](const std::vector<User>& users) {
          http::JsonWriter w;
          w.StartObject().Key("code").Int(kOk).Key("uinfos").StartArray();
          for (const auto& u : users) {
            w.StartObject().Key("accid").String(u.account);
            WriteOptional(w, "name", u.profile.name);
            WriteOptional(w, "icon", u.profile.icon);
            WriteOptional(w, "sign", u.profile.sign);
            WriteOptional(w, "email", u.profile.email);
            WriteOptional(w, "birth", u.profile.birth);
            WriteOptional(w, "mobile", u.profile.mobile);
            w.Key("gender").Int(u.profile.gender.value_or(0));
            WriteOptional(w, "ex", u.profile.ex);
            w.EndObject();
          }
          w.EndArray().EndObject();
          return Json(w.Take());
        }));
  }

  void UserUpdateUinfo(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    fg::UserUpdate update;
    update.profile = ReadProfile(c.params);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.UpdateUser(c.app, accid, std::move(update),
                        kit::Reply(std::move(c.respond), kEnvelope));
  }

  void FriendAdd(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string faccid = c.params.Required("faccid", 32);
    int64_t type = c.params.RequiredInt("type", 1, 4);
    auto msg = c.params.Optional("msg", 256);
    auto serverex = c.params.Optional("serverex", 256);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    if (type == 3 || type == 4) {
      // A refusal's msg is its reason, kept for the requester's request list (RespondRule).
      return service_.Respond(c.app, accid, faccid, type == 3 ? Answer::kAccept : Answer::kRefuse,
                              type == 4 ? msg.value_or("") : "",
                              kit::Reply(std::move(c.respond), kEnvelope));
    }
    AddArgs args;
    args.owner = std::move(accid);
    args.peer = std::move(faccid);
    args.mode = type == 1 ? AddMode::kDirect : AddMode::kRequest;
    args.message = msg.value_or("");
    args.fields.serverex = std::move(serverex);
    service_.Add(c.app, std::move(args), kit::Reply(std::move(c.respond), kEnvelope));
  }

  void FriendUpdate(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string faccid = c.params.Required("faccid", 32);
    EdgeFields fields;
    fields.alias = c.params.Optional("alias", 128);
    fields.ex = c.params.Optional("ex", 256);
    fields.serverex = c.params.Optional("serverex", 256);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.UpdateEdge(c.app, accid, faccid, std::move(fields), /*any_row=*/false,
                        kit::Reply(std::move(c.respond), kEnvelope));
  }

  void FriendDelete(Call& c) {
    DeleteArgs args;
    args.owner = c.params.Required("accid", 32);
    args.peer = c.params.Required("faccid", 32);
    args.drop_alias = c.params.OptionalBool("isDeleteAlias").value_or(false);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.Delete(c.app, std::move(args), kit::Reply(std::move(c.respond), kEnvelope));
  }

  void FriendGet(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    // The vendor's own curl example sends createtime; it means the same here.
    const char* since_name =
        !c.params.Has("updatetime") && c.params.Has("createtime") ? "createtime" : "updatetime";
    int64_t since = c.params.RequiredInt(since_name, 0, INT64_MAX);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.ListFriends(c.app, std::move(accid), since, /*include_tombstones=*/false, SIZE_MAX,
                         kit::Reply(std::move(c.respond), kEnvelope, [](const FriendList& list) {
                           http::JsonWriter w(64 + list->size() * 160);  // about an entry's size
                           w.StartObject().Key("code").Int(kOk);
                           w.Key("size").Int(static_cast<int64_t>(list->size()));
                           w.Key("friends").StartArray();
                           for (const FriendRef& f : *list) WriteFriend(w, f, /*nulls=*/false);
                           w.EndArray().EndObject();
                           return Json(w.Take());
                         }));
  }

  void FriendGetByAccid(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string faccid = c.params.Required("faccid", 32);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.GetFriend(c.app, std::move(accid), std::move(faccid),
                       kit::Reply(std::move(c.respond), kEnvelope, [](const FriendView& f) {
                         http::JsonWriter w;
                         w.StartObject().Key("code").Int(kOk).Key("friend");
                         WriteFriend(w, RefTo(f), /*nulls=*/true);
                         w.EndObject();
                         return Json(w.Take());
                       }));
  }

  void UserSetSpecialRelation(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string target = c.params.Required("targetAcc", 32);
    int64_t type = c.params.RequiredInt("relationType", 1, 2);
    int64_t value = c.params.RequiredInt("value", 0, 1);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.SetRelation(c.app, accid, target, type == 1 ? Relation::kBlock : Relation::kMute,
                         value == 1, kit::Reply(std::move(c.respond), kEnvelope));
  }

  void UserListBlackAndMuteList(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    if (!c.params.ok()) return c.respond(Refuse(c.params.status()));
    service_.ListRelations(c.app, std::move(accid),
                           kit::Reply(std::move(c.respond), kEnvelope, [](const Relations& lists) {
                             http::JsonWriter w;
                             w.StartObject().Key("code").Int(kOk);
                             w.Key("mutelist").StartArray();
                             for (const auto& a : lists.muted) w.String(a);
                             w.EndArray().Key("blacklist").StartArray();
                             for (const auto& a : lists.blocked) w.String(a);
                             w.EndArray().EndObject();
                             return Json(w.Take());
                           }));
  }

 private:
  // On success points `app` at the caller's app; otherwise fills `refusal`. Every check before
  // the CheckSum answers without touching any state, so that only holders of the secret can
  // spend the app's rate limit or fill its nonce memory.
  bool Authenticate(const http::Request& request, const AppContext*& app, http::Response& refusal) {
    for (const char* name : {"AppKey", "Nonce", "CurTime", "CheckSum"}) {
      int count = request.HeaderCount(name);
      if (count != 1) {
        refusal = Refuse(kBadParameter, std::string(name) +
                                            (count ? " header is repeated" : " header is missing"));
        return false;
      }
    }
    AppState* state = apps_.Find(*request.Header("AppKey"));
    if (!state) {
      refusal = Refuse(kForbidden, "unknown AppKey");
      return false;
    }
    std::string_view nonce = *request.Header("Nonce");
    std::string_view cur_time = *request.Header("CurTime");
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(cur_time.data(), cur_time.data() + cur_time.size(), seconds);
    if (nonce.empty() || nonce.size() > kMaxNonceChars || ec != std::errc() ||
        end != cur_time.data() + cur_time.size() || seconds < 0 || seconds > INT64_MAX / 1000) {
      refusal = Refuse(kBadParameter, "Nonce or CurTime is malformed");
      return false;
    }
    int64_t now_ms = clock_.NowMs();
    int64_t presented_ms = seconds * 1000;
    // CurTime has second resolution: compare in seconds, as the 5-minute rule is written.
    if (!kit::WithinWindow(seconds, now_ms / 1000, kMaxClockSkewMs / 1000)) {
      refusal = Refuse(kBadParameter, "CurTime is more than 5 minutes from the server's time");
      return false;
    }
    if (!CheckSumMatches(*request.Header("CheckSum"), state->settings.app_secret, nonce,
                         cur_time)) {
      refusal = Refuse(kBadParameter, "CheckSum does not match");
      return false;
    }
    if (state->settings.reject_replayed_nonce) {
      switch (state->nonces.Check(nonce, presented_ms, now_ms)) {
        case kit::ReplayGuard::Verdict::kFresh:
          break;
        case kit::ReplayGuard::Verdict::kReplayed:
          refusal = Refuse(kBadParameter, "Nonce was already used within the last 5 minutes");
          return false;
        case kit::ReplayGuard::Verdict::kOutsideWindow:
          refusal = Refuse(kBadParameter, "CurTime is more than 5 minutes from the server's time");
          return false;
        case kit::ReplayGuard::Verdict::kFull:
          refusal = Refuse(kRateLimited, "too many distinct Nonces within 5 minutes");
          return false;
      }
    }
    if (!state->limiter.Allow()) {
      refusal = Refuse(kRateLimited, "too many calls: this app is blocked for 10 seconds");
      return false;
    }
    app = &state->app;
    return true;
  }

  FriendService& service_;
  Clock& clock_;
  kit::AppRegistry<AppState> apps_;
};

// The routes, at a glance.
constexpr std::pair<const char*, Dialect::Op> kRoutes[] = {
    {"/nimserver/user/create.action", &Dialect::UserCreate},
    {"/nimserver/user/update.action", &Dialect::UserUpdate},
    {"/nimserver/user/refreshToken.action", &Dialect::UserRefreshToken},
    {"/nimserver/user/block.action", &Dialect::UserBlock},
    {"/nimserver/user/unblock.action", &Dialect::UserUnblock},
    {"/nimserver/user/getUinfos.action", &Dialect::UserGetUinfos},
    {"/nimserver/user/updateUinfo.action", &Dialect::UserUpdateUinfo},
    {"/nimserver/user/setSpecialRelation.action", &Dialect::UserSetSpecialRelation},
    {"/nimserver/user/listBlackAndMuteList.action", &Dialect::UserListBlackAndMuteList},
    {"/nimserver/friend/add.action", &Dialect::FriendAdd},
    {"/nimserver/friend/update.action", &Dialect::FriendUpdate},
    {"/nimserver/friend/delete.action", &Dialect::FriendDelete},
    {"/nimserver/friend/get.action", &Dialect::FriendGet},
    {"/nimserver/friend/getByAccid.action", &Dialect::FriendGetByAccid},
};

}  // namespace

const kit::ErrorTable& NeteaseErrors() { return kErrors; }

void Register(http::Router& router, FriendService& service, Clock& clock,
              const std::vector<NeteaseApp>& apps) {
  auto dialect = std::make_shared<Dialect>(service, clock);
  for (const auto& app : apps) dialect->AddApp(app);
  for (const auto& route : kRoutes) {
    Dialect::Op op = route.second;  // a copy: clang 14 cannot capture a structured binding
    router.Add("POST", route.first,
               [dialect, op](const http::Request& req, http::Responder respond) {
                 dialect->Serve(req, std::move(respond), op);
               });
  }
  // Anything else under /nimserver/ is answered in NetEase's envelope, in HTTP 200: NetEase's
  // SDKs read any other status as a transport failure.
  router.Add("*", "/nimserver/*", [](const http::Request& req, http::Responder respond) {
    for (auto [path, op] : kRoutes) {
      if (req.path == path) return respond(Refuse(kBadParameter, "use POST"));
    }
    respond(Refuse(kNotFound, "no such call: " + PercentEncodeUnprintable(req.path)));
  });
}

}  // namespace fg::netease
