#include "http/metrics.h"

#include <fmt/format.h>

namespace fg::http {
namespace {

// A label value in the exposition format: backslash, double quote and newline escaped.
std::string LabelValue(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

constexpr std::array<const char*, 3> kOutcomeNames = {"ok", "client_error", "server_error"};

}  // namespace

Metrics::DialectCounters& Metrics::CountersFor(std::string_view dialect) {
  size_t count = dialect_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < count; ++i) {
    if (dialects_[i].name == dialect) return dialects_[i];
  }
  std::lock_guard lock(add_dialect_mu_);
  // Another thread may have named it since the scan above.
  count = dialect_count_.load(std::memory_order_relaxed);
  for (size_t i = 0; i < count; ++i) {
    if (dialects_[i].name == dialect) return dialects_[i];
  }
  if (count == kMaxDialects) return other_;
  dialects_[count].name = dialect;
  dialect_count_.store(count + 1, std::memory_order_release);
  return dialects_[count];
}

void Metrics::RecordRequest(const Response& response, double seconds) {
  int cls = response.status / 100;
  if (cls < 1 || cls > 5) cls = 5;
  by_class_[cls].fetch_add(1, std::memory_order_relaxed);
  if (!response.dialect.empty() && response.outcome != Response::Outcome::kUnset) {
    auto outcome = static_cast<size_t>(response.outcome) - 1;
    CountersFor(response.dialect).by_outcome[outcome].fetch_add(1, std::memory_order_relaxed);
  }
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  latency_[bucket].fetch_add(1, std::memory_order_relaxed);
  latency_sum_us_.fetch_add(static_cast<int64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void Metrics::RecordRefusal(Refusal reason) {
  refused_[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
}

std::string Metrics::Render() const {
  std::string out;
  out += "# HELP friendgraph_http_requests_total Requests answered, by status class.\n";
  out += "# TYPE friendgraph_http_requests_total counter\n";
  for (int cls = 1; cls <= 5; ++cls) {
    out += fmt::format("friendgraph_http_requests_total{{class=\"{}xx\"}} {}\n", cls,
                       by_class_[cls].load(std::memory_order_relaxed));
  }
  out +=
      "# HELP friendgraph_dialect_answers_total Dialect answers by outcome, whatever the HTTP "
      "status (a vendor error code in an HTTP 200 is an error).\n";
  out += "# TYPE friendgraph_dialect_answers_total counter\n";
  auto render_dialect = [&out](const DialectCounters& counters) {
    std::string name = LabelValue(counters.name);
    for (size_t i = 0; i < kOutcomeNames.size(); ++i) {
      out += fmt::format("friendgraph_dialect_answers_total{{dialect=\"{}\",outcome=\"{}\"}} {}\n",
                         name, kOutcomeNames[i],
                         counters.by_outcome[i].load(std::memory_order_relaxed));
    }
  };
  size_t dialects = dialect_count_.load(std::memory_order_acquire);
  for (size_t i = 0; i < dialects; ++i) render_dialect(dialects_[i]);
  if (dialects == kMaxDialects) render_dialect(other_);
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
  out +=
      "# HELP friendgraph_http_connections_refused_total Connections answered 503 at accept: "
      "server full, or the client address at its cap.\n";
  out += "# TYPE friendgraph_http_connections_refused_total counter\n";
  out +=
      fmt::format("friendgraph_http_connections_refused_total{{reason=\"max_connections\"}} {}\n",
                  refused_[static_cast<size_t>(Refusal::kFull)].load());
  out += fmt::format(
      "friendgraph_http_connections_refused_total{{reason=\"max_connections_per_client\"}} {}\n",
      refused_[static_cast<size_t>(Refusal::kPerClient)].load());
  out +=
      "# HELP friendgraph_http_connections_shed_total Idle kept-alive connections closed to make "
      "room near max_connections.\n";
  out += "# TYPE friendgraph_http_connections_shed_total counter\n";
  out += fmt::format("friendgraph_http_connections_shed_total {}\n", shed_.load());
  if (!caches_.empty()) RenderCaches(out);
  for (const Gauge& gauge : gauges_) {
    out += fmt::format("# HELP {} {}\n", gauge.name, gauge.help);
    out += fmt::format("# TYPE {} gauge\n", gauge.name);
    out += fmt::format("{} {}\n", gauge.name, gauge.value());
  }
  return out;
}

void Metrics::AddGauge(std::string name, std::string help, std::function<int64_t()> value) {
  gauges_.push_back({std::move(name), std::move(help), std::move(value)});
}

void Metrics::AddCache(std::string name, std::function<CacheStats()> stats) {
  caches_.emplace_back(std::move(name), std::move(stats));
}

void Metrics::RenderCaches(std::string& out) const {
  std::vector<CacheStats> stats;
  for (const auto& [name, read] : caches_) stats.push_back(read());
  auto family = [&](std::string_view metric, std::string_view type, std::string_view help,
                    uint64_t CacheStats::*field) {
    out += fmt::format("# HELP friendgraph_cache_{} {}\n", metric, help);
    out += fmt::format("# TYPE friendgraph_cache_{} {}\n", metric, type);
    for (size_t i = 0; i < caches_.size(); ++i) {
      out += fmt::format("friendgraph_cache_{}{{cache=\"{}\"}} {}\n", metric, caches_[i].first,
                         stats[i].*field);
    }
  };
  family("hits_total", "counter", "Lookups that found their entry in memory.", &CacheStats::hits);
  family("misses_total", "counter", "Lookups that went to the store.", &CacheStats::misses);
  family("entries", "gauge", "Users whose entry is held.", &CacheStats::entries);
  family("items", "gauge", "What the cache's item bound counts (friends, rows, users).",
         &CacheStats::items);
  family("bytes", "gauge",
         "Estimated bytes held, what the cache's share of memory_budget_mb bounds.",
         &CacheStats::bytes);
}

}  // namespace fg::http
