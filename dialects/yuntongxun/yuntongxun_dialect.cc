#include "dialects/yuntongxun/yuntongxun_dialect.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <unordered_map>

#include "base/encoding.h"
#include "base/random.h"
#include "dialects/common/app_registry.h"
#include "dialects/common/error_table.h"
#include "dialects/common/field_source.h"
#include "dialects/common/image_type.h"
#include "dialects/common/param_reader.h"
#include "dialects/common/rate_limiter.h"
#include "dialects/common/reply.h"
#include "dialects/common/time_window.h"
#include "dialects/yuntongxun/auth.h"
#include "dialects/yuntongxun/yuntongxun_time.h"
#include "http/form.h"
#include "http/json.h"
#include "http/media_type.h"

namespace fg::yuntongxun {
namespace {

constexpr std::string_view kSoftVersion = "2013-12-26";
constexpr int64_t kMaxSkewSeconds = 24 * 3600;
constexpr int64_t kRateLimitBlockMs = 10'000;
constexpr int64_t kDefaultPage = 20;
constexpr int64_t kMaxPage = 100;
constexpr size_t kMaxImportPairs = 1000;
constexpr size_t kMaxBatchAvatars = 100;
// An account (the part after '#'): 1..64 of these; a whole useracc adds "appId#".
constexpr size_t kMaxAccountChars = 64;
constexpr size_t kMaxUseraccChars = 128;
constexpr kit::CharSet kAccountChars("a-zA-Z0-9_@.+-");

// Our statusCodes (docs/yuntongxun.md). "000000" is success.
enum StatusCode : int {
  kNoAuthorization = 160001,
  kBadAuthorization = 160002,
  kBadTimestamp = 160003,
  kStaleTimestamp = 160004,
  kNoSig = 160005,
  kBadSig = 160006,
  kUnknownApp = 160007,
  kAppMismatch = 160008,
  kBadSoftVersion = 160009,
  kRateLimited = 160010,
  kUnknownOp = 160011,
  kUsePost = 160012,
  kBadContentType = 160013,
  kBodyTooLarge = 160014,
  kBadJson = 160100,
  kMissingParameter = 160101,
  kBadParameter = 160102,
  kUnlinkedApp = 160103,
  kBadImage = 160104,
  kImageTooLarge = 160105,
  kUserNotFound = 160200,
  kNotFriends = 160201,
  kNoPendingRequest = 160202,
  kAlreadyFriends = 160203,
  kFriendLimit = 160204,
  kBlocked = 160205,
  kRefusedByPolicy = 160206,
  kUserDisabled = 160207,
  kRelationLimit = 160208,
  kAlreadyExists = 160209,
  kInternal = 160500,
  kUnavailable = 160503,
};

// The one table from core codes to statusCodes. Every answer is HTTP 200.
constexpr kit::ErrorMapping kErrorRows[] = {
    {Code::kOk, {200, 0, ""}},
    {Code::kInvalidArgument, {200, kBadParameter, ""}},
    {Code::kTooLong, {200, kBadParameter, ""}},
    {Code::kUserNotFound, {200, kUserNotFound, ""}},
    {Code::kAlreadyExists, {200, kAlreadyExists, ""}},
    {Code::kNotFriends, {200, kNotFriends, ""}},
    {Code::kAlreadyFriends, {200, kAlreadyFriends, ""}},
    {Code::kNoPendingRequest, {200, kNoPendingRequest, ""}},
    {Code::kBlocked, {200, kBlocked, ""}},
    {Code::kRefusedByPolicy, {200, kRefusedByPolicy, ""}},
    {Code::kFriendLimit, {200, kFriendLimit, ""}},
    {Code::kRelationLimit, {200, kRelationLimit, ""}},
    {Code::kUserDisabled, {200, kUserDisabled, ""}},
    {Code::kInternal, {200, kInternal, ""}},
    {Code::kUnavailable, {200, kUnavailable, ""}},
};
constexpr kit::ErrorTable kErrors(kErrorRows);

http::Response Json(std::string body) {
  http::Response r;
  r.content_type = "application/json;charset=utf-8";
  r.body = std::move(body);
  r.dialect = "yuntongxun";
  r.outcome = http::Response::Outcome::kOk;
  return r;
}

// An error answer; /metrics counts it as ours (internal, unavailable) or the client's.
http::Response StatusAnswer(int code, std::string_view message) {
  http::JsonWriter w;
  w.StartObject().Key("statusCode").String(std::to_string(code));
  w.Key("statusMsg").String(message).EndObject();
  http::Response r = Json(w.Take());
  r.outcome = code == kInternal || code == kUnavailable ? http::Response::Outcome::kServerError
                                                        : http::Response::Outcome::kClientError;
  return r;
}

// A success answer's writer, its object open after statusCode and statusMsg.
http::JsonWriter& Success(http::JsonWriter& w) {
  return w.StartObject().Key("statusCode").String("000000").Key("statusMsg").String("success");
}

struct Envelope {
  std::string_view dialect() const { return "yuntongxun"; }
  http::Response Ok() const { return Json(R"({"statusCode":"000000","statusMsg":"success"})"); }
  http::Response Error(const Status& status) const {
    return StatusAnswer(kErrors.For(status.code()).vendor_code, status.message());
  }
};
constexpr Envelope kEnvelope;

http::Response Refuse(const Status& status) { return kit::ErrorResponse(kEnvelope, status); }
http::Response Refuse(int code, std::string_view message) { return StatusAnswer(code, message); }

// The members of a JSON object, a string or an integer number read as text: the seed types every
// field String, and clients send "size":"50" and "size":50 alike, so a number field must parse
// from a JSON string as it does from a form (the reader parses only text, never a JSON string,
// as a number). Other types stay JSON values, which the reader refuses where it wants text.
class LenientJsonFields final : public kit::FieldSource {
 public:
  explicit LenientJsonFields(http::JsonValue object) : fields_(object) {}
  std::optional<kit::Field> Get(std::string_view name) const override {
    auto field = fields_.Get(name);
    auto* v = field ? std::get_if<http::JsonValue>(&*field) : nullptr;
    if (v && v->type() == http::JsonType::kString) return *v->AsString();
    if (v && v->type() == http::JsonType::kNumber) {
      if (auto i = v->AsInt()) {
        texts_.push_back(std::to_string(*i));
        return std::string_view(texts_.back());
      }
    }
    return field;
  }

 private:
  kit::JsonFields fields_;
  mutable std::deque<std::string> texts_;  // stable addresses for the views handed out
};

// One app's state: its context in core, its settings and its rate limiter.
struct AppState {
  AppState(const YuntongxunApp& app, Clock& clock)
      : app(app.app),
        settings(app.settings),
        limiter(app.settings.rate_limit_per_second, kRateLimitBlockMs, clock) {}
  AppContext app;
  YuntongxunSettings settings;
  kit::RateLimiter limiter;
};

template <typename Text>
std::string_view Or(const std::optional<Text>& value) {
  return value ? std::string_view(*value) : std::string_view();
}

class Dialect {
 public:
  Dialect(FriendService& service, Clock& clock) : service_(service), clock_(clock) {}

  void AddApp(YuntongxunApp app) {
    // Hex in either case names the same app: kept lower-case, as every lookup asks for it.
    // Duplicate appIds are refused by the config reader.
    app.settings.app_id = AsciiLowerCase(app.settings.app_id);
    if (AppState* state = apps_.Add(app.settings.app_id, app, clock_)) {
      app_ids_[state->app.id] = state->settings.app_id;
    }
  }

  // Everything one call needs. The handler answers through `respond`, now or later.
  struct Call {
    const AppState& state;
    kit::ParamReader& params;
    std::optional<http::JsonValue> body;  // the JSON object (every op but uploadAvatar)
    std::string_view bytes;               // the raw body (uploadAvatar)
    std::string_view host;                // the Host header ("" if none)
    http::Responder respond;
    std::optional<http::Response> refusal;  // a failure found beside the reader's

    const AppContext& app() const { return state.app; }
    bool Failed() const { return refusal || !params.ok(); }
    http::Response Refusal() const { return refusal ? *refusal : Refuse(params.status()); }
    // Records the first failure (the reader's, if it failed first).
    void Fail(http::Response r) {
      if (!Failed()) refusal = std::move(r);
    }
  };
  using Op = void (Dialect::*)(Call&);

  void Serve(const http::Request& request, http::Responder respond, Op op) {
    if (request.path_params.empty() || request.path_params[0].second != kSoftVersion) {
      return respond(Refuse(kBadSoftVersion, "SoftVersion must be 2013-12-26"));
    }
    const AppState* state = nullptr;
    auto query = http::ParseForm(request.query);
    if (!query.ok())
      return respond(Refuse(kBadParameter, "query string: " + query.status().message()));
    if (http::Response refusal; !Authenticate(request, query.value(), state, refusal)) {
      return respond(std::move(refusal));
    }
    bool upload = op == &Dialect::UploadAvatar;
    if (auto type = request.Header("content-type"); type && !upload) {
      auto media = http::ParseMediaType(*type);
      if (!media || !media->Is("application", "json")) {
        return respond(Refuse(kBadContentType, "Content-Type must be application/json"));
      }
    }
    std::optional<http::JsonDocument> doc;
    if (!upload) {
      auto parsed = http::ParseJson(request.body);
      if (!parsed.ok()) return respond(Refuse(kBadJson, "body: " + parsed.status().message()));
      doc.emplace(std::move(parsed).value());
      if (doc->root().type() != http::JsonType::kObject) {
        return respond(Refuse(kBadJson, "body must be a JSON object"));
      }
    }
    kit::FormFields query_fields(query.value());
    std::optional<LenientJsonFields> json_fields;
    if (doc) json_fields.emplace(doc->root());
    kit::ParamReader params(doc ? static_cast<const kit::FieldSource&>(*json_fields)
                                : static_cast<const kit::FieldSource&>(query_fields));
    Call call{*state,
              params,
              doc ? std::optional(doc->root()) : std::nullopt,
              request.body,
              request.Header("host").value_or(""),
              std::move(respond),
              std::nullopt};
    (this->*op)(call);
  }

  // The avatar images: GET/HEAD /avatars/{key}.{ext}, public like any profile picture URL,
  // immutable (a new upload gets a new key), revalidated by ETag.
  void ServeAvatar(const http::Request& request, http::Responder respond) {
    // Both arms string_view: with "" and a std::string the ?: would make a temporary string
    // that dies at the semicolon, leaving `file` dangling.
    std::string_view file = request.path_params.empty()
                                ? std::string_view()
                                : std::string_view(request.path_params[0].second);
    size_t dot = file.find('.');
    std::string key(file.substr(0, dot));
    auto plain = [](int status, std::string body, std::string_view cache_control) {
      http::Response r;
      r.status = status;
      r.content_type = "text/plain; charset=utf-8";
      r.body = std::move(body);
      r.headers.emplace_back("Cache-Control", cache_control);
      r.headers.emplace_back("X-Content-Type-Options", "nosniff");
      return r;
    };
    auto not_found = [plain] { return plain(404, "no such avatar\n", "no-cache"); };
    // The extension names the format the image must be ("jpg" and "jpeg" both JPEG); a name that
    // names none is not worth a read.
    auto named = dot == std::string_view::npos ? std::nullopt
                                               : kit::ImageTypeOfExtension(file.substr(dot + 1));
    if (key.size() != 32 || !HexDecode(key) || !named) return respond(not_found());
    std::string etag = "\"" + key + "\"";
    // The ETag is the key, so a match is decided before reading: a 304 never reads the bytes (a
    // HEAD does: its Content-Length is theirs).
    bool revalidated = false;
    if (auto h = request.Header("if-none-match")) {
      revalidated = *h == "*" || h->find(etag) != std::string_view::npos;
    }
    service_.GetAvatarByKey(
        key, /*with_bytes=*/!revalidated,
        [respond = std::move(respond), etag, named = *named, revalidated, plain,
         not_found](Result<std::optional<Avatar>> avatar) mutable {
          if (!avatar.ok()) return respond(plain(503, "try again later\n", "no-store"));
          // Only under an extension of the image's own format: a PNG is no .jpg.
          if (!avatar.value() || avatar.value()->content_type != named.content_type) {
            return respond(not_found());
          }
          http::Response r;
          r.headers.emplace_back("ETag", etag);
          r.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
          r.headers.emplace_back("X-Content-Type-Options", "nosniff");
          if (revalidated) {
            r.status = 304;
            r.content_type.clear();
            return respond(std::move(r));
          }
          r.content_type = avatar.value()->content_type;
          r.body = std::move(avatar.value()->bytes);
          respond(std::move(r));
        });
  }

  // Anything under /{SoftVersion}/Application/ that no call matched.
  void Unrouted(const http::Request& request, http::Responder respond) {
    if (request.path_params.empty() || request.path_params[0].second != kSoftVersion) {
      return respond(Refuse(kBadSoftVersion, "SoftVersion must be 2013-12-26"));
    }
    std::string_view path = request.path;
    std::string_view op = path.substr(path.rfind('/') + 1);
    if (FindOp(op) && path.find("/IM/") != std::string_view::npos) {
      return respond(Refuse(kUsePost, "use POST"));
    }
    respond(Refuse(kUnknownOp, "no such call: " + PercentEncodeUnprintable(request.path)));
  }

  // The calls, in the seed's order; setPersonInfo is our extension (docs/yuntongxun.md).
  void GetFriends(Call& c) {
    UserRef user = Operator(c);
    auto since = Time(c, "timestamp");
    int64_t size = c.params.OptionalInt("size", 1, kMaxPage).value_or(kDefaultPage);
    bool with_removed = Flag(c, "isUpdate");
    bool whole = Flag(c, "isAllPage");
    bool simp = Flag(c, "isSimpUseracc");
    if (c.Failed()) return c.respond(c.Refusal());
    int64_t cursor = since.value_or(0);
    const AppState* state = &c.state;
    size_t limit = whole ? SIZE_MAX : static_cast<size_t>(size);
    auto run = [this, state, user, cursor, with_removed, limit](Callback<FriendList> done) {
      service_.ListFriends(state->app, user, cursor, with_removed, limit, std::move(done));
    };
    ReadAsOperator<FriendList>(
        c, user, run,
        [this, state, respond = std::move(c.respond), cursor, size, whole,
         simp](Result<FriendList> list) mutable {
          if (!list.ok()) return respond(Refuse(list.status()));
          FriendList friends = std::move(list).value();
          size_t n = whole ? friends->size() : std::min(friends->size(), static_cast<size_t>(size));
          int64_t next = cursor;
          std::vector<std::pair<AppId, UserId>> ids;
          ids.reserve(n);
          for (auto f = friends->begin(); ids.size() < n; ++f) {
            ids.emplace_back(f->peer_app, f->peer);
            next = f->updated_ms;
          }
          service_.GetProfiles(
              std::move(ids), [this, state, respond = std::move(respond), friends, n, next,
                               simp](Result<std::vector<UserCache::Entry>> users) mutable {
                if (!users.ok()) return respond(Refuse(users.status()));
                http::JsonWriter w(128 + n * 192);  // about what each entry takes
                std::string acc;                    // Useracc's buffer
                Success(w).Key("timestamp").String(FormatMillis(next, state->settings.offset_min));
                w.Key("friendsList").StartArray();
                auto f = friends->begin();
                for (size_t i = 0; i < n; ++i, ++f) {
                  const UserCache::Entry& u = users.value()[i];
                  w.StartObject();
                  w.Key("useracc").String(Useracc(*state, f->peer_app, f->peer_account, simp, acc));
                  w.Key("remarkName").String(Or(f->alias));
                  w.Key("nickName").String(u ? Or(u->profile.name) : "");
                  w.Key("avatar").String(u ? Or(u->profile.icon) : "");
                  w.Key("friendState").String(f->alive ? "1" : "0");
                  w.EndObject();
                }
                w.EndArray().EndObject();
                respond(Counted(Json(w.Take())));
              });
        });
  }

  void FriendMessage(Call& c) {
    UserRef user = Operator(c);
    auto since = Time(c, "timestamp");
    int64_t size = c.params.OptionalInt("size", 1, kMaxPage).value_or(kDefaultPage);
    // The seed's own example sends "order":"0": it reads as the default, oldest first.
    bool newest_first = c.params.OptionalInt("order", 0, 2).value_or(1) == 2;
    bool simp = Flag(c, "isSimpUseracc");
    if (c.Failed()) return c.respond(c.Refusal());
    int64_t cursor = since.value_or(newest_first ? INT64_MAX : 0);
    int64_t empty_next = since.value_or(0);
    const AppState* state = &c.state;
    auto run = [this, state, user, cursor, newest_first,
                size](Callback<std::vector<RequestView>> done) {
      service_.ListRequests(state->app, user, cursor, newest_first, static_cast<size_t>(size),
                            std::move(done));
    };
    ReadAsOperator<std::vector<RequestView>>(
        c, user, run,
        kit::Reply(
            std::move(c.respond), kEnvelope,
            [this, state, empty_next, simp](const std::vector<RequestView>& list) {
              int64_t next = list.empty() ? empty_next : list.back().clock_ms;
              http::JsonWriter w(128 + list.size() * 256);
              std::string acc;  // Useracc's buffer
              Success(w).Key("timestamp").String(FormatMillis(next, state->settings.offset_min));
              w.Key("inviteList").StartArray();
              for (const RequestView& v : list) {
                const FriendRequest& r = v.request;
                // The requester reads a refusal's reason where they wrote their message.
                bool reason = v.sent && r.state == RequestState::kRefused && !r.reply.empty();
                w.StartObject();
                w.Key("friendUseracc")
                    .String(Useracc(*state, v.peer.app, v.peer.account, simp, acc));
                w.Key("message").String(reason ? r.reply : r.message);
                w.Key("source").String(r.source);
                w.Key("isInvited").String(v.sent ? "0" : "1");
                w.Key("dealState").String(r.state == RequestState::kAccepted ? "1" : "0");
                w.Key("avatar").String(Or(v.peer.profile.icon));
                w.EndObject();
              }
              w.EndArray().EndObject();
              return Json(w.Take());
            }));
  }

  void GetPersonInfo(Call& c) { PersonInfo(c, "searchContent", /*friends_only=*/false); }
  void GetFriendInfo(Call& c) { PersonInfo(c, "friendUseracc", /*friends_only=*/true); }

  void AddFriend(Call& c) {
    AddArgs args;
    args.owner = Operator(c);
    args.peer = Account(c, "friendUseracc");
    args.mode = AddMode::kRequest;
    args.message = c.params.Optional("message", 256).value_or("");
    args.source = c.params.Optional("source", 64).value_or("");
    if (c.Failed()) return c.respond(c.Refusal());
    service_.Add(c.app(), std::move(args), kit::Reply(std::move(c.respond), kEnvelope));
  }

  void SetFriendRemark(Call& c) {
    UserRef owner = Operator(c);
    UserRef peer = Account(c, "friendUseracc");
    EdgeFields fields;
    if (!c.params.Has("remarkName")) c.Fail(Refuse(kMissingParameter, "remarkName is missing"));
    fields.alias = c.params.Optional("remarkName", 128);
    if (c.Failed()) return c.respond(c.Refusal());
    const AppState* state = &c.state;
    service_.UpdateEdge(c.app(), std::move(owner), std::move(peer), std::move(fields),
                        /*any_row=*/false,
                        kit::Reply(std::move(c.respond), kEnvelope, [this, state](bool) {
                          http::JsonWriter w;
                          Success(w)
                              .Key("timestamp")
                              .String(FormatSeconds(clock_.NowMs(), state->settings.offset_min));
                          w.EndObject();
                          return Json(w.Take());
                        }));
  }

  void SetUserVerify(Call& c) {
    UserRef user = Operator(c);
    if (!c.params.Has("addVerify")) c.Fail(Refuse(kMissingParameter, "addVerify is missing"));
    auto verify = c.params.OptionalInt("addVerify", 0, 1);
    if (c.Failed()) return c.respond(c.Refusal());
    fg::UserUpdate update;
    update.add_policy = verify == 0 ? AddPolicy::kAllowAny : AddPolicy::kNeedConfirm;
    UpdateUser(c, user, std::move(update));
  }

  void GetUserVerify(Call& c) {
    UserRef user = Operator(c);
    if (c.Failed()) return c.respond(c.Refusal());
    const AppState* state = &c.state;
    ReadAsOperator<User>(
        c, user,
        [this, state, user](Callback<User> done) {
          service_.GetUser(state->app, user, std::move(done));
        },
        kit::Reply(std::move(c.respond), kEnvelope, [](const User& u) {
          http::JsonWriter w;
          // deny_any (set through another dialect) needs verification too: no one gets in.
          Success(w).Key("addVerify").String(u.add_policy == AddPolicy::kAllowAny ? "0" : "1");
          w.EndObject();
          return Json(w.Take());
        }));
  }

  void FriendAgree(Call& c) { Answer(c, fg::Answer::kAccept); }
  void FriendRefuse(Call& c) { Answer(c, fg::Answer::kRefuse); }

  void DelFriend(Call& c) {
    DeleteArgs args;
    args.owner = Operator(c);
    args.peer = Account(c, "friendUseracc");
    args.both = Flag(c, "allDel");
    if (c.Failed()) return c.respond(c.Refusal());
    service_.Delete(c.app(), std::move(args), kit::Reply(std::move(c.respond), kEnvelope));
  }

  void ImportFriends(Call& c) {
    std::optional<http::JsonValue> list = c.body->Find("friendsList");
    if (!list || list->IsNull()) {
      return c.respond(Refuse(kMissingParameter, "friendsList is missing"));
    }
    if (list->type() != http::JsonType::kArray || list->size() == 0 ||
        list->size() > kMaxImportPairs) {
      return c.respond(Refuse(kBadParameter, "friendsList must be an array of 1 to 1000 pairs"));
    }
    std::vector<std::pair<UserRef, UserRef>> pairs;
    pairs.reserve(list->size());
    for (size_t i = 0; i < list->size(); ++i) {
      http::JsonValue item = list->item(i);
      std::string label = "friendsList[" + std::to_string(i) + "]";
      if (item.type() != http::JsonType::kObject) {
        return c.respond(Refuse(kBadParameter, label + " must be an object"));
      }
      UserRef refs[2];
      for (int side = 0; side < 2; ++side) {
        std::string name = label + (side == 0 ? ".useracc" : ".friendUseracc");
        auto value = item.Find(side == 0 ? "useracc" : "friendUseracc");
        if (!value || value->IsNull()) {
          return c.respond(Refuse(kMissingParameter, name + " is missing"));
        }
        std::string text;
        if (auto str = value->AsString()) {
          text = std::string(*str);
        } else if (auto number = value->AsInt()) {
          text = std::to_string(*number);
        } else {
          return c.respond(Refuse(kBadParameter, name + " must be a string"));
        }
        ParsedRef parsed = ParseUseracc(c.state, text, name);
        if (!parsed) return c.respond(Refuse(parsed.code, parsed.message));
        refs[side] = std::move(parsed.ref);
      }
      pairs.emplace_back(std::move(refs[0]), std::move(refs[1]));
    }
    service_.ImportFriends(c.app(), std::move(pairs), kit::Reply(std::move(c.respond), kEnvelope));
  }

  void UploadAvatar(Call& c) {
    UserRef user = Operator(c);
    std::string file_name = Required(c, "fileName", 255);
    if (c.Failed()) return c.respond(c.Refusal());
    if (!kit::ExtensionAllowed(file_name)) {
      return c.respond(Refuse(kBadImage, "fileName must end in .jpg, .jpeg, .gif, .png or .bmp"));
    }
    if (static_cast<int64_t>(c.bytes.size()) > c.state.settings.max_avatar_bytes) {
      return c.respond(
          Refuse(kImageTooLarge, "the image is larger than " +
                                     std::to_string(c.state.settings.max_avatar_bytes) + " bytes"));
    }
    auto type = kit::SniffImage(c.bytes);
    if (!type) {
      return c.respond(Refuse(kBadImage, "the body is not a jpg, gif, png or bmp image"));
    }
    Avatar avatar;
    avatar.key = RandomHex(16);
    avatar.content_type = std::string(type->content_type);
    avatar.bytes = std::string(c.bytes);
    std::string base = c.state.settings.public_url;
    if (base.empty()) {
      // The address the client reached us at (HTTP/1.1 requires Host; the server checks).
      constexpr kit::CharSet kHostChars("a-zA-Z0-9.:[]_-");
      std::string_view host = c.host;
      if (host.empty() || host.size() > 255 || !std::all_of(host.begin(), host.end(), [&](char ch) {
            return kHostChars.Contains(ch);
          })) {
        return c.respond(
            Refuse(kBadParameter, "the Host header is not a host name; set public_url"));
      }
      base = "http://" + std::string(host);
    }
    std::string url = base + "/avatars/" + avatar.key + "." + std::string(type->extension);
    const AppState* state = &c.state;
    service_.SetAvatar(
        c.app(), std::move(user), std::move(avatar), url,
        kit::Reply(std::move(c.respond), kEnvelope, [state, url](const Avatar& a) {
          http::JsonWriter w;
          Success(w).Key("avatar").String(url);
          w.Key("updateTime").String(FormatMillis(a.updated_ms, state->settings.offset_min));
          w.EndObject();
          return Json(w.Take());
        }));
  }

  void GetUserAvatar(Call& c) {
    UserRef user = Operator(c);
    auto known = Time(c, "updateTime");
    if (c.Failed()) return c.respond(c.Refusal());
    const AppState* state = &c.state;
    ReadAsOperator<Person>(
        c, user,
        [this, state, user](Callback<Person> done) {
          service_.GetPeople(
              state->app, std::nullopt, {user},
              [user, done = std::move(done)](Result<std::vector<std::optional<Person>>> people) {
                if (!people.ok()) return done(people.status());
                if (!people.value()[0]) return done(UserNotFound(user.account));
                done(std::move(*people.value()[0]));
              });
        },
        kit::Reply(std::move(c.respond), kEnvelope, [state, known](const Person& p) {
          int64_t time = p.user.icon_ms;
          http::JsonWriter w;
          Success(w);
          // The caller holds this one already: nothing to send.
          if (known != time) w.Key("avatar").String(Or(p.user.profile.icon));
          w.Key("updateTime").String(FormatMillis(time, state->settings.offset_min));
          w.EndObject();
          return Json(w.Take());
        }));
  }

  void BatchGetUserAvatar(Call& c) {
    // A JSON array only: the reader would parse a string's text as one.
    std::optional<http::JsonValue> given = c.body->Find("useraccList");
    if (!given || given->IsNull()) {
      return c.respond(Refuse(kMissingParameter, "useraccList is missing"));
    }
    if (given->type() != http::JsonType::kArray) {
      return c.respond(Refuse(kBadParameter, "useraccList must be an array of 1 to 100 strings"));
    }
    auto list = c.params.RequiredArray("useraccList", kMaxBatchAvatars, kMaxUseraccChars);
    bool simp = Flag(c, "isSimpUseracc");
    if (c.Failed()) return c.respond(c.Refusal());
    std::vector<UserRef> users;
    for (size_t i = 0; i < list.size(); ++i) {
      auto ref = ParseUseracc(c.state, list[i], "useraccList[" + std::to_string(i) + "]");
      if (!ref) return c.respond(Refuse(ref.code, ref.message));
      users.push_back(std::move(ref.ref));
    }
    const AppState* state = &c.state;
    service_.GetPeople(
        c.app(), std::nullopt, users,
        [this, state, users, simp, respond = std::move(c.respond)](
            Result<std::vector<std::optional<Person>>> people) mutable {
          if (!people.ok()) return respond(Refuse(people.status()));
          for (size_t i = 0; i < users.size(); ++i) {
            if (!people.value()[i]) return respond(Refuse(UserNotFound(users[i].account)));
          }
          http::JsonWriter w;
          std::string acc;  // Useracc's buffer
          Success(w).Key("avatarList").StartArray();
          for (const auto& p : people.value()) {
            w.StartObject();
            w.Key("useracc").String(Useracc(*state, p->user.app, p->user.account, simp, acc));
            w.Key("avatar").String(Or(p->user.profile.icon));
            w.Key("updateTime").String(FormatMillis(p->user.icon_ms, state->settings.offset_min));
            w.EndObject();
          }
          w.EndArray().EndObject();
          respond(Counted(Json(w.Take())));
        });
  }

  // Our extension in the vendor's style: the profile fields the seed's getPersonInfo shows.
  void SetPersonInfo(Call& c) {
    UserRef user = Operator(c);
    fg::UserUpdate update;
    update.profile.name = c.params.Optional("nickName", 64);
    update.profile.sign = c.params.Optional("sign", 256);
    update.profile.region = c.params.Optional("region", 128);
    update.profile.birth = c.params.Optional("birthDay", 32);
    update.profile.mobile = c.params.Optional("phoneNumber", 32);
    if (auto sex = c.params.OptionalInt("sex", 0, 2))
      update.profile.gender = static_cast<int>(*sex);
    if (c.Failed()) return c.respond(c.Refusal());
    UpdateUser(c, user, std::move(update));
  }

 private:
  struct ParsedRef {
    explicit operator bool() const { return code == 0; }
    UserRef ref;
    int code = 0;  // a statusCode when it failed
    std::string message;
  };

  // A useracc: "appId#account" naming this app or a linked one, or a bare account (this app;
  // the seed's own uploadAvatar example sends one).
  ParsedRef ParseUseracc(const AppState& caller, std::string_view text,
                         const std::string& label) const {
    ParsedRef out;
    size_t hash = text.find('#');
    std::string_view account = hash == std::string_view::npos ? text : text.substr(hash + 1);
    if (account.empty() || account.size() > kMaxAccountChars ||
        !std::all_of(account.begin(), account.end(),
                     [](char ch) { return kAccountChars.Contains(ch); })) {
      out.code = kBadParameter;
      out.message = label + " must be appId#account, the account 1 to 64 of " +
                    std::string(kAccountChars.spec());
      return out;
    }
    AppId app = 0;
    if (hash == std::string_view::npos && Reaches(caller, apps_.Find(AsciiLowerCase(text)))) {
      // "appId#account" in a query string with '#' not encoded: the client cut it at the '#'
      // (a URL fragment), and an appId alone would be taken for an account.
      out.code = kBadParameter;
      out.message = label + " is an appId with no account: write '#' as %23 in a query string";
      return out;
    }
    if (hash != std::string_view::npos) {
      const AppState* owner = apps_.Find(AsciiLowerCase(text.substr(0, hash)));
      if (!Reaches(caller, owner)) {
        out.code = kUnlinkedApp;
        out.message = label + " names an appId that is not this app or linked to it";
        return out;
      }
      if (owner != &caller) app = owner->app.id;
    }
    out.ref = UserRef(app, std::string(account));
    return out;
  }

  // Whether `caller` may name users of `app`: its own, or an app of its link group. Other apps,
  // configured or not, are alike to a caller (nothing tells it which appIds exist).
  static bool Reaches(const AppState& caller, const AppState* app) {
    return app &&
           (app == &caller || (caller.app.group &&
                               std::any_of(caller.app.group->begin(), caller.app.group->end(),
                                           [&](const auto& g) { return g.first == app->app.id; })));
  }

  // A required useracc field.
  UserRef Account(Call& c, const std::string& name) {
    std::string text = Required(c, name, kMaxUseraccChars);
    if (c.Failed()) return {};
    ParsedRef parsed = ParseUseracc(c.state, text, name);
    if (!parsed) c.Fail(Refuse(parsed.code, parsed.message));
    return parsed.ref;
  }
  // The caller's account: Yuntongxun accounts exist from their first call, so a write creates it
  // inside its own job (UserRef::Acting) and a read by a new account first makes sure it exists
  // (ReadAsOperator).
  UserRef Operator(Call& c) { return UserRef::Acting(Account(c, "useracc")); }

  // A required text field: absent, null or "" is its own statusCode (the reader would call ""
  // missing but answer it as an invalid parameter).
  std::string Required(Call& c, std::string_view name, size_t max_chars) {
    std::optional<std::string> text;
    if (c.params.Has(name)) text = c.params.Optional(name, max_chars);
    if (!c.Failed() && (!text || text->empty())) {
      c.Fail(Refuse(kMissingParameter, std::string(name) + " is missing"));
    }
    return text.value_or("");
  }

  // A 0|1 flag, 0 when absent.
  bool Flag(Call& c, std::string_view name) { return c.params.OptionalInt(name, 0, 1) == 1; }

  // A time in the app's zone ("yyyy-MM-dd HH:mm:ss.SSS"); absent or "" is nullopt.
  std::optional<int64_t> Time(Call& c, std::string_view name) {
    auto text = c.params.Optional(name, 32);
    if (!text || text->empty()) return std::nullopt;
    int offset = c.state.settings.offset_min;
    // The time 0 (an empty list's cursor) in a zone behind UTC falls before 1970 locally.
    if (*text == FormatMillis(0, offset)) return 0;
    auto ms = ParseMillis(*text, offset);
    if (!ms) {
      c.Fail(Refuse(kBadParameter, std::string(name) + " must be yyyy-MM-dd HH:mm:ss.SSS"));
      return std::nullopt;
    }
    return ms;
  }

  // An account as answers write it: "appId#account", or bare for the caller's own app with
  // isSimpUseracc (and for an app with no Yuntongxun appId). A view of `account`, or of `buffer`
  // holding the composed text.
  std::string_view Useracc(const AppState& caller, AppId app, std::string_view account, bool simp,
                           std::string& buffer) const {
    const std::string* app_id = &caller.settings.app_id;
    if (app == caller.app.id) {
      if (simp) return account;
    } else if (auto it = app_ids_.find(app); it != app_ids_.end()) {
      app_id = &it->second;
    } else {
      return account;
    }
    buffer.assign(*app_id).append(1, '#').append(account);
    return buffer;
  }

  static http::Response Counted(http::Response r) {
    return kit::Counted(kEnvelope, std::move(r), Code::kOk);
  }

  // Runs the read `run` for the operator's call. A new operator gets kUserNotFound from it (the
  // read's only user that can be missing: `run` reports nothing else as kUserNotFound), so this
  // makes sure the operator exists (Yuntongxun creates accounts on their first call) and runs it
  // once more.
  template <typename T, typename Run, typename Done>
  void ReadAsOperator(Call& c, const UserRef& op, Run run, Done done) {
    const AppContext* app = &c.app();
    auto retry = [this, app, op, run, done](Result<T> result) mutable {
      if (result.ok() || result.status().code() != Code::kUserNotFound) {
        return done(std::move(result));
      }
      service_.EnsureUser(*app, op,
                          [run = std::move(run), done = std::move(done),
                           first = result.status()](Result<User> user) mutable {
                            if (!user.ok()) return done(Result<T>(first));
                            run(Callback<T>(std::move(done)));
                          });
    };
    run(Callback<T>(std::move(retry)));
  }

  void Answer(Call& c, fg::Answer answer) {
    UserRef recipient = Operator(c);
    UserRef requester = Account(c, "friendUseracc");
    std::string reason =
        answer == fg::Answer::kRefuse ? c.params.Optional("message", 256).value_or("") : "";
    if (c.Failed()) return c.respond(c.Refusal());
    service_.Respond(c.app(), std::move(recipient), std::move(requester), answer, std::move(reason),
                     kit::Reply(std::move(c.respond), kEnvelope));
  }

  void UpdateUser(Call& c, const UserRef& user, fg::UserUpdate update) {
    service_.UpdateUser(c.app(), user, std::move(update),
                        kit::Reply(std::move(c.respond), kEnvelope));
  }

  void PersonInfo(Call& c, std::string_view target_field, bool friends_only) {
    UserRef viewer = Operator(c);
    UserRef target = Account(c, std::string(target_field));
    bool simp = Flag(c, "isSimpUseracc");
    if (c.Failed()) return c.respond(c.Refusal());
    const AppState* state = &c.state;
    auto reply = kit::Reply(
        std::move(c.respond), kEnvelope, [this, state, simp, friends_only](const Person& p) {
          const Profile& profile = p.user.profile;
          bool alive = p.edge && p.edge->alive;
          http::JsonWriter w;
          std::string acc;  // Useracc's buffer
          Success(w).Key("useracc").String(Useracc(*state, p.user.app, p.user.account, simp, acc));
          w.Key("phoneNumber").String(Or(profile.mobile));
          w.Key("nickName").String(Or(profile.name));
          w.Key("region").String(Or(profile.region));
          w.Key("sign").String(Or(profile.sign));
          w.Key("avatar").String(Or(profile.icon));
          if (!friends_only) w.Key("state").String(alive ? "1" : "0");
          w.Key("birthDay").String(Or(profile.birth));
          int gender = profile.gender.value_or(0);
          w.Key("sex").String(gender == 1 ? "1" : gender == 2 ? "2" : "");
          w.Key("remarkName").String(alive ? Or(p.edge->fields.alias) : "");
          w.EndObject();
          return Json(w.Take());
        });
    // Only a missing viewer fails GetPeople with kUserNotFound. A missing target is answered
    // after ReadAsOperator, so that it never sets off ReadAsOperator's retry.
    using People = std::vector<std::optional<Person>>;
    ReadAsOperator<People>(
        c, viewer,
        [this, state, viewer, target](Callback<People> done) {
          service_.GetPeople(state->app, viewer, {target}, std::move(done));
        },
        [target, friends_only, reply = std::move(reply)](Result<People> people) mutable {
          if (!people.ok()) return reply(Result<Person>(people.status()));
          if (!people.value()[0]) return reply(Result<Person>(UserNotFound(target.account)));
          Person& p = *people.value()[0];
          if (friends_only && !(p.edge && p.edge->alive)) {
            return reply(Result<Person>(
                Status(Code::kNotFriends, "'" + p.user.account + "' is not a friend")));
          }
          reply(Result<Person>(std::move(p)));
        });
  }

  // On success points `state` at the caller's app; otherwise fills `refusal`. Every check
  // before the sig answers without touching any state, so that only holders of the token can
  // spend the app's rate limit.
  bool Authenticate(const http::Request& request, const http::Params& query, const AppState*& state,
                    http::Response& refusal) {
    const auto& path = request.path_params;  // version (checked by Serve), appId, op
    int count = request.HeaderCount("authorization");
    if (count != 1) {
      refusal =
          Refuse(count ? kBadAuthorization : kNoAuthorization,
                 count ? "Authorization header is repeated" : "Authorization header is missing");
      return false;
    }
    auto auth = ParseAuthorization(*request.Header("authorization"));
    if (!auth) {
      refusal = Refuse(kBadAuthorization, "Authorization must be Base64 of appId:yyyyMMddHHmmss");
      return false;
    }
    // An appId matches in either case (it is hex); the sig is over the appId as the client sent
    // it, since that is the one its SDK signed.
    AppState* app = apps_.Find(AsciiLowerCase(path[1].second));
    if (!app) {
      refusal = Refuse(kUnknownApp, "unknown appId");
      return false;
    }
    if (AsciiLowerCase(auth->app_id) != app->settings.app_id) {
      refusal = Refuse(kAppMismatch, "the appId of the Authorization header is not the path's");
      return false;
    }
    auto seconds = ParseCompactSeconds(auth->timestamp, app->settings.offset_min);
    if (!seconds) {
      refusal = Refuse(kBadTimestamp, "the timestamp must be yyyyMMddHHmmss");
      return false;
    }
    if (!kit::WithinWindow(*seconds, clock_.NowMs() / 1000, kMaxSkewSeconds)) {
      refusal =
          Refuse(kStaleTimestamp, "the timestamp is more than 24 hours from the server's time");
      return false;
    }
    auto sig = query.Get("sig");
    if (!sig || sig->empty()) {
      refusal = Refuse(kNoSig, "sig is missing");
      return false;
    }
    if (!SigMatches(*sig, auth->app_id, app->settings.app_token, auth->timestamp)) {
      refusal = Refuse(kBadSig, "sig does not match");
      return false;
    }
    if (!app->limiter.Allow()) {
      refusal = Refuse(kRateLimited, "too many calls: this app is blocked for 10 seconds");
      return false;
    }
    state = app;
    return true;
  }

 public:
  static std::optional<Op> FindOp(std::string_view name);

 private:
  FriendService& service_;
  Clock& clock_;
  kit::AppRegistry<AppState> apps_;
  std::unordered_map<AppId, std::string> app_ids_;  // core app id → Yuntongxun appId
};

// The calls, at a glance.
constexpr std::pair<std::string_view, Dialect::Op> kOps[] = {
    {"getFriends", &Dialect::GetFriends},
    {"friendMessage", &Dialect::FriendMessage},
    {"getPersonInfo", &Dialect::GetPersonInfo},
    {"addFriend", &Dialect::AddFriend},
    {"setFriendRemark", &Dialect::SetFriendRemark},
    {"setUserVerify", &Dialect::SetUserVerify},
    {"friendAgree", &Dialect::FriendAgree},
    {"friendRefuse", &Dialect::FriendRefuse},
    {"delFriend", &Dialect::DelFriend},
    {"getFriendInfo", &Dialect::GetFriendInfo},
    {"importFriends", &Dialect::ImportFriends},
    {"uploadAvatar", &Dialect::UploadAvatar},
    {"getUserAvatar", &Dialect::GetUserAvatar},
    {"batchGetUserAvatar", &Dialect::BatchGetUserAvatar},
    {"getUserVerify", &Dialect::GetUserVerify},
    {"setPersonInfo", &Dialect::SetPersonInfo},
};

std::optional<Dialect::Op> Dialect::FindOp(std::string_view name) {
  for (auto [op_name, op] : kOps) {
    if (op_name == name) return op;
  }
  return std::nullopt;
}

}  // namespace

const kit::ErrorTable& YuntongxunErrors() { return kErrors; }

void Register(http::Router& router, FriendService& service, Clock& clock,
              const std::vector<YuntongxunApp>& apps) {
  auto dialect = std::make_shared<Dialect>(service, clock);
  int64_t max_avatar = 0;
  for (const auto& app : apps) {
    dialect->AddApp(app);
    max_avatar = std::max(max_avatar, app.settings.max_avatar_bytes);
  }
  auto serve = [dialect](const http::Request& req, http::Responder respond) {
    auto op = Dialect::FindOp(req.path_params.size() == 3 ? req.path_params[2].second : "");
    if (!op) return dialect->Unrouted(req, std::move(respond));
    dialect->Serve(req, std::move(respond), *op);
  };
  // uploadAvatar's body is the image: its own limit, the largest any app allows. Its path has
  // no {op} parameter, so the call is named here.
  router.Add("POST", "/{version}/Application/{appId}/IM/uploadAvatar",
             [dialect](const http::Request& req, http::Responder respond) {
               dialect->Serve(req, std::move(respond), &Dialect::UploadAvatar);
             },
             {static_cast<size_t>(std::max<int64_t>(max_avatar, 1)), [max_avatar] {
                return Refuse(kImageTooLarge,
                              "the image is larger than " + std::to_string(max_avatar) + " bytes");
              }});
  // A body over the server's body_limit is answered in the envelope too: clients read only it.
  router.Add("POST", "/{version}/Application/{appId}/IM/{op}", serve,
             {0, [] { return Refuse(kBodyTooLarge, "the request body is too large"); }});
  router.Add("*", "/{version}/Application/*",
             [dialect](const http::Request& req, http::Responder respond) {
               dialect->Unrouted(req, std::move(respond));
             },
             {0, [] { return Refuse(kBodyTooLarge, "the request body is too large"); }});
  auto avatar = [dialect](const http::Request& req, http::Responder respond) {
    dialect->ServeAvatar(req, std::move(respond));
  };
  router.Add("GET", "/avatars/{file}", avatar);
  router.Add("HEAD", "/avatars/{file}", avatar);
}

}  // namespace fg::yuntongxun
