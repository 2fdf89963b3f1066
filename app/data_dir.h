// The data directory: made when missing, proven writable before anything opens a file in it, and
// locked so that one server at a time uses it.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"

namespace fg {

// Makes `dir` and its parents when missing, then creates and removes a probe file in it, so that
// a directory the server cannot use is reported as such at start rather than as SQLite's "unable
// to open database file". On failure kInternal with a message such as
//   "data directory /srv/fg is not writable: read-only file system"
//   "data directory /srv/fg is not writable: permission denied"
//   "data directory /srv/fg is not a directory"
//   "data directory /srv/fg cannot be created: permission denied"
Status PrepareDataDir(const std::string& dir);

// As above, with the probe file created by `create_probe` (returns a file descriptor, or -1 with
// errno set) instead of open(2): lets tests cause the failures that permission bits cannot cause
// for root.
Status PrepareDataDir(const std::string& dir,
                      const std::function<int(const std::string& path)>& create_probe);

// <data_dir>/LOCK, locked with flock(2) for as long as the object lives. The kernel releases the
// lock when the process ends, however it ends (kill -9 included), so a stale LOCK file never
// keeps a server from starting.
class DataDirLock {
 public:
  // Takes the lock without waiting and writes this process's id into the file.
  // kUnavailable "data directory DIR is in use by another friendgraph process (pid N)" when
  // another process (or another DataDirLock in this one) holds it; kInternal when LOCK cannot be
  // opened.
  static Result<DataDirLock> Acquire(const std::string& dir);

  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace fg
