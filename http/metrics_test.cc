#include "http/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace fg::http {
namespace {

Response Answer(int status, std::string_view dialect, Response::Outcome outcome) {
  Response r;
  r.status = status;
  r.dialect = dialect;
  r.outcome = outcome;
  return r;
}

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

TEST(MetricsTest, CountsByClassAndByDialectOutcome) {
  using Outcome = Response::Outcome;
  Metrics m;
  m.RecordRequest(Answer(200, "netease", Outcome::kOk), 0.001);
  m.RecordRequest(Answer(200, "netease", Outcome::kClientError), 0.001);
  m.RecordRequest(Answer(200, "netease", Outcome::kServerError), 0.001);
  m.RecordRequest(Answer(200, "netease", Outcome::kServerError), 0.001);
  m.RecordRequest(Answer(404, "netease", Outcome::kClientError), 0.001);
  m.RecordRequest(Answer(401, "easemob", Outcome::kClientError), 0.001);
  m.RecordRequest(Answer(200, "", Outcome::kUnset), 0.001);          // /healthz
  m.RecordRequest(Answer(400, "sealtalk", Outcome::kUnset), 0.001);  // no outcome: class only
  std::string text = m.Render();
  EXPECT_TRUE(Has(text, R"(friendgraph_http_requests_total{class="2xx"} 5)")) << text;
  EXPECT_TRUE(Has(text, R"(friendgraph_http_requests_total{class="4xx"} 3)")) << text;
  EXPECT_TRUE(Has(text, R"(friendgraph_dialect_answers_total{dialect="netease",outcome="ok"} 1)"));
  EXPECT_TRUE(Has(
      text, R"(friendgraph_dialect_answers_total{dialect="netease",outcome="client_error"} 2)"));
  EXPECT_TRUE(Has(
      text, R"(friendgraph_dialect_answers_total{dialect="netease",outcome="server_error"} 2)"));
  EXPECT_TRUE(Has(
      text, R"(friendgraph_dialect_answers_total{dialect="easemob",outcome="client_error"} 1)"));
  EXPECT_TRUE(Has(text, R"(friendgraph_dialect_answers_total{dialect="easemob",outcome="ok"} 0)"));
  EXPECT_EQ(Count(text, "dialect=\"sealtalk\""), 0u);
  EXPECT_EQ(Count(text, "dialect=\"\""), 0u);
  EXPECT_TRUE(Has(text, "# TYPE friendgraph_dialect_answers_total counter"));
}

TEST(MetricsTest, CachesReportWhatTheirStatsSayAtEachRender) {
  Metrics m;
  EXPECT_EQ(m.Render().find("friendgraph_cache_"), std::string::npos);  // none: no lines
  uint64_t hits = 3;
  m.AddCache("friend_lists", [&hits] { return Metrics::CacheStats{hits, 1, 2, 100, 64'000}; });
  m.AddCache("users", [] { return Metrics::CacheStats{0, 5, 5, 5, 2'000}; });
  std::string text = m.Render();
  EXPECT_NE(text.find("# TYPE friendgraph_cache_hits_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("friendgraph_cache_hits_total{cache=\"friend_lists\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("friendgraph_cache_misses_total{cache=\"users\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("friendgraph_cache_entries{cache=\"friend_lists\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("friendgraph_cache_items{cache=\"friend_lists\"} 100\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE friendgraph_cache_bytes gauge\n"), std::string::npos);
  EXPECT_NE(text.find("friendgraph_cache_bytes{cache=\"friend_lists\"} 64000\n"),
            std::string::npos);
  EXPECT_NE(text.find("friendgraph_cache_bytes{cache=\"users\"} 2000\n"), std::string::npos);
  hits = 4;
  EXPECT_NE(m.Render().find("friendgraph_cache_hits_total{cache=\"friend_lists\"} 4\n"),
            std::string::npos);
}

TEST(MetricsTest, GaugesReportTheirValueAtEachRender) {
  Metrics m;
  int64_t used = 10;
  m.AddGauge("friendgraph_store_memory_bytes", "SQLite's heap.", [&used] { return used; });
  m.AddGauge("friendgraph_memory_budget_bytes", "The budget.", [] { return int64_t{16} << 20; });
  std::string text = m.Render();
  EXPECT_TRUE(Has(text, "# HELP friendgraph_store_memory_bytes SQLite's heap."));
  EXPECT_TRUE(Has(text, "# TYPE friendgraph_store_memory_bytes gauge"));
  EXPECT_TRUE(Has(text, "\nfriendgraph_store_memory_bytes 10"));
  EXPECT_TRUE(Has(text, "\nfriendgraph_memory_budget_bytes 16777216"));
  used = 11;
  EXPECT_TRUE(Has(m.Render(), "\nfriendgraph_store_memory_bytes 11"));
}

TEST(MetricsTest, ConnectionRefusalsAndShedding) {
  Metrics m;
  m.RecordRefusal(Metrics::Refusal::kFull);
  m.RecordRefusal(Metrics::Refusal::kPerClient);
  m.RecordRefusal(Metrics::Refusal::kPerClient);
  m.RecordShed();
  std::string text = m.Render();
  EXPECT_TRUE(
      Has(text, R"(friendgraph_http_connections_refused_total{reason="max_connections"} 1)"));
  EXPECT_TRUE(
      Has(text,
          R"(friendgraph_http_connections_refused_total{reason="max_connections_per_client"} 2)"));
  EXPECT_TRUE(Has(text, "friendgraph_http_connections_shed_total 1"));
}

TEST(MetricsTest, LabelValuesEscapedAndTooManyDialectsCountAsOther) {
  Metrics m;
  m.RecordRequest(Answer(200, "a\"b\\c", Response::Outcome::kOk), 0);
  std::vector<std::string> names;
  for (size_t i = 0; i < Metrics::kMaxDialects + 2; ++i) names.push_back("d" + std::to_string(i));
  for (const auto& name : names) m.RecordRequest(Answer(200, name, Response::Outcome::kOk), 0);
  std::string text = m.Render();
  EXPECT_TRUE(Has(text, R"(friendgraph_dialect_answers_total{dialect="a\"b\\c",outcome="ok"} 1)"));
  // 1 + 15 named slots; the last 3 names share "other".
  EXPECT_TRUE(Has(text, R"(friendgraph_dialect_answers_total{dialect="other",outcome="ok"} 3)"));
  EXPECT_EQ(Count(text, "outcome=\"ok\""), Metrics::kMaxDialects + 1);
}

TEST(MetricsTest, ConcurrentFirstAnswersNameADialectOnce) {
  Metrics m;
  constexpr int kThreads = 8, kEach = 1000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) {
        m.RecordRequest(Answer(200, (i + t) % 2 ? "netease" : "easemob", Response::Outcome::kOk),
                        0);
      }
    });
  }
  for (auto& t : threads) t.join();
  std::string text = m.Render();
  EXPECT_EQ(Count(text, "dialect=\"netease\""), 3u) << text;
  EXPECT_EQ(Count(text, "dialect=\"easemob\""), 3u) << text;
  EXPECT_TRUE(
      Has(text, R"(friendgraph_dialect_answers_total{dialect="netease",outcome="ok"} 4000)"));
  EXPECT_TRUE(
      Has(text, R"(friendgraph_dialect_answers_total{dialect="easemob",outcome="ok"} 4000)"));
}

}  // namespace
}  // namespace fg::http
