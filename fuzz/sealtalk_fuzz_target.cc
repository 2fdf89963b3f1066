// SealTalk's fuzz target: one call of a logged-in user, with a fuzzed method, path and body. The
// input's first line is "<METHOD> <path>" ("POST /friendship/invite", "GET /user/{peer}"), the
// rest is the body. "{me}" and "{peer}" in the line stand for the opaque ids of the two users the
// target makes first ("fuzzer", and "peer" with phone 13800000002). A line starting with '!'
// sends no cookie and one starting with '~' an altered one, so that the refusals are reached
// too; every other input carries the login cookie of "fuzzer" at its current epoch (a fuzzed
// logout does not end the run's logins). The answer must be a success or a business code in
// JSON, or a request error as short plain text, and never a server error.
#include <future>
#include <string>

#include "dialects/common/opaque_id.h"
#include "dialects/sealtalk/login_cookie.h"
#include "dialects/sealtalk/sealtalk_dialect.h"
#include "dialects/sealtalk/sealtalk_plugin.h"
#include "fuzz/fuzz_targets.h"
#include "http/json.h"

namespace fg::fuzz {
namespace {

sealtalk::SealtalkSettings Settings() {
  sealtalk::SealtalkSettings s;
  s.dev_verification_code = "123456";
  return s;
}

// Waits for a core call.
template <typename T, typename Call>
Result<T> Wait(Call call) {
  std::promise<Result<T>> done;
  call([&](Result<T> r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

// The user, made first if it does not exist yet.
User Ensure(FriendService& service, const AppContext& app, const std::string& account,
            const std::string& mobile) {
  auto found = Wait<User>([&](auto cb) { service.GetUser(app, account, cb); });
  if (found.ok()) return found.value();
  NewUser u;
  u.account = account;
  u.profile.mobile = mobile;
  u.profile.name = account;
  auto made = Wait<User>([&](auto cb) { service.CreateUser(app, u, cb); });
  if (!made.ok()) std::abort();  // the fuzz store does not fail
  return made.value();
}

void Replace(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

bool WellFormed(const http::Response& response) {
  if (response.status >= 500) return false;  // storage does not fail here: a bug
  if (response.status != 200) {
    // A short plain text that never echoes the input (it holds no '{' of a JSON body).
    return response.content_type == "text/html; charset=utf-8" && !response.body.empty() &&
           response.body.size() <= 120;
  }
  if (response.content_type != "application/json; charset=utf-8") return false;
  auto doc = http::ParseJson(response.body);
  if (!doc.ok() || doc->root().type() != http::JsonType::kObject) return false;
  auto code = doc->root().Find("code");
  return code && code->AsInt();
}

}  // namespace

const FuzzTarget& SealtalkFuzzTarget() {
  static const sealtalk::SealtalkSettings kSettings = Settings();
  static const kit::OpaqueIds kIds(kInstallationSecret, "sealtalk user");
  static const FuzzTarget target{
      &sealtalk::SealtalkPlugin(), kSettings,
      [](std::string_view input, Clock&, uint64_t) {
        size_t newline = input.find('\n');
        std::string line(input.substr(0, newline));
        std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
        http::Request request;
        if (!line.empty() && (line[0] == '!' || line[0] == '~')) {
          request.headers.emplace_back("x-fuzz-login", line.substr(0, 1));
          line.erase(0, 1);
        }
        size_t space = line.find(' ');
        request.method = line.substr(0, space);
        std::string target = space == std::string::npos ? "/" : line.substr(space + 1);
        size_t question = target.find('?');
        request.path = target.substr(0, question);
        if (question != std::string::npos) request.query = target.substr(question + 1);
        request.body = std::string(rest);
        request.headers.emplace_back("content-type", "application/json");
        request.client = "127.0.0.1";
        return request;
      },
      &WellFormed,
      [](http::Request& request, FriendService& service, const AppContext& app, Clock& clock) {
        User me = Ensure(service, app, "fuzzer", "13800000001");
        User peer = Ensure(service, app, "peer", "13800000002");
        std::string me_id = kIds.Encode(static_cast<uint64_t>(me.id));
        std::string peer_id = kIds.Encode(static_cast<uint64_t>(peer.id));
        Replace(request.path, "{me}", me_id);
        Replace(request.path, "{peer}", peer_id);
        Replace(request.body, "{me}", me_id);
        Replace(request.body, "{peer}", peer_id);
        std::string login(request.Header("x-fuzz-login").value_or(""));
        if (login == "!") return;
        static const sealtalk::LoginCookies cookies(kInstallationSecret, kSettings.cookie, clock);
        std::string set = cookies.Issue(app.id, me);
        std::string cookie = set.substr(0, set.find(';'));
        if (login == "~") cookie.back() = cookie.back() == 'A' ? 'B' : 'A';
        request.headers.emplace_back("cookie", cookie);
      }};
  return target;
}

}  // namespace fg::fuzz
