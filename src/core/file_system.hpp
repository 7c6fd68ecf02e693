// The file seam: code that reads or writes the data directory (keys, the CA,
// the server secret) goes through FileSystem, so unit tests use an in-memory
// FakeFileSystem (core/fake_file_system.hpp) and can inject faults.
//
// Writes are atomic: a file is written under a temporary name, synced, and
// renamed, so a crash never leaves half a key. Implementations are thread-safe.
//
// The calls after CreateDirectories (status, listing, removal, directory
// sync, touch) serve stores that manage many files (orm/file_store.hpp).
// They have default bodies that fail with kInternal "not supported", so an
// implementation written before them still builds; RealFileSystem and
// FakeFileSystem implement them all.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include "core/result.hpp"

namespace citadel::core {

// What a directory entry is: its kind, size and last modification time.
struct FileStatus {
  bool directory = false;
  std::uint64_t size = 0;
  std::int64_t modified_unix = 0;  // seconds since the Unix epoch
};

struct DirectoryEntry {
  std::string name;  // the entry's name inside the directory, not a path
  FileStatus status;
};

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

  // kNotFound when `path` does not exist.
  virtual Result<FileStatus> Status(const std::string& path) const;
  // The entries of a directory (without "." and ".."), in no given order.
  virtual Result<std::vector<DirectoryEntry>> ListDirectory(const std::string& path) const;
  // Removes a file (not a directory); kNotFound when it does not exist.
  virtual Result<void> RemoveFile(const std::string& path);
  // fsync of a directory: makes the names created or renamed in it durable
  // (a rename is only durable once its directory is synced).
  virtual Result<void> SyncDirectory(const std::string& path);
  // Sets a file's modification time to now.
  virtual Result<void> TouchFile(const std::string& path);
};

class RealFileSystem final : public FileSystem {
 public:
  bool Exists(const std::string& path) const override;
  Result<std::string> ReadFile(const std::string& path) const override;
  Result<void> WriteFileAtomic(const std::string& path, const std::string& content,
                               mode_t mode) override;
  Result<void> CreateDirectories(const std::string& path, mode_t mode) override;
  Result<FileStatus> Status(const std::string& path) const override;
  Result<std::vector<DirectoryEntry>> ListDirectory(const std::string& path) const override;
  Result<void> RemoveFile(const std::string& path) override;
  Result<void> SyncDirectory(const std::string& path) override;
  Result<void> TouchFile(const std::string& path) override;
  static RealFileSystem& Instance();
};

}  // namespace citadel::core
