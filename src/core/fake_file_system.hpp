// An in-memory FileSystem for unit tests, with fault injection: paths listed in
// `fail_writes` refuse to be written. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "core/file_system.hpp"

namespace citadel::core {

class FakeFileSystem final : public FileSystem {
 public:
  struct Entry {
    std::string content;
    mode_t mode = 0;
    bool directory = false;
  };

  bool Exists(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    return entries_.count(path) != 0;
  }
  Result<std::string> ReadFile(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path);
    if (it == entries_.end() || it->second.directory) {
      return Fail(ErrorCode::kNotFound, "no such file: " + path);
    }
    return it->second.content;
  }
  Result<void> WriteFileAtomic(const std::string& path, const std::string& content,
                               mode_t mode) override {
    std::lock_guard lock(mutex_);
    if (fail_writes.count(path)) return Fail(ErrorCode::kIo, "injected write failure: " + path);
    entries_[path] = Entry{content, mode, false};
    return {};
  }
  Result<void> CreateDirectories(const std::string& path, mode_t mode) override {
    std::lock_guard lock(mutex_);
    entries_[path] = Entry{"", mode, true};
    return {};
  }
  mode_t ModeOf(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path);
    return it == entries_.end() ? 0 : it->second.mode;
  }

  std::set<std::string> fail_writes;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

}  // namespace citadel::core
