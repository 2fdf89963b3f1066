#include "app/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fg {
namespace {

// strerror's text as the tail of a sentence: "Permission denied" -> "permission denied".
std::string Reason(int err) {
  std::string text = std::strerror(err);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

Status DirError(const std::string& dir, const std::string& what) {
  return Status(Code::kInternal, "data directory " + dir + " " + what);
}

}  // namespace

Status PrepareDataDir(const std::string& dir) {
  return PrepareDataDir(dir, [](const std::string& path) {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  });
}

Status PrepareDataDir(const std::string& dir,
                      const std::function<int(const std::string& path)>& create_probe) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::error_code ignored;
  if (std::filesystem::exists(dir, ignored) && !std::filesystem::is_directory(dir, ignored)) {
    return DirError(dir, "is not a directory");
  }
  if (ec) return DirError(dir, "cannot be created: " + Reason(ec.value()));
  // Creating a file is the one test that cannot disagree with what SQLite does next: access(2)
  // checks the real user, not the effective one, and knows nothing of exhausted inodes.
  std::string probe =
      (std::filesystem::path(dir) / (".probe-" + std::to_string(::getpid()))).string();
  int fd = create_probe(probe);
  if (fd < 0) return DirError(dir, "is not writable: " + Reason(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return Status::Ok();
}

Result<DataDirLock> DataDirLock::Acquire(const std::string& dir) {
  std::string path = (std::filesystem::path(dir) / "LOCK").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status(Code::kInternal, path + ": " + Reason(errno));
  // flock, not fcntl: fcntl locks are per process, so a second lock taken by the same process
  // would succeed, and closing any descriptor of the file would drop them.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    char pid[32] = {};
    ssize_t n = ::pread(fd, pid, sizeof pid - 1, 0);
    ::close(fd);
    if (err != EWOULDBLOCK) return Status(Code::kInternal, path + ": lock: " + Reason(err));
    std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "";
    while (!holder.empty() && std::isspace(static_cast<unsigned char>(holder.back()))) {
      holder.pop_back();
    }
    return Status(Code::kUnavailable, "data directory " + dir +
                                          " is in use by another friendgraph process" +
                                          (holder.empty() ? "" : " (pid " + holder + ")"));
  }
  // The pid is for the message above and for operators; the lock itself is what counts.
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    int err = errno;
    ::close(fd);
    return Status(Code::kInternal, path + ": " + Reason(err));
  }
  return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace fg
