// The plug-in interface every vendor dialect implements (docs/adding-a-dialect.md).
//
// A dialect is one folder under dialects/ with its own namespace and CMake target, and one object
// implementing Dialect, listed in dialects/registry.cc. app/ knows dialects only through this
// interface: it hands each one its [apps.<name>] config tables, lets it register its routes, and
// asks it for the demo app's credentials and for signed example calls. Nothing here is called
// while requests are served, except what Register() installs in the router.
#pragma once

#include <any>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/executor.h"
#include "base/model.h"
#include "core/friend_service.h"
#include "http/router.h"

namespace fg {

// One [apps.<dialect>] table of the config file, read key by key. app/ implements it over the
// TOML file, so a dialect sees no TOML. A failure is reported as
// "<file>:<line>: 'apps[<i>].<dialect>.<key>' <why>"; the first one is kept and stops the start,
// so a dialect reads all its keys without checking in between. Keys the dialect never read are
// rejected by app/ ("unknown key") after ReadAppConfig returns. Used on one thread, at start.
class ConfigTable {
 public:
  virtual ~ConfigTable() = default;

  // A non-empty string. Absent: `out` keeps its value.
  virtual void String(std::string_view key, std::string& out) = 0;
  // A string, "" allowed (a value whose default is not empty). Absent: `out` keeps its value.
  virtual void StringOrEmpty(std::string_view key, std::string& out) = 0;
  // A non-empty string. Absent: fails with "is missing".
  virtual void RequiredString(std::string_view key, std::string& out) = 0;
  // An integer in [min, max]. Absent: `out` keeps its value.
  virtual void Int(std::string_view key, int64_t& out, int64_t min, int64_t max) = 0;
  // true or false. Absent: `out` keeps its value.
  virtual void Bool(std::string_view key, bool& out) = 0;
  // Fails at key's line (the table's when absent) with "<key> <why>": for a value the dialect
  // checks itself (a shape, a format). Does nothing after an earlier failure.
  virtual void Invalid(std::string_view key, std::string_view why) = 0;
  // Claims `value` for `key` among the tables of this dialect in every app: fails at key's line
  // with "is used by another app" when an earlier app claimed the same value. `value` may join
  // several keys' values when a combination must be unique (e.g. "org/app"). Does nothing after
  // a failure, so a missing key is reported as missing, not as a duplicate.
  virtual void Unique(std::string_view key, std::string_view value) = 0;
};

// One app that enables a dialect.
struct DialectApp {
  std::string name;    // the app's name, for logs
  AppContext context;  // the app in core/: its id and limits
  std::any settings;   // what the dialect's ReadAppConfig returned for this app's table
};

// What a dialect's routes serve with. All of it outlives the router.
struct DialectEnv {
  http::Router& router;
  FriendService& service;
  Clock& clock;
  // The installation secret (DESIGN.md §2b): random, kept in the store, the same on every node.
  // The root of the keys of signed tokens and opaque ids (kit::TokenSigner). Never logged.
  std::string_view installation_secret;
  // Where slow CPU work runs (password hashing), so that it never holds an HTTP thread. Work
  // posted here answers through its http::Responder, which may be called from any thread. It is
  // bounded: use TryPost and answer "busy" when it refuses.
  Executor& blocking;
};

// What `friendgraph sign` knows about the app beyond its settings: filled in only for a dialect
// that asks for it (Dialect::signs_with_installation_secret), empty otherwise.
struct SignContext {
  AppId app = 0;                         // the app's id in the store
  std::string_view installation_secret;  // as DialectEnv's
};

// What the start-up banner knows about the running server.
struct BannerContext {
  std::string base_url;      // "http://127.0.0.1:8080"
  std::string sign_command;  // prints fresh credentials for this dialect, e.g. "friendgraph sign …"
};

// A vendor dialect. Implementations are stateless singletons (all state lives in what Register
// installs), so every method is const and thread-safe.
class Dialect {
 public:
  virtual ~Dialect() = default;

  // The config table's name ([apps.<name>]) and the value of `friendgraph sign --dialect`:
  // lower-case, unique among the dialects.
  virtual std::string_view name() const = 0;

  // Reads one app's table into this dialect's own settings; the value comes back in
  // DialectApp::settings and in the demo methods below. Failures go to `table`, and the returned
  // value is then discarded.
  virtual std::any ReadAppConfig(ConfigTable& table) const = 0;

  // Adds the dialect's routes to env.router for `apps`: every app whose config has this dialect's
  // table, possibly none (the dialect's paths then still answer in its envelope, refusing every
  // credential). Called once per process, before the server starts.
  virtual void Register(const DialectEnv& env, const std::vector<DialectApp>& apps) const = 0;

  // Fresh random credentials for the demo app: the keys and string values of a table that
  // ReadAppConfig accepts. app/ writes them to <data_dir>/demo-app.toml.
  virtual std::vector<std::pair<std::string, std::string>> NewDemoTable() const = 0;

  // True for a dialect whose credentials are tokens signed with the installation secret (Easemob
  // Bearer tokens): `friendgraph sign` then opens the store to fill in SignContext. For the others
  // SignContext is empty.
  virtual bool signs_with_installation_secret() const { return false; }

  // curl flags that authenticate one call of the app with `settings` now, for `friendgraph sign`:
  // words separated by single spaces, none containing a space, so that `curl $(friendgraph sign)`
  // survives word splitting.
  virtual std::string SignedCurlFlags(const std::any& settings, const SignContext& context,
                                      Clock& clock) const = 0;

  // The start-up banner's lines for the demo app: its credentials and one ready-to-paste curl
  // that works now, ending with a blank line.
  virtual std::string DemoBanner(const std::any& settings, const BannerContext& context,
                                 Clock& clock) const = 0;
};

// The settings a dialect's ReadAppConfig returned, as the dialect's own type.
// REQUIRES: `settings` came from that dialect's ReadAppConfig; anything else is a wiring bug and
// aborts (an exception must not escape into the server).
template <typename Settings>
const Settings& SettingsOf(const std::any& settings) {
  const Settings* typed = std::any_cast<Settings>(&settings);
  if (typed == nullptr) std::abort();
  return *typed;
}

}  // namespace fg
