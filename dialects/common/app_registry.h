// Finds the app a call is for from the credential it presents: NetEase's AppKey header,
// Easemob's "{org}/{app}" path pair, Yuntongxun's appId, … One registry per dialect, filled from
// the config at start-up, read by every request after.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace fg::kit {

// `Context` is the dialect's per-app state (its AppContext, secrets, rate limiter, replay
// guard, …); it need not be movable, as it is built in place and never moves afterwards.
//
// Thread safety: Add is for setup only and not thread-safe. Once the last Add has returned (and
// the registry is published to other threads, e.g. by starting them), Find may run on any
// number of threads at once; the registry itself never changes again, so any mutable state in a
// Context must guard itself (RateLimiter and ReplayGuard do).
template <typename Context>
class AppRegistry {
 public:
  AppRegistry() = default;
  AppRegistry(const AppRegistry&) = delete;
  AppRegistry& operator=(const AppRegistry&) = delete;

  // Builds the Context for `credential` from `args`. Keys are compared byte for byte: normalize
  // them first where the vendor ignores case. On success the new Context (it stays at this
  // address for the registry's life); nullptr, building nothing, if the credential is taken.
  template <typename... Args>
  [[nodiscard]] Context* Add(std::string credential, Args&&... args) {
    auto [it, inserted] = apps_.try_emplace(std::move(credential), std::forward<Args>(args)...);
    return inserted ? &it->second : nullptr;
  }

  // The app for `credential`; nullptr if there is none.
  Context* Find(std::string_view credential) {
    auto it = apps_.find(credential);
    return it == apps_.end() ? nullptr : &it->second;
  }
  const Context* Find(std::string_view credential) const {
    auto it = apps_.find(credential);
    return it == apps_.end() ? nullptr : &it->second;
  }

  size_t size() const { return apps_.size(); }

 private:
  // Transparent hashing: a lookup by string_view (a header value) builds no std::string.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Nodes never move, so Context addresses are stable across Adds.
  std::unordered_map<std::string, Context, Hash, std::equal_to<>> apps_;
};

}  // namespace fg::kit
