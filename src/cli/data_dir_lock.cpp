#include "cli/data_dir_lock.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace citadel::cli {

core::Result<DataDirLock> DataDirLock::TryAcquire(const std::string& data_dir) {
  std::string path = data_dir + "/citadel.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return core::Fail(core::ErrorCode::kIo, "cannot open " + path + ": " + std::strerror(errno));
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return core::Fail(core::ErrorCode::kAlreadyExists,
                        "another citadel serve is already running on " + data_dir);
    }
    return core::Fail(core::ErrorCode::kIo, "cannot lock " + path + ": " + std::strerror(err));
  }
  return DataDirLock(fd);
}

DataDirLock& DataDirLock::operator=(DataDirLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace citadel::cli
