#include "http/metrics.h"

#include <fmt/format.h>

namespace fg::http {

void Metrics::RecordRequest(int status, double seconds) {
  int cls = status / 100;
  if (cls < 1 || cls > 5) cls = 5;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  latency_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP friendgraph_http_requests_total Requests answered, by status class.\n";
  out += "# TYPE friendgraph_http_requests_total counter\n";
  for (int cls = 1; cls <= 5; ++cls) {
    out += fmt::format("friendgraph_http_requests_total{{class=\"{}xx\"}} {}\n", cls,
                       by_class_[cls].load(std::memory_order_relaxed));
  }
  out += "# HELP friendgraph_http_request_duration_seconds Time from request read to reply.\n";
  out += "# TYPE friendgraph_http_request_duration_seconds histogram\n";
  int64_t cumulative = 0;
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i].load(std::memory_order_relaxed);
    out += fmt::format("friendgraph_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n",
                       kBuckets[i], cumulative);
  }
  cumulative += latency_[kBuckets.size()].load(std::memory_order_relaxed);
  out += fmt::format("friendgraph_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n",
                     cumulative);
  out += fmt::format("friendgraph_http_request_duration_seconds_sum {}\n",
                     latency_sum_us_.load(std::memory_order_relaxed) / 1e6);
  out += fmt::format("friendgraph_http_request_duration_seconds_count {}\n", cumulative);
  out += "# TYPE friendgraph_http_in_flight gauge\n";
  out += fmt::format("friendgraph_http_in_flight {}\n", in_flight_.load());
  out += "# TYPE friendgraph_http_connections gauge\n";
  out += fmt::format("friendgraph_http_connections {}\n", connections_.load());
  return out;
}

}  // namespace fg::http
