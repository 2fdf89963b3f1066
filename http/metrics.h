// Process metrics in the Prometheus text format. Thread-safe, lock-free on the hot path.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace fg::http {

class Metrics {
 public:
  // One answered request: its HTTP status and how long it took from the full read to the reply.
  void RecordRequest(int status, double seconds);
  void AddInFlight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
  void AddConnections(int delta) { connections_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  int64_t connections() const { return connections_.load(std::memory_order_relaxed); }
  // The text served at /metrics.
  std::string Render() const;

 private:
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.002, 0.005, 0.01,
                                                      0.025,  0.05,  0.1,   0.5,   1.0};
  std::array<std::atomic<int64_t>, 6> by_class_{};  // 1xx..5xx, index = status / 100
  std::array<std::atomic<int64_t>, kBuckets.size() + 1> latency_{};  // last: +Inf
  std::atomic<int64_t> latency_sum_us_{0};
  std::atomic<int64_t> in_flight_{0};
  std::atomic<int64_t> connections_{0};
};

}  // namespace fg::http
