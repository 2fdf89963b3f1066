#include "app/progress_meter.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

TEST(ProgressMeterTest, ATerminalGetsABarTheRowsTheRateAndTheTimeLeft) {
  ImportProgress p{
      .lines_read = 1'500'000, .lines_committed = 1'000'000, .bytes_read = 250, .file_bytes = 1000};
  EXPECT_EQ(ProgressMeter::Render(p, 3.0, /*terminal=*/true),
            "[#######-----------------------]  25%  1,500,000 lines  500,000 lines/s  ETA 0:00:09");
}

TEST(ProgressMeterTest, ALogGetsPlainFields) {
  ImportProgress p{.lines_read = 10, .lines_committed = 5, .bytes_read = 1000, .file_bytes = 1000};
  EXPECT_EQ(ProgressMeter::Render(p, 2.0, /*terminal=*/false),
            "import 100% lines=10 committed=5 lines_per_s=5 eta=0:00:00");
  ImportProgress start{.file_bytes = 1000};
  EXPECT_EQ(ProgressMeter::Render(start, 0.0, false),
            "import   0% lines=0 committed=0 lines_per_s=0 eta=?");
}

}  // namespace
}  // namespace fg
