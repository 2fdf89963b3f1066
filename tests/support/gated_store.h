// GatedStore: a Store that forwards to another, holding every read job while its gate is closed,
// as a disk that has not answered yet would. For tests that assert what waits for a read.
#pragma once

#include <mutex>
#include <utility>
#include <vector>

#include "store/store.h"

namespace fg::testing {

class GatedStore final : public Store {
 public:
  explicit GatedStore(Store& inner) : inner_(inner) {}

  void Close() override { inner_.Close(); }
  Result<AppId> EnsureApp(std::string_view name) override { return inner_.EnsureApp(name); }
  Result<std::string> EnsureSetting(std::string_view key, std::string_view value) override {
    return inner_.EnsureSetting(key, value);
  }
  void Write(WriteJob job, Done done) override { inner_.Write(std::move(job), std::move(done)); }
  bool sole_writer() const override { return inner_.sole_writer(); }
  void Read(ReadJob job, Done done) override {
    {
      std::lock_guard lock(mu_);
      if (closed_) {
        held_.push_back({std::move(job), std::move(done)});
        return;
      }
    }
    inner_.Read(std::move(job), std::move(done));
  }

  void CloseGate() {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  size_t held() {
    std::lock_guard lock(mu_);
    return held_.size();
  }
  void OpenGate() {
    std::vector<std::pair<ReadJob, Done>> held;
    {
      std::lock_guard lock(mu_);
      closed_ = false;
      held.swap(held_);
    }
    for (auto& [job, done] : held) inner_.Read(std::move(job), std::move(done));
  }

 private:
  Store& inner_;
  std::mutex mu_;
  bool closed_ = false;
  std::vector<std::pair<ReadJob, Done>> held_;
};

}  // namespace fg::testing
