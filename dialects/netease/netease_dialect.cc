#include "dialects/netease/netease_dialect.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>
#include <unordered_map>

#include "base/random.h"
#include "dialects/netease/checksum.h"
#include "dialects/netease/netease_params.h"
#include "dialects/netease/rate_limiter.h"
#include "http/form.h"
#include "http/json.h"
#include "http/media_type.h"

namespace fg::netease {
namespace {

constexpr int64_t kMaxClockSkewSeconds = 300;
constexpr size_t kMaxGetUinfos = 200;

// NetEase codes (docs/netease.md).
constexpr int kOk = 200;
constexpr int kForbidden = 403;
constexpr int kNotFound = 404;
constexpr int kTooLong = 405;
constexpr int kBadParameter = 414;
constexpr int kRateLimited = 416;
constexpr int kDuplicate = 417;
constexpr int kOverLimit = 419;
constexpr int kServerError = 500;
constexpr int kBusy = 503;

// The one table from core codes to NetEase codes.
int CodeFor(Code code) {
  switch (code) {
    case Code::kOk:
      return kOk;
    case Code::kInvalidArgument:
      return kBadParameter;
    case Code::kTooLong:
      return kTooLong;
    case Code::kUserNotFound:
      return kNotFound;
    case Code::kAlreadyExists:
      return kBadParameter;
    case Code::kNotFriends:
      return kNotFound;
    case Code::kAlreadyFriends:
      return kDuplicate;
    case Code::kNoPendingRequest:
      return kNotFound;
    case Code::kBlocked:
      return kForbidden;
    case Code::kRefusedByPolicy:
      return kForbidden;
    case Code::kFriendLimit:
      return kOverLimit;
    case Code::kRelationLimit:
      return kOverLimit;
    case Code::kInternal:
      return kServerError;
    case Code::kUnavailable:
      return kBusy;
  }
  return kServerError;
}

http::Response Json(std::string body, int http_status = 200) {
  http::Response r;
  r.status = http_status;
  r.body = std::move(body);
  r.dialect = "netease";
  r.outcome = http::Response::Outcome::kOk;
  return r;
}

http::Response Error(int code, std::string_view desc, int http_status = 200) {
  http::JsonWriter w;
  w.StartObject().Key("code").Int(code).Key("desc").String(desc).EndObject();
  http::Response r = Json(w.Take(), http_status);
  r.outcome = code == kServerError || code == kBusy ? http::Response::Outcome::kServerError
                                                    : http::Response::Outcome::kClientError;
  return r;
}

http::Response Error(const Status& status) {
  if (status.code() == Code::kInternal) {
    spdlog::error("event=netease_store_error error=\"{}\"", status.message());
    return Error(kServerError, "server error");
  }
  return Error(CodeFor(status.code()), status.message());
}

http::Response Ok() { return Json(R"({"code":200})"); }

std::string NewToken() { return RandomHex(16); }

// Answers a write with {"code":200} or its error.
Callback<bool> ReplyDone(http::Responder respond) {
  return [respond = std::move(respond)](Result<bool> r) {
    respond(r.ok() ? Ok() : Error(r.status()));
  };
}

void WriteOptional(http::JsonWriter& w, std::string_view key,
                   const std::optional<std::string>& value) {
  if (value) w.Key(key).String(*value);
}

void WriteFriend(http::JsonWriter& w, const FriendView& f, bool nulls) {
  w.StartObject();
  w.Key("createtime").Int(f.edge.created_ms);
  w.Key("updatetime").Int(f.edge.updated_ms);
  w.Key("bidirection").Bool(f.bidirectional);
  w.Key("faccid").String(f.peer_account);
  WriteOptional(w, "alias", f.edge.fields.alias);
  for (auto [key, value] :
       {std::pair{"ex", &f.edge.fields.ex}, std::pair{"serverex", &f.edge.fields.serverex}}) {
    if (*value) {
      w.Key(key).String(**value);
    } else if (nulls) {
      w.Key(key).Null();
    }
  }
  w.EndObject();
}

// Reads the profile fields NetEase documents for user/create.action and user/updateUinfo.action.
Profile ReadProfile(ParamReader& p) {
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

class Dialect {
 public:
  Dialect(FriendService& service, Clock& clock) : service_(service), clock_(clock) {}

  void AddApp(const NeteaseApp& app) {
    auto& entry = apps_[app.app_key];
    entry.config = app;
    entry.limiter = std::make_unique<RateLimiter>(app.rate_limit_per_second, clock_);
  }

  // Everything one call needs. The handler answers through `respond`, now or later.
  struct Call {
    const AppContext& app;
    ParamReader& params;
    http::Responder respond;
  };
  using Op = void (Dialect::*)(Call&);

  void Serve(const http::Request& request, http::Responder respond, Op op) {
    const AppContext* app = nullptr;
    if (http::Response refusal; !Authenticate(request, app, refusal)) {
      return respond(std::move(refusal));
    }
    if (auto type = request.Header("content-type")) {
      auto media = http::ParseMediaType(*type);
      if (!media || !media->Is("application", "x-www-form-urlencoded")) {
        return respond(
            Error(kBadParameter, "Content-Type must be application/x-www-form-urlencoded"));
      }
    }
    auto form = http::ParseForm(request.body);
    if (!form.ok()) return respond(Error(kBadParameter, form.status().message()));
    ParamReader params(form.value());
    Call call{*app, params, std::move(respond)};
    (this->*op)(call);
  }

  // Each op reads its parameters, answers 414/405 on a bad one, else calls core/.
  void UserCreate(Call& c) {
    NewUser user;
    user.account = c.params.Accid("accid");
    user.profile = ReadProfile(c.params);
    auto token = c.params.Optional("token", 128);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    user.token = token && !token->empty() ? *token : NewToken();
    service_.CreateUser(c.app, std::move(user), [respond = std::move(c.respond)](Result<User> r) {
      if (!r.ok()) return respond(Error(r.status()));
      http::JsonWriter w;
      w.StartObject().Key("code").Int(kOk).Key("info").StartObject();
      w.Key("token").String(r->token).Key("accid").String(r->account);
      WriteOptional(w, "name", r->profile.name);
      w.EndObject().EndObject();
      respond(Json(w.Take()));
    });
  }

  void UserUpdate(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    c.params.Optional("props", 1024);  // deprecated by NetEase: checked, not kept
    fg::UserUpdate update;
    update.token = c.params.Optional("token", 128);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    if (update.token && update.token->empty()) update.token.reset();
    service_.UpdateUser(c.app, accid, std::move(update),
                        [respond = std::move(c.respond)](Result<User> r) {
                          respond(r.ok() ? Ok() : Error(r.status()));
                        });
  }

  void UserRefreshToken(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    fg::UserUpdate update;
    update.token = NewToken();
    service_.UpdateUser(c.app, accid, std::move(update),
                        [respond = std::move(c.respond)](Result<User> r) {
                          if (!r.ok()) return respond(Error(r.status()));
                          http::JsonWriter w;
                          w.StartObject().Key("code").Int(kOk).Key("info").StartObject();
                          w.Key("token").String(r->token).Key("accid").String(r->account);
                          w.EndObject().EndObject();
                          respond(Json(w.Take()));
                        });
  }

  void UserGetUinfos(Call& c) {
    std::string raw = c.params.Required("accids", 64 * 1024);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    auto accids = http::ParseStringArray(raw, kMaxGetUinfos);
    if (!accids.ok())
      return c.respond(Error(kBadParameter, "accids: " + accids.status().message()));
    auto users = service_.GetUsers(c.app, accids.value());
    if (!users.ok()) return c.respond(Error(users.status()));
    http::JsonWriter w;
    w.StartObject().Key("code").Int(kOk).Key("uinfos").StartArray();
    for (const auto& u : users.value()) {
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
    c.respond(Json(w.Take()));
  }

  void UserUpdateUinfo(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    fg::UserUpdate update;
    update.profile = ReadProfile(c.params);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    service_.UpdateUser(c.app, accid, std::move(update),
                        [respond = std::move(c.respond)](Result<User> r) {
                          respond(r.ok() ? Ok() : Error(r.status()));
                        });
  }

  void FriendAdd(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string faccid = c.params.Required("faccid", 32);
    int64_t type = c.params.RequiredInt("type", 1, 4);
    auto msg = c.params.Optional("msg", 256);
    auto serverex = c.params.Optional("serverex", 256);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    if (type == 3 || type == 4) {
      return service_.Respond(c.app, accid, faccid, type == 3 ? Answer::kAccept : Answer::kRefuse,
                              ReplyDone(std::move(c.respond)));
    }
    AddArgs args;
    args.owner = std::move(accid);
    args.peer = std::move(faccid);
    args.mode = type == 1 ? AddMode::kDirect : AddMode::kRequest;
    args.message = msg.value_or("");
    args.fields.serverex = std::move(serverex);
    service_.Add(c.app, std::move(args), [respond = std::move(c.respond)](Result<AddOutcome> r) {
      respond(r.ok() ? Ok() : Error(r.status()));
    });
  }

  void FriendUpdate(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string faccid = c.params.Required("faccid", 32);
    EdgeFields fields;
    fields.alias = c.params.Optional("alias", 128);
    fields.ex = c.params.Optional("ex", 256);
    fields.serverex = c.params.Optional("serverex", 256);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    service_.UpdateEdge(c.app, accid, faccid, std::move(fields), ReplyDone(std::move(c.respond)));
  }

  void FriendDelete(Call& c) {
    DeleteArgs args;
    args.owner = c.params.Required("accid", 32);
    args.peer = c.params.Required("faccid", 32);
    args.drop_alias = c.params.OptionalBool("isDeleteAlias").value_or(false);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    service_.Delete(c.app, std::move(args), ReplyDone(std::move(c.respond)));
  }

  void FriendGet(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    // The vendor's own curl example sends createtime; it means the same here.
    const char* since_name =
        !c.params.Has("updatetime") && c.params.Has("createtime") ? "createtime" : "updatetime";
    int64_t since = c.params.RequiredInt(since_name, 0, INT64_MAX);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    auto friends = service_.ListFriends(c.app, accid, since, /*include_tombstones=*/false);
    if (!friends.ok()) return c.respond(Error(friends.status()));
    http::JsonWriter w;
    w.StartObject().Key("code").Int(kOk);
    w.Key("size").Int(static_cast<int64_t>(friends->size()));
    w.Key("friends").StartArray();
    for (const auto& f : friends.value()) WriteFriend(w, f, /*nulls=*/false);
    w.EndArray().EndObject();
    c.respond(Json(w.Take()));
  }

  void FriendGetByAccid(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string faccid = c.params.Required("faccid", 32);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    auto f = service_.GetFriend(c.app, accid, faccid);
    if (!f.ok()) return c.respond(Error(f.status()));
    http::JsonWriter w;
    w.StartObject().Key("code").Int(kOk).Key("friend");
    WriteFriend(w, f.value(), /*nulls=*/true);
    w.EndObject();
    c.respond(Json(w.Take()));
  }

  void UserSetSpecialRelation(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    std::string target = c.params.Required("targetAcc", 32);
    int64_t type = c.params.RequiredInt("relationType", 1, 2);
    int64_t value = c.params.RequiredInt("value", 0, 1);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    service_.SetRelation(c.app, accid, target, type == 1 ? Relation::kBlock : Relation::kMute,
                         value == 1, ReplyDone(std::move(c.respond)));
  }

  void UserListBlackAndMuteList(Call& c) {
    std::string accid = c.params.Required("accid", 32);
    if (!c.params.ok()) return c.respond(Error(c.params.status()));
    auto lists = service_.ListRelations(c.app, accid);
    if (!lists.ok()) return c.respond(Error(lists.status()));
    http::JsonWriter w;
    w.StartObject().Key("code").Int(kOk);
    w.Key("mutelist").StartArray();
    for (const auto& a : lists->muted) w.String(a);
    w.EndArray().Key("blacklist").StartArray();
    for (const auto& a : lists->blocked) w.String(a);
    w.EndArray().EndObject();
    c.respond(Json(w.Take()));
  }

 private:
  struct AppEntry {
    NeteaseApp config;
    std::unique_ptr<RateLimiter> limiter;
  };

  // On success points `app` at the caller's app; otherwise fills `refusal`.
  bool Authenticate(const http::Request& request, const AppContext*& app, http::Response& refusal) {
    for (const char* name : {"AppKey", "Nonce", "CurTime", "CheckSum"}) {
      int count = request.HeaderCount(name);
      if (count != 1) {
        refusal = Error(kBadParameter,
                        std::string(name) + (count ? " header is repeated" : " header is missing"));
        return false;
      }
    }
    auto it = apps_.find(std::string(*request.Header("AppKey")));
    if (it == apps_.end()) {
      refusal = Error(kForbidden, "unknown AppKey");
      return false;
    }
    std::string_view nonce = *request.Header("Nonce");
    std::string_view cur_time = *request.Header("CurTime");
    int64_t seconds = 0;
    auto [end, ec] = std::from_chars(cur_time.data(), cur_time.data() + cur_time.size(), seconds);
    if (nonce.empty() || nonce.size() > 128 || ec != std::errc() ||
        end != cur_time.data() + cur_time.size()) {
      refusal = Error(kBadParameter, "Nonce or CurTime is malformed");
      return false;
    }
    int64_t now = clock_.NowMs() / 1000;
    if (seconds < now - kMaxClockSkewSeconds || seconds > now + kMaxClockSkewSeconds) {
      refusal = Error(kBadParameter, "CurTime is more than 5 minutes from the server's time");
      return false;
    }
    const AppEntry& entry = it->second;
    if (!CheckSumMatches(*request.Header("CheckSum"), entry.config.app_secret, nonce, cur_time)) {
      refusal = Error(kBadParameter, "CheckSum does not match");
      return false;
    }
    if (!entry.limiter->Allow()) {
      refusal = Error(kRateLimited, "too many calls: this app is blocked for 10 seconds");
      return false;
    }
    app = &entry.config.app;
    return true;
  }

  FriendService& service_;
  Clock& clock_;
  std::unordered_map<std::string, AppEntry> apps_;
};

// The routes, at a glance.
constexpr std::pair<const char*, Dialect::Op> kRoutes[] = {
    {"/nimserver/user/create.action", &Dialect::UserCreate},
    {"/nimserver/user/update.action", &Dialect::UserUpdate},
    {"/nimserver/user/refreshToken.action", &Dialect::UserRefreshToken},
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
  // Anything else under /nimserver/ is answered in NetEase's envelope.
  router.Add("*", "/nimserver/*", [](const http::Request& req, http::Responder respond) {
    for (auto [path, op] : kRoutes) {
      if (req.path == path) {
        return respond(Error(kBadParameter, "use POST", 405));
      }
    }
    respond(Error(kNotFound, "no such call: " + req.path, 404));
  });
}

}  // namespace fg::netease
