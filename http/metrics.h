// Process metrics in the Prometheus text format. Thread-safe; lock-free on the hot path (a mutex
// is taken only the first time a dialect name is seen).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/message.h"

namespace fg::http {

class Metrics {
 public:
  // Why a connection was answered 503 as soon as it was accepted.
  enum class Refusal { kFull, kPerClient };

  // One answered request: counted by HTTP status class, and by (dialect, outcome) when the
  // response names both; `seconds` is the time from the full read to the reply. At most
  // kMaxDialects names are told apart; answers of any further dialect count as "other".
  void RecordRequest(const Response& response, double seconds);
  // A connection refused with 503 at accept (no slot for it).
  void RecordRefusal(Refusal reason);
  // An idle kept-alive connection closed to make room for new ones.
  void RecordShed() { shed_.fetch_add(1, std::memory_order_relaxed); }
  void AddInFlight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
  void AddConnections(int delta) { connections_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int64_t connections() const { return connections_.load(std::memory_order_relaxed); }
  // What one in-memory cache reports (see AddCache).
  struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
    uint64_t entries = 0;
    uint64_t items = 0;
    uint64_t bytes = 0;
  };
  // Reports a cache as `name` (e.g. "friend_lists"): its lookups found or not, and its entries,
  // items and bytes, read by `stats` at each render. For setup, before the server starts; `stats`
  // must be thread-safe and outlive every render.
  void AddCache(std::string name, std::function<CacheStats()> stats);
  // Reports a gauge without labels, `name` (a valid metric name) with its `help` text, read by
  // `value` at each render. For setup, like AddCache.
  void AddGauge(std::string name, std::string help, std::function<int64_t()> value);
  // The text served at /metrics.
  std::string Render() const;

  static constexpr size_t kMaxDialects = 16;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,   0.5,   1.0};
  struct DialectCounters {
    std::string_view name;  // written once, before dialect_count_ publishes it
    std::array<std::atomic<int64_t>, 3> by_outcome{};  // index: Outcome - 1
  };
  DialectCounters& CountersFor(std::string_view dialect);
  void RenderCaches(std::string& out) const;

  std::array<std::atomic<int64_t>, 6> by_class_{};  // 1xx..5xx, index = status / 100
  std::array<std::atomic<int64_t>, kBuckets.size() + 1> latency_{};  // last: +Inf
  std::atomic<int64_t> latency_sum_us_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> connections_{0};
  std::array<std::atomic<int64_t>, 2> refused_{};  // index: Refusal
  std::atomic<int64_t> shed_{0};
  std::array<DialectCounters, kMaxDialects> dialects_;
  std::atomic<size_t> dialect_count_{0};  // dialects_[0, count) are named
  std::mutex add_dialect_mu_;             // serializes naming the next slot
  DialectCounters other_{"other", {}};
  std::vector<std::pair<std::string, std::function<CacheStats()>>> caches_;  // set up before use
  struct Gauge {
    std::string name;
    std::string help;
    std::function<int64_t()> value;
  };
  std::vector<Gauge> gauges_;  // set up before use
};

}  // namespace fg::http
