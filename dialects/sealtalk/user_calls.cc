// The /user calls: accounts, sessions, profile, privacy, blacklist and finding users. Texts and
// codes are the peer's (docs/sealtalk.md).
#include <sodium.h>
#include <spdlog/spdlog.h>

#include "base/encoding.h"
#include "dialects/sealtalk/calls.h"
#include "http/client.h"
#include "http/form.h"

namespace fg::sealtalk {
namespace {

constexpr kit::CharSet kUuidChars("0-9a-fA-F-");
constexpr size_t kMaxRegionChars = 5;
constexpr size_t kMaxPhoneChars = 15;
constexpr size_t kNicknameMax = 32;
constexpr size_t kPasswordMin = 6;
constexpr size_t kPasswordMax = 20;
constexpr size_t kPortraitMin = 12;
constexpr size_t kPortraitMax = 256;
constexpr size_t kStAccountMin = 6;
constexpr size_t kStAccountMax = 20;

// A phone of the region: in "86" a mainland mobile number (1[3-9] and 9 digits, what the peer's
// validator.isMobilePhone(…, 'zh-CN') takes); elsewhere 4 to 15 digits.
bool ValidPhone(std::string_view region, std::string_view phone) {
  if (region.empty() || phone.size() < 4) return false;
  if (region != kDefaultRegion) return true;  // digits and lengths were read already
  return phone.size() == 11 && phone[0] == '1' && phone[1] >= '3';
}

// The peer's password rule: 6 to 20 characters, no space. Empty when it holds, else the text.
std::string_view PasswordProblem(const std::string& password, std::string_view space,
                                 std::string_view length) {
  if (password.find(' ') != std::string::npos) return space;
  size_t chars = 0;
  for (unsigned char ch : password) chars += (ch & 0xC0) != 0x80;
  if (chars < kPasswordMin || chars > kPasswordMax) return length;
  return {};
}

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if ((text[i] == '-') != dash) return false;
  }
  return true;
}

// A new account for a user who signs up here: SealTalk users have none, and the account is the
// name other dialects know them by. "st" and 12 random lower-case hex digits.
std::string NewAccount() {
  unsigned char b[6];
  randombytes_buf(b, sizeof b);
  return "st" + HexEncode(std::string_view(reinterpret_cast<const char*>(b), sizeof b));
}

std::string PhoneKey(const std::string& region, const std::string& phone) {
  return region + "/" + phone;
}

// Reads `password` and `verification_token` (register, reset_password), checks them as the peer
// does, and takes the token: the phone key it was issued for ("86/138…"), or nullopt after
// answering what is wrong.
std::optional<std::string> TakeToken(const CallPtr& c, kit::ParamReader& p, std::string& password) {
  password = p.Required("password", kPasswordMax * 4);
  std::string token = p.Required("verification_token", 36, kUuidChars);
  if (!p.ok()) {
    c->Answer(BadParameter(p));
    return std::nullopt;
  }
  if (auto problem =
          PasswordProblem(password, "Password must have no space.", "Length of password invalid.");
      !problem.empty()) {
    c->Answer(ErrorAnswer(400, problem));
    return std::nullopt;
  }
  if (!IsUuid(token)) {
    c->Answer(ErrorAnswer(400, "Invalid verification_token."));
    return std::nullopt;
  }
  auto phone_key = c->app.codes.TakeToken(token);
  if (!phone_key) c->Answer(ErrorAnswer(404, "Unknown verification_token."));
  return phone_key;
}

http::Response WithCookie(http::Response r, std::string set_cookie) {
  r.headers.emplace_back("Set-Cookie", std::move(set_cookie));
  return r;
}

}  // namespace

void Calls::SendCode(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string region = NormalRegion(p.Required("region", kMaxRegionChars, kDigits));
  std::string phone = p.Required("phone", kMaxPhoneChars, kDigits);
  if (!p.ok() || !ValidPhone(region, phone)) {
    return c->Answer(ErrorAnswer(400, "Invalid region and phone number."));
  }
  const SealtalkSettings& s = c->app.settings;
  if (!s.sms_webhook && s.dev_verification_code.empty()) {
    return c->Answer(ErrorAnswer(503, "SMS is not configured."));
  }
  bool limited = c->app.CodesLimited();
  if (limited && c->app.address_sends.Locked(c->client)) {
    return c->Answer(ErrorAnswer(429, "Too many requests."));
  }
  std::string code;
  switch (c->app.codes.Send(PhoneKey(region, phone), &code)) {
    case VerificationCodes::SendResult::kTooSoon:
      return c->Answer(CodeAnswer(kTooSoon));
    case VerificationCodes::SendResult::kFull:
      return c->Answer(ErrorAnswer(429, "Too many requests."));
    case VerificationCodes::SendResult::kSent:
      break;
  }
  if (limited) c->app.address_sends.Failed(c->client);  // counts sends, failed or not
  if (s.sms_webhook && !c->app.sms->Send(*s.sms_webhook, region, phone, code)) {
    c->app.codes.Discard(PhoneKey(region, phone));  // never delivered: never checkable
    return c->Answer(ErrorAnswer(503, "Try again later."));
  }
  c->Answer(OkAnswer());
}

void Calls::VerifyCode(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string region = NormalRegion(p.Required("region", kMaxRegionChars, kDigits));
  std::string phone = p.Required("phone", kMaxPhoneChars, kDigits);
  std::string code = p.Required("code", 6, kDigits);
  if (!p.ok()) return c->Answer(BadParameter(p));
  bool limited = c->app.CodesLimited();
  if (limited && c->app.address_guesses.Locked(c->client)) {
    return c->Answer(ErrorAnswer(429, "Too many requests."));
  }
  std::string token;
  switch (c->app.codes.Check(PhoneKey(region, phone), code, &token)) {
    case VerificationCodes::CheckResult::kOk: {
      http::JsonWriter w;
      w.StartObject().Key("verification_token").String(token).EndObject();
      return c->Answer(ResultAnswer(w));
    }
    case VerificationCodes::CheckResult::kWrong:
      if (limited) c->app.address_guesses.Failed(c->client);
      return c->Answer(CodeAnswer(kUnknownPhone));
    case VerificationCodes::CheckResult::kExpired:
      return c->Answer(CodeAnswer(kCodeExpired));
    case VerificationCodes::CheckResult::kUnknown:
      return c->Answer(ErrorAnswer(404, "Unknown phone number."));
    case VerificationCodes::CheckResult::kFull:
      return c->Answer(ErrorAnswer(429, "Too many requests."));
  }
}

void Calls::SignUp(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string nickname = p.Required("nickname", kNicknameMax);
  if (!p.ok()) return c->Answer(ErrorAnswer(400, "Length of nickname invalid."));
  std::string password;
  auto phone_key = TakeToken(c, p, password);
  if (!phone_key) return;
  size_t slash = phone_key->find('/');
  NewUser user;
  user.account = NewAccount();
  user.profile.name = std::move(nickname);
  user.profile.region = phone_key->substr(0, slash);
  user.profile.mobile = phone_key->substr(slash + 1);
  user.add_policy = AddPolicy::kNeedConfirm;
  user.unique_phone = true;
  Offload(c, [self = shared_from_this(), c, user = std::move(user),
              password = std::move(password)]() mutable {
    auto hash = kit::HashPassword(password);
    if (!hash.ok()) return c->Answer(RefuseAnswer(hash.status()));
    user.password_hash = std::move(hash).value();
    self->service_.CreateUser(c->app.app, std::move(user), [self, c](Result<User> created) {
      // kAlreadyExists: the phone is taken (a random account taken too is one chance in 2^48).
      if (!created.ok() && created.status().code() == Code::kAlreadyExists) {
        return c->Answer(ErrorAnswer(400, "Phone number has already existed."));
      }
      if (!created.ok()) return c->Answer(RefuseAnswer(created.status()));
      http::JsonWriter w;
      w.StartObject().Key("id").String(self->IdOf(*created)).EndObject();
      c->Answer(WithCookie(ResultAnswer(w), c->app.cookies.Issue(c->app.app.id, *created)));
    });
  });
}

void Calls::Login(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string region = NormalRegion(p.Required("region", kMaxRegionChars, kDigits));
  std::string phone = p.Required("phone", kMaxPhoneChars, kDigits);
  std::string password = p.Required("password", kPasswordMax * 4);
  if (!p.ok()) return c->Answer(BadParameter(p));
  if (!ValidPhone(region, phone)) {
    return c->Answer(ErrorAnswer(400, "Invalid region and phone number."));
  }
  std::string phone_key = std::to_string(c->app.app.id) + "/" + PhoneKey(region, phone);
  std::string address_key = std::to_string(c->app.app.id) + "/" + c->client;
  if (phone_logins_.Locked(phone_key) || address_logins_.Locked(address_key)) {
    return c->Answer(ErrorAnswer(429, "Too many failed logins: try again in a minute."));
  }
  service_.ListUsersByMobile(
      c->app.app, {phone}, kMaxUsersPerPhone,
      [self = shared_from_this(), c, region, password = std::move(password),
       phone_key = std::move(phone_key),
       address_key = std::move(address_key)](Result<std::vector<std::vector<User>>> found) {
        if (!found.ok()) return c->Answer(RefuseAnswer(found.status()));
        const User* user = ByPhone(found.value()[0], region);
        if (!user) return c->Answer(CodeAnswer(kUnknownPhone));
        self->Offload(c, [self, c, user = *user, password, phone_key, address_key] {
          // Again here: guesses sent in parallel all passed the first check.
          if (self->phone_logins_.Locked(phone_key) || self->address_logins_.Locked(address_key)) {
            return c->Answer(ErrorAnswer(429, "Too many failed logins: try again in a minute."));
          }
          if (!kit::VerifyPassword(user.password_hash, password)) {
            self->phone_logins_.Failed(phone_key);
            self->address_logins_.Failed(address_key);
            return c->Answer(CodeAnswer(kWrongPassword));
          }
          self->phone_logins_.Succeeded(phone_key);
          if (user.disabled) return c->Answer(RefuseAnswer({Code::kUserDisabled, ""}));
          http::JsonWriter w;
          w.StartObject().Key("id").String(self->IdOf(user));
          w.Key("token").String(user.token).EndObject();
          c->Answer(WithCookie(ResultAnswer(w), c->app.cookies.Issue(c->app.app.id, user)));
        });
      });
}

void Calls::Logout(const CallPtr& c) {
  UserUpdate update;
  update.revoke_tokens = true;
  service_.UpdateUser(c->app.app, c->me.account, std::move(update), [c](Result<User> r) {
    if (!r.ok()) return c->Answer(RefuseAnswer(r.status()));
    c->Answer(WithCookie(OkAnswer(), c->app.cookies.Clear()));
  });
}

void Calls::ChangePassword(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string old_password = p.Required("oldPassword", kPasswordMax * 4);
  std::string new_password = p.Required("newPassword", kPasswordMax * 4);
  if (!p.ok()) return c->Answer(BadParameter(p));
  if (auto problem = PasswordProblem(new_password, "New password must have no space.",
                                     "Invalid new password length.");
      !problem.empty()) {
    return c->Answer(ErrorAnswer(400, problem));
  }
  std::string key = std::to_string(c->app.app.id) + "/" + c->me.account;
  if (phone_logins_.Locked(key)) {
    return c->Answer(ErrorAnswer(429, "Too many failed logins: try again in a minute."));
  }
  // The user whole: the login's card has no password hash.
  service_.GetUser(
      c->app.app, c->me.account,
      [self = shared_from_this(), c, old_password = std::move(old_password),
       new_password = std::move(new_password), key = std::move(key)](Result<User> me) {
        if (!me.ok()) return c->Answer(RefuseAnswer(me.status()));
        self->Offload(c, [self, c, hash = me->password_hash, old_password, new_password, key] {
          if (!kit::VerifyPassword(hash, old_password)) {
            self->phone_logins_.Failed(key);
            return c->Answer(CodeAnswer(kUnknownPhone));
          }
          self->phone_logins_.Succeeded(key);
          auto new_hash = kit::HashPassword(new_password);
          if (!new_hash.ok()) return c->Answer(RefuseAnswer(new_hash.status()));
          UserUpdate update;
          update.password_hash = std::move(new_hash).value();
          // A new password revokes every cookie (a new epoch): this session gets a fresh one.
          self->service_.UpdateUser(
              c->app.app, c->me.account, std::move(update), [c](Result<User> r) {
                if (!r.ok()) return c->Answer(RefuseAnswer(r.status()));
                c->Answer(WithCookie(OkAnswer(), c->app.cookies.Issue(c->app.app.id, *r)));
              });
        });
      });
}

void Calls::ResetPassword(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string password;
  auto phone_key = TakeToken(c, p, password);
  if (!phone_key) return;
  size_t slash = phone_key->find('/');
  std::string region = phone_key->substr(0, slash);
  std::string phone = phone_key->substr(slash + 1);
  service_.ListUsersByMobile(
      c->app.app, {phone}, kMaxUsersPerPhone,
      [self = shared_from_this(), c, region,
       password = std::move(password)](Result<std::vector<std::vector<User>>> found) {
        if (!found.ok()) return c->Answer(RefuseAnswer(found.status()));
        // The user who signs in with this phone, or, if none does yet, the oldest user with it
        // (made through another dialect): from now on it signs in here.
        const User* user = ByPhone(found.value()[0], region);
        if (!user) return c->Answer(ErrorAnswer(404, "Unknown phone number."));
        self->Offload(c, [self, c, account = user->account, password] {
          auto hash = kit::HashPassword(password);
          if (!hash.ok()) return c->Answer(RefuseAnswer(hash.status()));
          UserUpdate update;
          update.password_hash = std::move(hash).value();
          self->service_.UpdateUser(c->app.app, account, std::move(update), [c](Result<User> r) {
            c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status()));
          });
        });
      });
}

void Calls::SetNickname(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string nickname = p.Required("nickname", kNicknameMax);
  if (!p.ok()) return c->Answer(ErrorAnswer(400, "Length of nickname invalid."));
  UserUpdate update;
  update.profile.name = std::move(nickname);
  UpdateMe(c, std::move(update));
}

void Calls::SetPortraitUri(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string uri = p.Required("portraitUri", kPortraitMax * 4);
  // An http(s) URL with a host, as the peer's validator.isURL(…, require_protocol) wants.
  if (!p.ok() || !http::ParseUrl(uri).ok()) {
    return c->Answer(ErrorAnswer(400, "Invalid portraitUri format."));
  }
  if (uri.size() < kPortraitMin || uri.size() > kPortraitMax) {
    return c->Answer(ErrorAnswer(400, "Invalid portraitUri length."));
  }
  UserUpdate update;
  update.profile.icon = std::move(uri);
  UpdateMe(c, std::move(update));
}

void Calls::SetGender(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string gender = p.Required("gender", 6);
  if (!p.ok() || (gender != "male" && gender != "female")) {
    return c->Answer(ErrorAnswer(400, "Parameter error."));
  }
  UserUpdate update;
  update.profile.gender = gender == "male" ? 1 : 2;
  UpdateMe(c, std::move(update));
}

void Calls::SetStAccount(const CallPtr& c) {
  static constexpr kit::CharSet kStChars("a-zA-Z0-9_-");
  kit::ParamReader p(c->fields());
  std::string number = p.Required("stAccount", kStAccountMax);
  if (!p.ok() || number.size() < kStAccountMin) {
    return c->Answer(ErrorAnswer(400, "Incorrect parameter length."));
  }
  bool letter = (number[0] >= 'a' && number[0] <= 'z') || (number[0] >= 'A' && number[0] <= 'Z');
  for (char ch : number) letter = letter && kStChars.Contains(ch);
  if (!letter) return c->Answer(ErrorAnswer(400, "Not letter beginning or invalid symbol."));
  UserUpdate update;
  update.st_account = std::move(number);
  service_.UpdateUser(c->app.app, c->me.account, std::move(update), [c](Result<User> r) {
    if (!r.ok() && r.status().code() == Code::kAlreadyExists) {
      return c->Answer(CodeAnswer(kUnknownPhone));  // the peer's 1000: taken
    }
    c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status()));
  });
}

void Calls::SetPrivacy(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  auto phone = p.OptionalInt("phoneVerify", 0, 1);
  auto search = p.OptionalInt("stSearchVerify", 0, 1);
  auto verify = p.OptionalInt("friVerify", 0, 1);
  auto group = p.OptionalInt("groupVerify", 0, 1);  // no groups here: read, checked, kept nowhere
  if (!p.ok()) return c->Answer(ErrorAnswer(400, "Illegal parameter ."));
  if (!phone && !search && !verify && !group) {
    return c->Answer(ErrorAnswer(400, "Parameter is empty."));
  }
  UserUpdate update;
  if (phone) update.found_by_phone = *phone == 1;
  if (search) update.found_by_st_account = *search == 1;
  if (verify) update.add_policy = *verify == 1 ? AddPolicy::kNeedConfirm : AddPolicy::kAllowAny;
  UpdateMe(c, std::move(update));
}

void Calls::GetPrivacy(const CallPtr& c) {
  const User& u = c->me;
  http::JsonWriter w;
  w.StartObject().Key("id").String(IdOf(u));
  w.Key("phoneVerify").Int(u.found_by_phone ? 1 : 0);
  w.Key("stSearchVerify").Int(u.found_by_st_account ? 1 : 0);
  w.Key("friVerify").Int(u.add_policy == AddPolicy::kAllowAny ? 0 : 1);
  w.Key("groupVerify").Int(1);
  w.EndObject();
  c->Answer(ResultAnswer(w));
}

void Calls::AddToBlacklist(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string id = p.Required("friendId", 32);
  if (!p.ok()) return c->Answer(BadParameter(p));
  ResolveId(c, id, "friendId is not an available userId.", [this, c](const User& peer) {
    if (peer.id == c->me.id) return c->Answer(ErrorAnswer(400, "Can not blacklist yourself."));
    service_.SetRelation(
        c->app.app, c->me.account, peer.account, Relation::kBlock, true,
        [c](Result<bool> r) { c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status())); });
  });
}

void Calls::RemoveFromBlacklist(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string id = p.Required("friendId", 32);
  if (!p.ok()) return c->Answer(BadParameter(p));
  ResolveId(c, id, "friendId is not an available userId.", [this, c](const User& peer) {
    service_.SetRelation(
        c->app.app, c->me.account, peer.account, Relation::kBlock, false,
        [c](Result<bool> r) { c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status())); });
  });
}

void Calls::Blacklist(const CallPtr& c) {
  size_t limit = static_cast<size_t>(std::max<int64_t>(c->app.app.limits.max_blocks, 1));
  service_.ListRelationsPage(c->app.app, c->me.account, Relation::kBlock, "", limit,
                             [self = shared_from_this(), c](Result<Page<RelationEntry>> page) {
                               if (!page.ok()) return c->Answer(RefuseAnswer(page.status()));
                               std::vector<std::pair<AppId, UserId>> ids;
                               std::vector<int64_t> times;
                               for (const RelationEntry& e : page->items) {
                                 ids.emplace_back(c->app.app.id, e.peer);
                                 times.push_back(e.created_ms);
                               }
                               self->service_.GetProfiles(
                                   std::move(ids),
                                   [self, c, times](Result<std::vector<UserCache::Entry>> users) {
                                     if (!users.ok())
                                       return c->Answer(RefuseAnswer(users.status()));
                                     http::JsonWriter w;
                                     w.StartArray();
                                     for (size_t i = 0; i < users->size(); ++i) {
                                       const UserCache::Entry& u = (*users)[i];
                                       if (!u) continue;
                                       w.StartObject().Key("user").StartObject();
                                       w.Key("id").String(self->IdOf(*u));
                                       w.Key("nickname").String(Or(u->profile.name));
                                       w.Key("portraitUri").String(Or(u->profile.icon));
                                       w.Key("gender").String(GenderOf(*u));
                                       w.Key("stAccount").String(u->st_account);
                                       w.Key("phone").String(Or(u->profile.mobile));
                                       w.Key("updatedAt").String(IsoTime(times[i]));
                                       w.Key("updatedTime").Int(times[i]);
                                       w.EndObject().EndObject();
                                     }
                                     w.EndArray();
                                     c->Answer(ResultAnswer(w));
                                   });
                             });
}

void Calls::FindByPhone(const CallPtr& c) {
  kit::PathFields path(c->path);
  kit::ParamReader p(path);
  std::string region = NormalRegion(p.Required("region", kMaxRegionChars, kDigits));
  std::string phone = p.Required("phone", kMaxPhoneChars, kDigits);
  if (!p.ok() || !ValidPhone(region, phone)) {
    return c->Answer(ErrorAnswer(400, "Invalid region and phone number."));
  }
  service_.ListUsersByMobile(
      c->app.app, {phone}, kMaxUsersPerPhone,
      [self = shared_from_this(), c, region](Result<std::vector<std::vector<User>>> found) {
        if (!found.ok()) return c->Answer(RefuseAnswer(found.status()));
        const User* u = ByPhone(found.value()[0], region);
        if (!u || !u->found_by_phone) return c->Answer(ErrorAnswer(404, "Unknown user."));
        http::JsonWriter w;
        w.StartObject().Key("id").String(self->IdOf(*u));
        w.Key("nickname").String(Or(u->profile.name));
        w.Key("portraitUri").String(Or(u->profile.icon)).EndObject();
        c->Answer(ResultAnswer(w));
      });
}

void Calls::FindUser(const CallPtr& c) {
  auto query = http::ParseForm(c->query);
  if (!query.ok()) return c->Answer(ErrorAnswer(400, "Invalid query string."));
  kit::FormFields fields(query.value());
  kit::ParamReader p(fields);
  auto region = p.Optional("region", kMaxRegionChars, kDigits);
  auto phone = p.Optional("phone", kMaxPhoneChars, kDigits);
  auto number = p.Optional("st_account", kStAccountMax);
  if (!p.ok()) return c->Answer(BadParameter(p));
  if (!region && !phone && !number) return c->Answer(ErrorAnswer(400, "Parameter is empty."));
  auto answer = [self = shared_from_this(), c](const User& u) {
    http::JsonWriter w;
    w.StartObject().Key("id").String(self->IdOf(u));
    w.Key("nickname").String(Or(u.profile.name));
    w.Key("gender").String(GenderOf(u));
    w.Key("portraitUri").String(Or(u.profile.icon));
    w.Key("stAccount").String(u.st_account).EndObject();
    c->Answer(ResultAnswer(w));
  };
  if (phone && !phone->empty()) {
    std::string r = NormalRegion(region.value_or(std::string(kDefaultRegion)));
    if (!ValidPhone(r, *phone)) {
      return c->Answer(ErrorAnswer(400, "Invalid region and phone number."));
    }
    return service_.ListUsersByMobile(c->app.app, {*phone}, kMaxUsersPerPhone,
                                      [c, r, answer](Result<std::vector<std::vector<User>>> found) {
                                        if (!found.ok())
                                          return c->Answer(RefuseAnswer(found.status()));
                                        const User* u = ByPhone(found.value()[0], r);
                                        if (!u || !u->found_by_phone)
                                          return c->Answer(ErrorAnswer(404, "Unknown user."));
                                        answer(*u);
                                      });
  }
  if (!number || number->empty()) return c->Answer(ErrorAnswer(400, "Parameter is empty."));
  service_.GetUserByStAccount(c->app.app, *number, [c, answer](Result<User> u) {
    if (!u.ok() && u.status().code() != Code::kUserNotFound) {
      return c->Answer(RefuseAnswer(u.status()));
    }
    if (!u.ok() || !u->found_by_st_account) return c->Answer(ErrorAnswer(404, "Unknown user."));
    answer(*u);
  });
}

void Calls::GetUser(const CallPtr& c) {
  std::string id = c->path.empty() ? std::string() : c->path[0].second;
  ResolveId(c, id, "Unknown user.", [this, c](const User& u) {
    http::JsonWriter w;
    w.StartObject().Key("id").String(IdOf(u));
    w.Key("nickname").String(Or(u.profile.name));
    w.Key("portraitUri").String(Or(u.profile.icon));
    w.Key("gender").String(GenderOf(u));
    w.Key("stAccount").String(u.st_account);
    // A user who hides from phone searches (phoneVerify 0) shows others no phone here either:
    // else an id found by SealTalk number would give the phone away.
    bool phone = u.found_by_phone || u.id == c->me.id;
    w.Key("phone").String(phone ? Or(u.profile.mobile) : "").EndObject();
    c->Answer(ResultAnswer(w));
  });
}

}  // namespace fg::sealtalk
