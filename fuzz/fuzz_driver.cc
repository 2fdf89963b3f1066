#include "fuzz/fuzz_driver.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/fake_clock.h"
#include "base/thread_executor.h"
#include "core/friend_service.h"
#include "http/router.h"
#include "store/sqlite/sqlite_store.h"

namespace fg::fuzz {
namespace {

std::vector<std::string>& FilesToRemove() {
  static auto* files = new std::vector<std::string>();
  return *files;
}

std::unique_ptr<Store> OpenStore(std::string_view dialect) {
  SqliteOptions options;
  // A file, not ":memory:": the store's reader connections must see the writer's data.
  options.path = (std::filesystem::temp_directory_path() /
                  ("fg-fuzz-" + std::string(dialect) + "-" + std::to_string(::getpid()) + ".db"))
                     .string();
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(options.path + suffix);
    FilesToRemove().push_back(options.path + suffix);
  }
  static const bool registered = std::atexit([] {
                                   std::error_code ec;
                                   for (const auto& file : FilesToRemove())
                                     std::filesystem::remove(file, ec);
                                 }) == 0;
  (void)registered;
  options.synchronous_full = false;  // durability is not what is fuzzed
  auto store = OpenSqliteStore(options);
  if (!store.ok()) std::abort();  // no fuzzing without a store
  return std::move(store.value());
}

struct Env {
  explicit Env(const FuzzTarget& target) : store(OpenStore(target.dialect->name())) {
    app = AppContext{store->EnsureApp("fuzz").value(), {}, nullptr};
    if (app.id != kAppId) std::abort();  // a fresh store's first app
    app.limits.max_friends = 5;
    app.limits.max_blocks = 5;
    DialectEnv env{router, service, clock, kInstallationSecret, blocking};
    target.dialect->Register(env, {{"fuzz", app, target.settings}});
  }
  testing::FakeClock clock;
  ThreadExecutor completions;  // answers are encoded here, as on the server's HTTP threads
  ThreadExecutor blocking;
  std::unique_ptr<Store> store;
  FriendService service{*store, clock, completions};
  http::Router router;
  AppContext app;
  uint64_t requests = 0;
};

}  // namespace

bool RunOne(const FuzzTarget& target, std::string_view input) {
  // Never destroyed: the store's writer thread must outlive every answer still in flight.
  static auto* envs = new std::map<const FuzzTarget*, std::unique_ptr<Env>>();
  std::unique_ptr<Env>& env = (*envs)[&target];
  if (!env) env = std::make_unique<Env>(target);
  http::Request request = target.build(input, env->clock, ++env->requests);
  if (target.finish) target.finish(request, env->service, env->app, env->clock);
  auto match = env->router.Find(request.method, request.path);
  if (!match.handler) return true;
  request.path_params = std::move(match.params);  // as the server does
  std::promise<http::Response> answered;
  (*match.handler)(request, [&](http::Response r) { answered.set_value(std::move(r)); });
  return target.well_formed(answered.get_future().get());
}

}  // namespace fg::fuzz
