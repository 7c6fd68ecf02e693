// The file seam: code that reads or writes the data directory (keys, the CA,
// the server secret) goes through FileSystem, so unit tests use an in-memory
// FakeFileSystem (core/fake_file_system.hpp) and can inject faults.
//
// Writes are atomic: a file is written under a temporary name, synced, and
// renamed, so a crash never leaves half a key. Implementations are thread-safe.
#pragma once

#include <string>
#include <sys/types.h>

#include "core/result.hpp"

namespace citadel::core {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  virtual bool Exists(const std::string& path) const = 0;
  virtual Result<std::string> ReadFile(const std::string& path) const = 0;
  // Creates or replaces `path` with `content`, with permission bits `mode`.
  virtual Result<void> WriteFileAtomic(const std::string& path, const std::string& content,
                                       mode_t mode) = 0;
  // Creates the directory and its parents; the last one gets `mode`.
  virtual Result<void> CreateDirectories(const std::string& path, mode_t mode) = 0;
};

class RealFileSystem final : public FileSystem {
 public:
  bool Exists(const std::string& path) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<void> WriteFileAtomic(const std::string& path, const std::string& content,
                               mode_t mode) override;
  Result<void> CreateDirectories(const std::string& path, mode_t mode) override;
  static RealFileSystem& Instance();
};

}  // namespace citadel::core
