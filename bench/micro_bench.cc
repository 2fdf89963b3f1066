// Micro-benchmarks of the per-request work that is not I/O: parsing a form, checking a NetEase
// signature, and writing a 50-friend answer. Build with -DFRIENDGRAPH_BENCH=ON; run
// build/micro_bench. The load benchmark against the real binary is bench/run.sh.
#include <benchmark/benchmark.h>

#include "dialects/netease/checksum.h"
#include "http/form.h"
#include "http/json.h"

namespace {

void BM_ParseForm(benchmark::State& state) {
  std::string body = "accid=zhangsan&faccid=lisi&type=2&msg=%E6%88%91%E6%98%AF%E5%BC%A0%E4%B8%89";
  for (auto _ : state) benchmark::DoNotOptimize(fg::http::ParseForm(body));
}
BENCHMARK(BM_ParseForm);

void BM_CheckSum(benchmark::State& state) {
  std::string sum =
      fg::netease::ComputeCheckSum("0123456789ab", "4tgggergigwow323t23t", "1443592222");
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        fg::netease::CheckSumMatches(sum, "0123456789ab", "4tgggergigwow323t23t", "1443592222"));
  }
}
BENCHMARK(BM_CheckSum);

void BM_WriteFiftyFriends(benchmark::State& state) {
  for (auto _ : state) {
    fg::http::JsonWriter w;
    w.StartObject().Key("code").Int(200).Key("size").Int(50).Key("friends").StartArray();
    for (int i = 0; i < 50; ++i) {
      w.StartObject().Key("createtime").Int(1795305173314).Key("updatetime").Int(1795305173314);
      w.Key("bidirection").Bool(true).Key("faccid").String("user_" + std::to_string(i));
      w.EndObject();
    }
    w.EndArray().EndObject();
    benchmark::DoNotOptimize(w.Take());
  }
}
BENCHMARK(BM_WriteFiftyFriends);

}  // namespace
