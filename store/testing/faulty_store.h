// FaultyStore: wraps a store and makes chosen operations fail, as leveldb's EnvWrapper does, so
// that tests can walk every storage-failure path of the code above the store. Tests only.
//
// A failure is armed for the next job queued. A store may run a job more than once: an armed job
// fails the same way in every run. Thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "store/store.h"

namespace fg::testing {

class FaultyStore final : public Store {
 public:
  explicit FaultyStore(Store& inner) : inner_(inner) {}

  // In the next write job, its nth write through the WriteTxn (InsertUser, PutEdge,
  // SaveCounters, …) throws StoreFailure, as a full disk would: the job is rolled back and
  // completes with kInternal.
  void FailNextJobAtWrite(int n) { fail_at_write_ = n; }
  // The next write job fails after running, as a failed commit would: nothing it wrote is kept
  // and it completes with kInternal.
  void FailNextCommit() { fail_commit_ = true; }
  // The next read job completes with kInternal without running.
  void FailNextRead() { fail_read_ = true; }
  // How many writes the last write job made in its last run: its failure points.
  int last_job_writes() const { return last_job_writes_; }

  Result<AppId> EnsureApp(std::string_view name) override { return inner_.EnsureApp(name); }
  Result<std::string> EnsureSetting(std::string_view key,
                                    std::string_view value_if_absent) override {
    return inner_.EnsureSetting(key, value_if_absent);
  }
  void Read(ReadJob job, Done done) override;
  void Write(WriteJob job, Done done) override;
  bool sole_writer() const override { return inner_.sole_writer(); }
  void Close() override { inner_.Close(); }

  // Records the writes of a job's run, for last_job_writes().
  void set_last_job_writes(int n) { last_job_writes_ = n; }

 private:
  Store& inner_;
  std::atomic<int> fail_at_write_{0};
  std::atomic<bool> fail_commit_{false};
  std::atomic<bool> fail_read_{false};
  std::atomic<int> last_job_writes_{0};
};

}  // namespace fg::testing
