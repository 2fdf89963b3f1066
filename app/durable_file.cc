#include "app/durable_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fg {
namespace {

Status Failed(const std::string& what, int err) {
  return Status(Code::kInternal, what + ": " + std::strerror(err));
}

Status WriteAll(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Failed(name + ": write", errno);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status WriteFileDurably(const std::string& path, std::string_view content, mode_t mode) {
  std::string tmp = path + ".tmp";
  // A leftover from a crash may carry other permissions: O_EXCL makes the file ours, with `mode`.
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT) return Failed(tmp + ": unlink", errno);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return Failed(tmp + ": create", errno);
  Status status = WriteAll(fd, content, tmp);
  // Without this fsync the rename could reach the disk before the data: an empty file after a
  // power loss.
  if (status.ok() && ::fsync(fd) != 0) status = Failed(tmp + ": fsync", errno);
  if (::close(fd) != 0 && status.ok()) status = Failed(tmp + ": close", errno);
  if (status.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    status = Failed(path + ": rename", errno);
  }
  if (!status.ok()) {
    ::unlink(tmp.c_str());
    return status;
  }
  // The rename is a change to the directory: durable only once the directory is synced.
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return Failed(dir + ": open", errno);
  if (::fsync(dir_fd) != 0) status = Failed(dir + ": fsync", errno);
  ::close(dir_fd);
  return status;
}

}  // namespace fg
