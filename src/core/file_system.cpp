#include "core/file_system.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/random.hpp"

namespace citadel::core {
namespace {

Unexpected IoError(const std::string& what, const std::string& path, int err) {
  return Fail(ErrorCode::kIo, what + " " + path + ": " + std::strerror(err));
}

}  // namespace

bool RealFileSystem::Exists(const std::string& path) const {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::string> RealFileSystem::ReadFile(const std::string& path) const {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such file: " + path);
    return IoError("cannot open", path, errno);
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return IoError("cannot read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<void> RealFileSystem::WriteFileAtomic(const std::string& path, const std::string& content,
                                             mode_t mode) {
  std::string tmp = path + ".tmp-" + RandomHex(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create", tmp, errno);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write", tmp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  // fchmod because the umask may have narrowed `mode` at creation.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError("cannot sync", tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot rename into", path, err);
  }
  return {};
}

Result<void> RealFileSystem::CreateDirectories(const std::string& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create directory " + path + ": " + ec.message());
  if (::chmod(path.c_str(), mode) != 0) return IoError("cannot chmod", path, errno);
  return {};
}

RealFileSystem& RealFileSystem::Instance() {
  static RealFileSystem fs;
  return fs;
}

}  // namespace citadel::core
