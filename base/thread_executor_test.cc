#include "base/thread_executor.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace fg {
namespace {

TEST(ThreadExecutorTest, RunsWorkInOrderOnItsOwnThread) {
  std::vector<int> ran;
  std::promise<std::thread::id> where;
  {
    ThreadExecutor executor;
    for (int i = 0; i < 3; ++i) executor.Post([&ran, i] { ran.push_back(i); });
    executor.Post([&where] { where.set_value(std::this_thread::get_id()); });
  }  // runs what is queued, then joins
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
  EXPECT_NE(where.get_future().get(), std::this_thread::get_id());
}

TEST(ThreadExecutorTest, ABoundedExecutorRefusesWhenFull) {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  ThreadExecutor executor(2);
  ASSERT_TRUE(executor.TryPost([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the first job runs: the queue is empty again
  EXPECT_TRUE(executor.TryPost([] {}));
  EXPECT_TRUE(executor.TryPost([] {}));
  EXPECT_FALSE(executor.TryPost([] {}));  // two queued: full
  release.set_value();
}

}  // namespace
}  // namespace fg
