// Replays each dialect's checked-in corpus, fuzz/corpus/<dialect>/, through its fuzz target, so
// that every build checks them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>

#include "dialects/registry.h"
#include "fuzz/fuzz_targets.h"
#include "tests/support/test_env.h"

namespace fg::fuzz {

// Names the target in test output instead of printing a pointer (found by gtest through ADL).
void PrintTo(const FuzzTarget* target, std::ostream* os) { *os << target->dialect->name(); }

namespace {

const std::filesystem::path kCorpora =
    std::filesystem::path(FRIENDGRAPH_SOURCE_DIR) / "fuzz" / "corpus";

class FuzzReplayTest : public ::testing::TestWithParam<const FuzzTarget*> {};

TEST_P(FuzzReplayTest, Corpus) {
  const FuzzTarget& target = *GetParam();
  std::vector<std::filesystem::path> inputs;
  for (const auto& entry :
       std::filesystem::directory_iterator(kCorpora / std::string(target.dialect->name()))) {
    inputs.push_back(entry.path());
  }
  std::sort(inputs.begin(), inputs.end());  // one order on every machine
  for (const auto& path : inputs) {
    EXPECT_TRUE(RunOne(target, testing::ReadFile(path))) << path;
  }
  EXPECT_GT(inputs.size(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Dialects, FuzzReplayTest, ::testing::ValuesIn(AllFuzzTargets()),
                         [](const ::testing::TestParamInfo<const FuzzTarget*>& info) {
                           return std::string(info.param->dialect->name());
                         });

TEST(FuzzTargetsTest, EveryDialectHasATargetAndACorpus) {
  std::set<std::string> targets;
  for (const FuzzTarget* t : AllFuzzTargets()) targets.emplace(t->dialect->name());
  for (const Dialect* d : Dialects()) {
    EXPECT_TRUE(targets.count(std::string(d->name()))) << d->name() << " has no fuzz target";
  }
  for (const auto& entry : std::filesystem::directory_iterator(kCorpora)) {
    EXPECT_TRUE(targets.count(entry.path().filename().string()))
        << entry.path() << " is a corpus no target replays";
  }
}

}  // namespace
}  // namespace fg::fuzz
