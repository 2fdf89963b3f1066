// ThreadExecutor: an Executor with one thread of its own, running posted work in order. For
// tools, tests and fuzz drivers that have no server to post to.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "base/executor.h"

namespace fg {

class ThreadExecutor final : public Executor {
 public:
  // TryPost refuses work when max_pending jobs are queued (0: no bound; Post never refuses).
  explicit ThreadExecutor(size_t max_pending = 0);
  // Runs what is queued, then joins the thread.
  ~ThreadExecutor() override;
  ThreadExecutor(const ThreadExecutor&) = delete;
  ThreadExecutor& operator=(const ThreadExecutor&) = delete;

  // Thread-safe. Work must not throw (Executor's contract).
  void Post(std::function<void()> work) override;
  bool TryPost(std::function<void()> work) override;
  std::thread::id thread_id() const { return thread_.get_id(); }

 private:
  void Loop();

  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace fg
