// The embedded SQLite store: one database file in WAL mode, this process its only writer.
//
// Writes: one writer thread takes every queued write job, runs them in one transaction (each job
// inside its own savepoint, so a failed job rolls back alone; a job alone in its transaction
// needs none) and commits once: many requests, one fsync (group commit). If the savepoint plumbing
// itself fails, or SQLite rolls the transaction back under a job (disk full, I/O error), the whole
// transaction is abandoned: the job that was running fails, and the jobs before it in the batch run
// again in a fresh transaction, so a job is never reported ok when it was not committed, nor failed
// when it was. Checkpoints: the writer never copies the WAL back into the database file itself;
// after a commit that leaves the WAL at 1,000 pages or more, a checkpointer thread with its own
// connection does it beside the writer (a passive checkpoint), so no write waits for it. Reads: a
// pool of reader threads, each with its own read-only connection (all opened at start, so that
// reads never need a new file descriptor later), runs read jobs in parallel with the writer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "store/store.h"

namespace fg {

struct SqliteOptions {
  std::string path;         // the database file; created with its schema when missing
  int readers = 4;          // reader threads, one connection each
  size_t max_batch = 1024;  // write jobs committed together at most
  // fsync the WAL at every commit: acknowledged writes survive power loss.
  bool synchronous_full = true;
  // The heap SQLite may hold, page caches included; 0 = SQLite's defaults (no heap limit, 2 MiB of
  // page cache per connection). Otherwise the process-wide soft heap limit is set to it
  // (sqlite3_soft_heap_limit64: SQLite recycles its least recently used cache pages rather than
  // allocate past it, and exceeds it only when no page can be recycled), and the writer's
  // cache_size is this too, so that the limit is what binds. Being process-wide, the limit also
  // bounds any other store of the process; the store opened last sets it.
  //
  // The readers and the checkpointer keep kSmallCacheBytes at most: in WAL mode a connection
  // drops its whole page cache when it begins a read after another connection committed, so the
  // readers' caches last until the next write, and dropping a large one costs time in proportion
  // to its pages. The writer's cache survives its own commits: it is the one worth filling.
  int64_t cache_bytes = 0;
  static constexpr int64_t kSmallCacheBytes = 8 << 20;
  // Tests only: called before each transaction-control statement (BEGIN, SAVEPOINT, ROLLBACK TO,
  // RELEASE, COMMIT, migrations); returning true makes that statement fail as SQLite would.
  std::function<bool(std::string_view statement)> inject_failure;
};

// On success, a store whose schema is at the newest version. On failure (cannot open, a newer
// schema than this binary knows, a failed migration) an error naming the file.
Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

// The bytes SQLite holds on the heap now, in the whole process (sqlite3_memory_used()): what
// SqliteOptions::cache_bytes bounds. Thread-safe.
int64_t SqliteMemoryUsed();

}  // namespace fg
