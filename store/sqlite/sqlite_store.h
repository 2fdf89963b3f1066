// The embedded SQLite store: one database file in WAL mode.
//
// One writer thread takes every queued write job, runs them in one transaction (each job inside
// its own savepoint, so a failed job rolls back alone) and commits once: many requests, one fsync.
// Readers use a pool of read-only connections and run in parallel with the writer.
#pragma once

#include <memory>
#include <string>

#include "base/status.h"
#include "store/store.h"

namespace fg {

struct SqliteOptions {
  std::string path;         // the database file; created with its schema when missing
  int max_readers = 4;      // read connections, all opened (with their files) with the store
  size_t max_batch = 1024;  // write jobs committed together at most
  bool synchronous_full =
      true;  // fsync the WAL at every commit: acknowledged writes survive power loss
};

// On success, a store whose schema is at the newest version. On failure (cannot open, a newer
// schema than this binary knows, a failed migration) an error naming the file.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace fg
