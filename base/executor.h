// Executor: where a component runs work it must not run on its own thread (e.g. the store's
// writer hands completions to the HTTP threads, so that encoding an answer never delays a commit).
#pragma once

#include <functional>

namespace fg {

class Executor {
 public:
  virtual ~Executor() = default;
  // Runs `work` soon, on one of the executor's threads, never inside Post itself. Thread-safe.
  // An exception that escapes `work` is the caller's bug: wrap work that may throw.
  virtual void Post(std::function<void()> work) = 0;
  // Like Post, unless the executor is bounded and full: then false, and `work` is dropped (the
  // caller answers "busy" instead of queueing without limit). Thread-safe.
  virtual bool TryPost(std::function<void()> work) {
    Post(std::move(work));
    return true;
  }
};

}  // namespace fg
