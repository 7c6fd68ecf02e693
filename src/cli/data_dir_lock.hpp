// An exclusive lock on a data directory (flock on `<data_dir>/citadel.lock`),
// held by `citadel serve` for its whole life. It tells the CLI whether a server
// already runs the embedded cluster (then the CLI connects to it) or not (then
// the CLI starts the cluster for the duration of its command), and it refuses
// a second server on the same directory. The kernel releases it when the
// holder dies, even by kill -9. Move-only; not shared between threads.
#pragma once

#include <string>

#include "core/result.hpp"

namespace citadel::cli {

class DataDirLock {
 public:
  // kAlreadyExists if another process holds it.
  static core::Result<DataDirLock> TryAcquire(const std::string& data_dir);

  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&& other) noexcept;
  DataDirLock(const DataDirLock&) = delete;
  DataDirLock& operator=(const DataDirLock&) = delete;
  ~DataDirLock();

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace citadel::cli
