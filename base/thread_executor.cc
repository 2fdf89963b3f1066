#include "base/thread_executor.h"

namespace fg {

ThreadExecutor::ThreadExecutor(size_t max_pending)
    : max_pending_(max_pending), thread_([this] { Loop(); }) {}

ThreadExecutor::~ThreadExecutor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void ThreadExecutor::Post(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
}

bool ThreadExecutor::TryPost(std::function<void()> work) {
  {
    std::lock_guard lock(mu_);
    if (max_pending_ > 0 && queue_.size() >= max_pending_) return false;
    queue_.push_back(std::move(work));
  }
  cv_.notify_one();
  return true;
}

void ThreadExecutor::Loop() {
  for (;;) {
    std::function<void()> work;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      work = std::move(queue_.front());
      queue_.pop_front();
    }
    work();
  }
}

}  // namespace fg
