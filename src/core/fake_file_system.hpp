// An in-memory FileSystem for unit tests, with fault injection: paths listed in
// `fail_writes` refuse to be written. Thread-safe.
//
// Modification times come from `clock` when set (a FakeClock makes "an hour
// later" a call), else from the system clock; SetModified backdates one.
// A directory exists when it was created or when an entry lies under it.
#pragma once

#include <map>
#include <mutex>
#include <set>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/file_system.hpp"

namespace citadel::core {

class FakeFileSystem final : public FileSystem {
 public:
  struct Entry {
    std::string content;
    mode_t mode = 0;
    bool directory = false;
    std::int64_t modified_unix = 0;
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
    entries_[path] = Entry{content, mode, false, NowUnix()};
    return {};
  }
  Result<void> CreateDirectories(const std::string& path, mode_t mode) override {
    std::lock_guard lock(mutex_);
    entries_[path] = Entry{"", mode, true, NowUnix()};
    return {};
  }
  Result<FileStatus> Status(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path);
    if (it != entries_.end()) {
      return FileStatus{it->second.directory, it->second.content.size(), it->second.modified_unix};
    }
    if (HasEntryUnder(path)) return FileStatus{true, 0, 0};
    return Fail(ErrorCode::kNotFound, "no such file: " + path);
  }
  Result<std::vector<DirectoryEntry>> ListDirectory(const std::string& path) const override {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(path);
    if ((found == entries_.end() && !HasEntryUnder(path)) ||
        (found != entries_.end() && !found->second.directory)) {
      return Fail(ErrorCode::kNotFound, "no such directory: " + path);
    }
    const std::string prefix = path + "/";
    std::map<std::string, FileStatus> children;
    for (auto it = entries_.lower_bound(prefix);
         it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      const std::string_view rest = std::string_view(it->first).substr(prefix.size());
      const auto slash = rest.find('/');
      const std::string name(rest.substr(0, slash));
      if (slash != std::string_view::npos) {
        children.try_emplace(name, FileStatus{true, 0, 0});
      } else {
        children[name] =
            FileStatus{it->second.directory, it->second.content.size(), it->second.modified_unix};
      }
    }
    std::vector<DirectoryEntry> out;
    for (auto& [name, status] : children) out.push_back({name, status});
    return out;
  }
  Result<void> RemoveFile(const std::string& path) override {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path);
    if (it == entries_.end() || it->second.directory) {
      return Fail(ErrorCode::kNotFound, "no such file: " + path);
    }
    entries_.erase(it);
    return {};
  }
  Result<void> SyncDirectory(const std::string& path) override {
    std::lock_guard lock(mutex_);
    synced_directories_.push_back(path);
    return {};
  }
  Result<void> TouchFile(const std::string& path) override {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path);
    if (it == entries_.end()) return Fail(ErrorCode::kNotFound, "no such file: " + path);
    it->second.modified_unix = NowUnix();
    return {};
  }
  // Test helpers.
  void SetModified(const std::string& path, std::int64_t modified_unix) {
    std::lock_guard lock(mutex_);
    entries_.at(path).modified_unix = modified_unix;
  }
  std::vector<std::string> SyncedDirectories() const {
    std::lock_guard lock(mutex_);
    return synced_directories_;
  }
  mode_t ModeOf(const std::string& path) const {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(path);
    return it == entries_.end() ? 0 : it->second.mode;
  }

  std::set<std::string> fail_writes;
  const Clock* clock = nullptr;

 private:
  std::int64_t NowUnix() const {
    return clock != nullptr ? clock->UnixSeconds() : SystemClock::Instance().UnixSeconds();
  }
  bool HasEntryUnder(const std::string& path) const {
    auto it = entries_.lower_bound(path + "/");
    return it != entries_.end() && it->first.compare(0, path.size() + 1, path + "/") == 0;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  std::vector<std::string> synced_directories_;
};

}  // namespace citadel::core
