#include "app/serve.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <thread>

#include "app/config.h"
#include "app/demo_app.h"
#include "base/clock.h"
#include "base/random.h"
#include "core/friend_service.h"
#include "dialects/netease/checksum.h"
#include "dialects/netease/netease_dialect.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "store/sqlite/sqlite_store.h"

namespace fg {
namespace {

// The config file if one is named, else the defaults with the demo app; flags override both.
Result<Config> ResolveConfig(const std::optional<std::string>& config_path,
                             const std::optional<std::string>& data_dir, bool* is_demo) {
  Config config;
  if (config_path) {
    auto loaded = LoadConfigFile(*config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(loaded.value());
  }
  if (data_dir) config.data_dir = *data_dir;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return Status(Code::kInvalidArgument, config.data_dir + ": " + ec.message());
  *is_demo = !config_path;
  if (*is_demo) {
    auto demo = LoadOrCreateDemoApp(config.data_dir);
    if (!demo.ok()) return demo.status();
    config.apps.push_back(std::move(demo.value()));
  }
  return config;
}

// curl flags with a fresh NetEase signature; no spaces, so they survive $(…) word splitting.
std::string SignedCurlFlags(const NeteaseCredentials& creds) {
  std::string nonce = RandomHex(8);
  std::string now = std::to_string(std::time(nullptr));
  return "-H AppKey:" + creds.app_key + " -H Nonce:" + nonce + " -H CurTime:" + now +
         " -H CheckSum:" + netease::ComputeCheckSum(creds.app_secret, nonce, now);
}

void PrintDemoBanner(const Config& config, const std::string& base_url) {
  const NeteaseCredentials& creds = *config.apps.front().netease;
  std::printf(
      "\nDemo app (kept in %s/demo-app.toml):\n"
      "  NetEase AppKey    %s\n"
      "  NetEase AppSecret %s\n\n"
      "Try it (the CheckSum below is valid for 5 minutes; `friendgraph sign --data-dir %s`\n"
      "prints fresh headers):\n"
      "  curl %s -d 'accid=zhangsan&name=Zhang' %s/nimserver/user/create.action\n\n",
      config.data_dir.c_str(), creds.app_key.c_str(), creds.app_secret.c_str(),
      config.data_dir.c_str(), SignedCurlFlags(creds).c_str(), base_url.c_str());
}

}  // namespace

int Serve(const ServeFlags& flags) {
  bool is_demo = false;
  auto config = ResolveConfig(flags.config_path, flags.data_dir, &is_demo);
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

  SqliteOptions store_options;
  store_options.path = (std::filesystem::path(config->data_dir) / "friendgraph.db").string();
  // One reader per HTTP thread at least, so that no request thread waits for a connection.
  int http_threads = config->threads > 0 ? static_cast<int>(config->threads)
                                         : static_cast<int>(std::thread::hardware_concurrency());
  store_options.max_readers = std::max(store_options.max_readers, http_threads);
  auto store = OpenSqliteStore(store_options);
  if (!store.ok()) {
    spdlog::error("event=store_error error=\"{}\"", store.status().message());
    return 1;
  }
  // The embedded store has one writer, this process, so the friend-list cache is always right.
  std::unique_ptr<FriendListCache> cache;
  if (config->friend_list_cache_items > 0) {
    cache = std::make_unique<FriendListCache>(config->friend_list_cache_items);
  }
  FriendService service(*store.value(), *Clock::System(), cache.get());

  http::Router router;
  http::Metrics metrics;
  std::vector<netease::NeteaseApp> netease_apps;
  for (const auto& app : config->apps) {
    auto id = store.value()->EnsureApp(app.name);
    if (!id.ok()) {
      spdlog::error("event=store_error error=\"{}\"", id.status().message());
      return 1;
    }
    AppContext context{id.value(), {app.max_friends, app.max_blocks, app.max_mutes}};
    if (app.netease) {
      netease_apps.push_back({context, app.netease->app_key, app.netease->app_secret,
                              app.netease->rate_limit_per_second});
    }
    spdlog::info("event=app name={} netease={}", app.name, app.netease ? "on" : "off");
  }
  if (config->apps.empty()) {
    spdlog::warn("event=no_apps hint=\"add [[apps]] to the config; every dialect call gets 403\"");
  }
  netease::Register(router, service, *Clock::System(), netease_apps);
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
  std::string host =
      listen->host.find(':') != std::string::npos ? "[" + listen->host + "]" : listen->host;
  std::string base_url = "http://" + host + ":" + std::to_string(server.value()->port());
  spdlog::info("event=listening url={} data_dir={}", base_url, config->data_dir);
  if (is_demo) PrintDemoBanner(config.value(), base_url);
  std::printf("friendgraph listening on %s\n", base_url.c_str());
  std::fflush(stdout);

  server.value()->Run();
  store.value()->Close();
  spdlog::info("event=stopped");
  return 0;
}

int Sign(const SignFlags& flags) {
  bool is_demo = false;
  auto config = ResolveConfig(flags.config_path, flags.data_dir, &is_demo);
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().message().c_str());
    return 2;
  }
  for (const auto& app : config->apps) {
    if (app.netease && (!flags.app || *flags.app == app.name)) {
      std::printf("%s\n", SignedCurlFlags(*app.netease).c_str());
      return 0;
    }
  }
  std::fprintf(stderr, "no app with NetEase credentials%s\n",
               flags.app ? (" named " + *flags.app).c_str() : "");
  return 2;
}

}  // namespace fg
