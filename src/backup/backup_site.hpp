// A site: one place backups are kept (a local directory, or an SFTP server in
// another data center). Everything the backup service does with a site goes
// through this interface, so every kind of site passes the same contract test
// (backup_site_contract.hpp).
//
// Paths are relative to the site's root, '/'-separated, made of the
// characters [A-Za-z0-9._-] with no empty, "." or ".." component: a site
// refuses anything else with kInvalidArgument, so a name from a catalog row
// can never escape the root.
//
// An upload is written under a temporary name (the final name with
// ".partial" added) and becomes visible under its final name only in
// Commit, after it was synced and read back whole with the same digest
// (XXH3-128, read_back_digest.hpp; the copy's recorded SHA-256 is of the bytes
// written): a reader never sees a half-written backup, and a copy the site
// damaged is never recorded as good. Implementations are safe to use from one thread at
// a time per object; a site object may open several uploads in turn.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backup/byte_sink.hpp"
#include "core/result.hpp"

namespace citadel::backup {

enum class SiteKind { kLocalDirectory, kSftp };

// What a committed copy is: where, how big, and its content's digest.
struct SiteCopy {
  std::string path;
  std::uint64_t size = 0;
  std::string sha256_hex;  // of the bytes stored, as 64 lowercase hex digits
};

struct SiteEntry {
  std::string name;  // inside the listed directory, not a path
  bool directory = false;
  std::uint64_t size = 0;
};

// The state of a site as `citadel site check` reports it.
struct SiteHealth {
  bool reachable = false;
  bool writable = false;                      // a probe file was written, read back and removed
  std::optional<std::uint64_t> free_bytes;    // when the site can tell
  std::chrono::milliseconds round_trip{0};    // of the probe
  std::string detail;                         // why not, when not reachable or writable
};

class SiteUpload : public ByteSink {
 public:
  // Close() of ByteSink is Commit() without its result; prefer Commit.
  // Syncs, re-reads the temporary file and checks its digest against the
  // bytes written, then renames it to its final name (replacing nothing: an
  // existing final name is kAlreadyExists) and syncs the directory.
  virtual core::Result<SiteCopy> Commit() = 0;
  // Removes the temporary file. Called by the destructor if neither Commit
  // nor Abort was; never throws.
  virtual void Abort() = 0;
};

class SiteReader {
 public:
  virtual ~SiteReader() = default;
  // Reads up to `max_bytes`; an empty string is the end of the file.
  virtual core::Result<std::string> Read(std::size_t max_bytes) = 0;
};

class BackupSite {
 public:
  virtual ~BackupSite() = default;
  virtual SiteKind kind() const = 0;
  // Creates the parent directories of `path` as needed.
  virtual core::Result<std::unique_ptr<SiteUpload>> BeginUpload(std::string_view path) = 0;
  // Reads `path` from byte `offset`.
  virtual core::Result<std::unique_ptr<SiteReader>> OpenRead(std::string_view path,
                                                             std::uint64_t offset) = 0;
  // kNotFound when the directory does not exist.
  virtual core::Result<std::vector<SiteEntry>> List(std::string_view directory) = 0;
  // kNotFound when the file does not exist.
  virtual core::Result<SiteEntry> Stat(std::string_view path) = 0;
  // Removes a file; kNotFound when it does not exist.
  virtual core::Result<void> Remove(std::string_view path) = 0;
  virtual SiteHealth Check() = 0;
};

// Checks a site-relative path against the rule above; the message says what
// is wrong. Shared by every implementation.
core::Result<void> CheckSitePath(std::string_view path);

// The directory part of a '/'-separated path ("a/b/c" -> "a/b"; "c" -> "").
std::string SiteParentDirectory(const std::string& path);

}  // namespace citadel::backup
