// Fuzz target: one NetEase request, signed correctly, with a fuzzed path suffix and body, through
// the real router, dialect, core and SQLite store. The answer must be NetEase JSON with a code.
//
// Input: the first line picks the call ("friend/add.action"), the rest is the form body.
// Built as a libFuzzer binary with -DFRIENDGRAPH_FUZZ=ON (clang); the checked-in corpus is also
// replayed by the unit tests (fuzz_replay_test.cc).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <string>

#include "base/clock.h"
#include "core/friend_service.h"
#include "dialects/netease/checksum.h"
#include "dialects/netease/netease_dialect.h"
#include "http/json.h"
#include "http/router.h"
#include "store/sqlite/sqlite_store.h"

namespace {

std::unique_ptr<fg::Store> OpenStore() {
  fg::SqliteOptions options;
  // A file, not ":memory:": the store's reader connections must see the writer's data.
  options.path =
      (std::filesystem::temp_directory_path() / ("fg-fuzz-" + std::to_string(getpid()) + ".db"))
          .string();
  std::filesystem::remove(options.path);
  static const std::string path = options.path;
  std::atexit([] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  });
  options.synchronous_full = false;
  return std::move(fg::OpenSqliteStore(options).value());
}

struct Env {
  Env() {
    fg::AppContext app{store->EnsureApp("fuzz").value(), {}};
    app.limits.max_friends = 5;
    fg::netease::Register(router, service, *fg::Clock::System(), {{app, {"key", "secret", 0, true}}});
  }
  std::unique_ptr<fg::Store> store = OpenStore();
  fg::FriendService service{*store, *fg::Clock::System()};
  fg::http::Router router;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Env* env = new Env();
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  fg::http::Request request;
  request.method = "POST";
  request.path = "/nimserver/" + input.substr(0, newline);
  request.body = newline == std::string::npos ? "" : input.substr(newline + 1);
  std::string now = std::to_string(fg::Clock::System()->NowMs() / 1000);
  request.headers = {{"AppKey", "key"},
                     {"Nonce", "n"},
                     {"CurTime", now},
                     {"CheckSum", fg::netease::ComputeCheckSum("secret", "n", now)},
                     {"Content-Type", "application/x-www-form-urlencoded"}};
  auto match = env->router.Find(request.method, request.path);
  if (!match.handler) return 0;
  std::promise<fg::http::Response> answered;
  (*match.handler)(request, [&](fg::http::Response r) { answered.set_value(std::move(r)); });
  fg::http::Response response = answered.get_future().get();
  // Every answer is a JSON object whose first member is the code.
  if (response.body.rfind("{\"code\":", 0) != 0) __builtin_trap();
  return 0;
}
