#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <thread>

#include "app/config.h"
#include "app/data_dir.h"
#include "app/demo_app.h"
#include "app/memory_budget.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/thread_executor.h"
#include "core/cache_stats.h"
#include "core/friend_service.h"
#include "dialects/dialect.h"
#include "dialects/registry.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "store/sqlite/sqlite_store.h"

namespace fg {
namespace {

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out.append(out.empty() ? "" : ",").append(w);
  return out;
}

void PrintDemoBanner(const AppConfig& demo, const std::string& data_dir,
                     const std::string& base_url) {
  std::printf("\nDemo app (kept in %s/demo-app.toml):\n", data_dir.c_str());
  for (size_t i = 0; i < demo.dialects.size(); ++i) {
    const DialectConfig& d = demo.dialects[i];
    // `sign` defaults to the app's first dialect.
    std::string sign = "friendgraph sign --data-dir " + data_dir;
    if (i > 0) sign += " --dialect " + std::string(d.dialect->name());
    std::fputs(d.dialect->DemoBanner(d.settings, {base_url, sign}, *Clock::System()).c_str(),
               stdout);
  }
}

// The demo app for `sign`. Only the holder of the data directory's lock writes demo-app.toml: when
// a server holds it, the server has written the file and `sign` reads it as it is.
Result<AppConfig> DemoAppForSign(const std::string& data_dir) {
  Status usable = PrepareDataDir(data_dir);
  if (usable.ok()) {
    auto lock = DataDirLock::Acquire(data_dir);
    if (lock.ok()) return LoadOrCreateDemoApp(data_dir);
    if (lock.status().code() != Code::kUnavailable) return lock.status();
  }
  // A server holds the directory, or it is read-only: what is there may still serve.
  auto demo = LoadDemoApp(data_dir);
  if (!demo.ok() && !usable.ok()) return usable;
  return demo;
}

// The installation secret (DESIGN.md §2b), made on the store's first start. Never logged.
Result<std::string> InstallationSecret(Store& store) {
  return store.EnsureSetting("installation_secret", RandomHex(32));
}

// What SignContext needs from the data directory's store: the app's id and the secret. The
// embedded store allows one writer per database; a running server is that writer, and the rows
// read here exist already, so its SQLite lock is all this waits for (briefly).
Result<std::string> SignWithSecret(const Dialect& dialect, const DialectConfig& config,
                                   const std::string& app_name, const std::string& data_dir) {
  SqliteOptions options;
  options.path = (std::filesystem::path(data_dir) / "friendgraph.db").string();
  options.readers = 1;
  auto store = OpenSqliteStore(options);
  if (!store.ok()) return store.status();
  auto app = store.value()->EnsureApp(app_name);
  if (!app.ok()) return app.status();
  auto secret = InstallationSecret(*store.value());
  if (!secret.ok()) return secret.status();
  store.value()->Close();
  return dialect.SignedCurlFlags(config.settings, {app.value(), secret.value()}, *Clock::System());
}

}  // namespace

int Serve(const ServeFlags& flags) {
  auto config = LoadConfig(flags.config_path, flags.data_dir);
  if (!config.ok()) {
    spdlog::error("event=config_error error=\"{}\"", config.status().message());
    return 2;
  }
  if (flags.listen) config->listen = *flags.listen;
  auto listen = ParseListen(config->listen);
  if (!listen.ok()) {
    spdlog::error("event=config_error error=\"--listen {}\"", listen.status().message());
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  // Checked before SQLite opens anything, so that its "unable to open database file" never hides
  // the reason; locked before anything is written, so that a second server changes nothing.
  if (Status usable = PrepareDataDir(config->data_dir); !usable.ok()) {
    spdlog::error("event=data_dir_error error=\"{}\"", usable.message());
    return 1;
  }
  auto lock = DataDirLock::Acquire(config->data_dir);
  if (!lock.ok()) {
    spdlog::error("event=data_dir_error error=\"{}\"", lock.status().message());
    return 1;
  }
  const bool is_demo = !flags.config_path;
  if (is_demo) {
    auto demo = LoadOrCreateDemoApp(config->data_dir);
    if (!demo.ok()) {
      spdlog::error("event=config_error error=\"{}\"", demo.status().message());
      return demo.status().code() == Code::kInvalidArgument ? 2 : 1;
    }
    config->apps.push_back(std::move(demo.value()));
  }

  // The budget's shares (app/memory_budget.h); a cache whose *_items is 0 is off.
  const MemoryBudget budget = SplitBudget(static_cast<uint64_t>(config->memory_budget_mb) << 20);
  auto limits = [](uint64_t share, const std::optional<int64_t>& items) {
    std::optional<CacheLimits> out;
    if (!items || *items > 0) out = CacheLimits{share, static_cast<size_t>(items.value_or(0))};
    return out;
  };
  const auto friend_list_limits = limits(budget.friend_lists, config->friend_list_cache_items);
  const auto user_limits = limits(budget.users, config->user_cache_items);
  const auto peer_rows_limits = limits(budget.peer_rows, config->peer_rows_cache_items);
  auto stated = [](const std::optional<CacheLimits>& l) {
    return l ? std::to_string(l->max_bytes) : std::string("off");
  };
  spdlog::info(
      "event=memory_budget budget_mb={} store_bytes={} friend_lists_bytes={} users_bytes={} "
      "peer_rows_bytes={}",
      config->memory_budget_mb, budget.store, stated(friend_list_limits), stated(user_limits),
      stated(peer_rows_limits));
  for (const auto& [name, l] :
       {std::pair{"friend_lists", friend_list_limits}, std::pair{"users", user_limits},
        std::pair{"peer_rows", peer_rows_limits}}) {
    if (l && l->max_items)
      spdlog::info("event=cache_item_cap cache={} items={}", name, l->max_items);
  }

  SqliteOptions store_options;
  store_options.path = (std::filesystem::path(config->data_dir) / "friendgraph.db").string();
  store_options.cache_bytes = static_cast<int64_t>(budget.store);
  auto store = OpenSqliteStore(store_options);
  if (!store.ok()) {
    spdlog::error("event=store_error error=\"{}\"", store.status().message());
    return 1;
  }
  auto secret = InstallationSecret(*store.value());
  if (!secret.ok()) {
    spdlog::error("event=store_error error=\"{}\"", secret.status().message());
    return 1;
  }
  // Password hashing (argon2id) takes tens of milliseconds: never on an HTTP thread.
  // Password hashes queue here; bounded so that a flood of logins is refused (busy) instead of
  // queueing without limit: 64 jobs is about 3 s of argon2id work.
  auto blocking = std::make_unique<ThreadExecutor>(64);
  http::Router router;
  http::Metrics metrics;
  http::ServerOptions server_options;
  server_options.host = listen->host;
  server_options.port = listen->port;
  server_options.threads = static_cast<int>(config->threads);
  server_options.body_limit = static_cast<size_t>(config->body_limit_bytes);
  server_options.header_timeout = std::chrono::milliseconds(config->header_timeout_ms);
  server_options.body_timeout = std::chrono::milliseconds(config->body_timeout_ms);
  server_options.idle_timeout = std::chrono::milliseconds(config->idle_timeout_ms);
  server_options.max_connections = config->max_connections;
  server_options.max_connections_per_client = config->max_connections_per_client;
  auto server = http::Server::Listen(server_options, router, metrics);
  if (!server.ok()) {
    spdlog::error("event=listen_error error=\"{}\"", server.status().message());
    return 1;
  }
  // The embedded store has one writer, this process (the lock above makes sure), so the
  // friend-list cache is always right.
  std::unique_ptr<FriendListCache> cache;
  if (friend_list_limits) cache = std::make_unique<FriendListCache>(*friend_list_limits);
  std::unique_ptr<UserCache> users;
  if (user_limits) users = std::make_unique<UserCache>(*user_limits);
  // Each user's rows, for SealTalk's /friendship/all.
  std::unique_ptr<PeerRowsCache> rows;
  if (peer_rows_limits) rows = std::make_unique<PeerRowsCache>(*peer_rows_limits);
  // Each cache's hits, misses and size at /metrics, and the memory they share with the store.
  auto report = [&metrics](std::string name, auto* cache) {
    if (!cache) return;
    metrics.AddCache(std::move(name), [cache] {
      CacheStats s = cache->stats();
      return http::Metrics::CacheStats{s.hits, s.misses, s.entries, s.items, s.bytes};
    });
  };
  report("friend_lists", cache.get());
  report("users", users.get());
  report("peer_rows", rows.get());
  metrics.AddGauge("friendgraph_memory_budget_bytes",
                   "memory_budget_mb in bytes: what the store and the caches may hold in all.",
                   [total = static_cast<int64_t>(budget.total)] { return total; });
  metrics.AddGauge("friendgraph_store_memory_bytes",
                   "SQLite's heap (page caches included), bounded by the store's share.",
                   [] { return SqliteMemoryUsed(); });
  // Completions run on the HTTP threads: answers are encoded there, never on the store's. Writes
  // are warmed on a reader first: the SQLite writer, which every write waits for, then reads the
  // rows it needs from memory rather than from the disk.
  FriendService service(*store.value(), *Clock::System(), server.value()->executor(), cache.get(),
                        users.get(), rows.get(), /*warm_writes=*/true);

  // Each app's id and limits first, then the link groups they form.
  std::vector<AppContext> contexts;
  std::map<std::string, std::shared_ptr<LinkGroup>> groups;
  for (const auto& app : config->apps) {
    auto id = store.value()->EnsureApp(app.name);
    if (!id.ok()) {
      spdlog::error("event=store_error error=\"{}\"", id.status().message());
      return 1;
    }
    AppContext context{id.value(), {app.max_friends, app.max_blocks, app.max_mutes}, nullptr};
    if (!app.link_group.empty()) {
      auto& group = groups[app.link_group];
      if (!group) group = std::make_shared<LinkGroup>();
      group->emplace_back(context.id, context.limits);
      context.group = group;
    }
    contexts.push_back(std::move(context));
  }
  std::map<const Dialect*, std::vector<DialectApp>> enabled;
  for (size_t i = 0; i < config->apps.size(); ++i) {
    const AppConfig& app = config->apps[i];
    std::vector<std::string> names;
    for (const DialectConfig& d : app.dialects) {
      enabled[d.dialect].push_back({app.name, contexts[i], d.settings});
      names.emplace_back(d.dialect->name());
    }
    spdlog::info("event=app name={} dialects={}{}", app.name, names.empty() ? "none" : Join(names),
                 app.link_group.empty() ? "" : " link_group=" + app.link_group);
  }
  if (config->apps.empty()) {
    spdlog::warn("event=no_apps hint=\"add [[apps]] to the config; every dialect call gets 403\"");
  }
  DialectEnv env{router, service, *Clock::System(), secret.value(), *blocking};
  for (const Dialect* dialect : Dialects()) dialect->Register(env, enabled[dialect]);
  auto healthz = [](const http::Request&, http::Responder respond) {
    http::Response r;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "ok\n";
    respond(std::move(r));
  };
  router.Add("GET", "/healthz", healthz);
  router.Add("HEAD", "/healthz", healthz);  // the server sends the header without the body
  router.Add("GET", "/metrics", [&metrics](const http::Request&, http::Responder respond) {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics.Render();
    respond(std::move(r));
  });

  std::string host =
      listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::string base_url = "http://" + host + ":" + std::to_string(server.value()->port());
  spdlog::info("event=listening url={} data_dir={}", base_url, config->data_dir);
  if (is_demo) PrintDemoBanner(config->apps.back(), config->data_dir, base_url);
  std::printf("friendgraph listening on %s\n", base_url.c_str());
  std::fflush(stdout);

  server.value()->Run();
  blocking.reset();  // runs what is queued (its answers reach no one now), then joins
  store.value()->Close();
  spdlog::info("event=stopped");
  return 0;
}

int Sign(const SignFlags& flags) {
  const Dialect* wanted = nullptr;
  if (flags.dialect) {
    wanted = FindDialect(*flags.dialect);
    if (!wanted) {
      std::vector<std::string> known;
      for (const Dialect* d : Dialects()) known.emplace_back(d->name());
      std::fprintf(stderr, "unknown dialect '%s' (known: %s)\n", flags.dialect->c_str(),
                   Join(known).c_str());
      return 2;
    }
  }
  auto config = LoadConfig(flags.config_path, flags.data_dir);
  if (config.ok() && !flags.config_path) {
    auto demo = DemoAppForSign(config->data_dir);
    if (!demo.ok()) {
      config = demo.status();
    } else {
      config->apps.push_back(std::move(demo.value()));
    }
  }
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().message().c_str());
    return 2;
  }
  for (const AppConfig& app : config->apps) {
    if (flags.app && *flags.app != app.name) continue;
    for (const DialectConfig& d : app.dialects) {
      if (wanted && d.dialect != wanted) continue;
      if (!d.dialect->signs_with_installation_secret()) {
        std::printf("%s\n", d.dialect->SignedCurlFlags(d.settings, {}, *Clock::System()).c_str());
        return 0;
      }
      auto flags_text = SignWithSecret(*d.dialect, d, app.name, config->data_dir);
      if (!flags_text.ok()) {
        std::fprintf(stderr, "%s\n", flags_text.status().message().c_str());
        return 1;
      }
      std::printf("%s\n", flags_text.value().c_str());
      return 0;
    }
  }
  std::string missing = "no app";
  if (flags.app) missing += " named " + *flags.app;
  missing +=
      wanted ? " enables the " + std::string(wanted->name()) + " dialect" : " enables a dialect";
  std::fprintf(stderr, "%s\n", missing.c_str());
  return 2;
}

}  // namespace fg
