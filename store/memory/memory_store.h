// An in-memory store: the whole graph in ordered maps, for unit tests of the rules without a
// database. It keeps the full Store contract (store/store.h) and runs in the store contract suite.
//
// One worker thread runs every job, reads and writes, in the order they were queued; a failed
// write job is undone from an undo log. Nothing survives the object.
#pragma once

#include <memory>

#include "store/store.h"

namespace fg {

struct MemoryStoreOptions {
  // What sole_writer() answers (a test can pose as a shared database).
  bool sole_writer = true;
  // Runs every write job twice, rolling the first run back, as a backend that retries after a
  // conflict would: a job with effects outside its transaction shows up in tests.
  bool run_jobs_twice = false;
};

std::unique_ptr<Store> NewMemoryStore(const MemoryStoreOptions& options = {});

}  // namespace fg
