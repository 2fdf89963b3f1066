// Replays the checked-in fuzz corpus through the fuzz target, so every build checks it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(FuzzReplayTest, NeteaseCorpus) {
  std::filesystem::path dir = std::filesystem::path(FRIENDGRAPH_SOURCE_DIR) / "fuzz/corpus/netease";
  int replayed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string input = buffer.str();
    SCOPED_TRACE(entry.path().string());
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
    ++replayed;
  }
  EXPECT_GT(replayed, 10);
}

}  // namespace
