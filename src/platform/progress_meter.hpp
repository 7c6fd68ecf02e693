// Progress of a long backup stage, reported to a ProgressReporter at most
// every 500 ms and once at the end of the stage.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "platform/backup_service.hpp"

namespace citadel::platform {

inline constexpr std::size_t kBackupStreamChunk = 1 << 20;

class ProgressMeter {
 public:
  ProgressMeter(const ProgressReporter& report, std::string stage)
      : report_(report), stage_(std::move(stage)), started_(std::chrono::steady_clock::now()) {}
  void Add(std::uint64_t bytes, bool final = false) {
    bytes_ += bytes;
    auto now = std::chrono::steady_clock::now();
    if (!report_ || (!final && now - last_ < std::chrono::milliseconds(500))) return;
    last_ = now;
    report_(BackupProgress{stage_, bytes_, std::chrono::duration_cast<std::chrono::milliseconds>(now - started_)});
  }
  std::uint64_t bytes() const { return bytes_; }

 private:
  const ProgressReporter& report_;
  std::string stage_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_{};
  std::uint64_t bytes_ = 0;
};

}  // namespace citadel::platform
