#include "orm/file_store.hpp"

#include <algorithm>
#include <charconv>
#include <mutex>

#include "core/logger.hpp"

namespace citadel::orm {
namespace {

constexpr std::string_view kPrefix = "sha256:";
constexpr std::size_t kHexDigits = 64;
constexpr mode_t kFileMode = 0600;
constexpr mode_t kDirectoryMode = 0700;
// What RealFileSystem::WriteFileAtomic puts between the name and its random
// suffix while it writes.
constexpr std::string_view kTemporaryMark = ".tmp-";

bool IsLowerHex(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool IsHashName(std::string_view name) { return name.size() == kHexDigits && IsLowerHex(name); }

}  // namespace

std::optional<FileReference> FileReference::Parse(std::string_view text) {
  if (!text.starts_with(kPrefix)) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  if (text.size() < kHexDigits + 2 || text[kHexDigits] != ':') return std::nullopt;
  FileReference reference;
  reference.sha256 = std::string(text.substr(0, kHexDigits));
  if (!IsLowerHex(reference.sha256)) return std::nullopt;
  const std::string_view size = text.substr(kHexDigits + 1);
  // One spelling per size: no sign, no leading zero.
  if (size.size() > 1 && size.front() == '0') return std::nullopt;
  auto [end, error] = std::from_chars(size.data(), size.data() + size.size(), reference.size);
  if (error != std::errc() || end != size.data() + size.size()) return std::nullopt;
  return reference;
}

std::string FileReference::ToString() const {
  return std::string(kPrefix) + sha256 + ":" + std::to_string(size);
}

FileStore::FileStore(std::string root, core::FileSystem& file_system, FileStoreOptions options,
                     const core::Clock& clock)
    : root_(std::move(root)), file_system_(file_system), options_(options), clock_(clock) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

core::Result<std::string> FileStore::NameOf(const std::string& sha256_hex) const {
  if (!options_.sealing) return sha256_hex;
  auto name = options_.sealing->FileName(sha256_hex);
  if (name && !IsHashName(*name)) {
    return core::Fail(core::ErrorCode::kInternal, "file store: the sealing gave a malformed file name");
  }
  return name;
}

std::string FileStore::DirectoryOf(const std::string& name) const {
  return root_ + "/" + name.substr(0, 2);
}

std::string FileStore::PathOf(const std::string& name) const { return DirectoryOf(name) + "/" + name; }

core::Result<std::string> FileStore::Put(std::string_view content) {
  if (content.size() > options_.max_bytes) {
    return core::Fail(core::ErrorCode::kInvalidArgument,
                      "a value of " + std::to_string(content.size()) +
                          " bytes exceeds the file store's maximum of " +
                          std::to_string(options_.max_bytes) + " bytes");
  }
  const FileReference reference{Sha256Hex(content), content.size()};
  auto name = NameOf(reference.sha256);
  if (!name) return core::Unexpected(name.error());
  const std::uint64_t stored_size =
      options_.sealing ? options_.sealing->SealedSize(reference.size) : reference.size;
  std::shared_lock lock(removal_mutex_);
  const std::string path = PathOf(*name);
  auto status = file_system_.Status(path);
  // Same name, same size: the same content (SHA-256, or a keyed hash of
  // it). Renewing its time is enough; if that fails, writing it again
  // renews it too.
  if (status && !status->directory && status->size == stored_size && file_system_.TouchFile(path)) {
    return reference.ToString();
  }
  if (!options_.sealing) {
    if (auto written = Write(*name, std::string(content)); !written) return core::Unexpected(written.error());
    return reference.ToString();
  }
  auto sealed = options_.sealing->Seal(reference.sha256, content);
  if (!sealed) return core::Unexpected(sealed.error());
  if (auto written = Write(*name, *sealed); !written) return core::Unexpected(written.error());
  return reference.ToString();
}

core::Result<void> FileStore::Write(const std::string& name, const std::string& bytes) {
  const std::string directory = DirectoryOf(name);
  const bool new_directory = !file_system_.Status(directory);
  if (new_directory) {
    if (auto made = file_system_.CreateDirectories(directory, kDirectoryMode); !made) return made;
  }
  // Temporary file in `directory`, fsync, rename (a failure removes it).
  if (auto written = file_system_.WriteFileAtomic(PathOf(name), bytes, kFileMode); !written) {
    return written;
  }
  // The rename is durable once its directory is; a new directory's name
  // once the root is.
  if (auto synced = file_system_.SyncDirectory(directory); !synced) return synced;
  if (new_directory) return file_system_.SyncDirectory(root_);
  return {};
}

core::Result<std::string> FileStore::Get(std::string_view text) const {
  const auto reference = FileReference::Parse(text);
  if (!reference)
    return core::Fail(core::ErrorCode::kInvalidArgument, "malformed file store reference");
  auto name = NameOf(reference->sha256);
  if (!name) return core::Unexpected(name.error());
  const std::string path = PathOf(*name);
  auto content = file_system_.ReadFile(path);
  if (!content) return content;
  if (options_.sealing) {
    auto opened = options_.sealing->Open(reference->sha256, *content);
    if (!opened) {
      if (opened.error().code == core::ErrorCode::kPermissionDenied) return opened;
      return core::Fail(core::ErrorCode::kInternal,
                        "file store: " + path + " does not open: " + opened.error().message);
    }
    content = std::move(opened);
  }
  if (content->size() != reference->size) {
    return core::Fail(core::ErrorCode::kInternal,
                      "file store: " + path + " holds " + std::to_string(content->size()) +
                          " bytes, its reference says " + std::to_string(reference->size));
  }
  if (Sha256Hex(*content) != reference->sha256) {
    return core::Fail(core::ErrorCode::kInternal,
                      "file store: " + path + " does not match its SHA-256");
  }
  return content;
}

core::Result<void> FileStore::Retain(std::string_view text) {
  const auto reference = FileReference::Parse(text);
  if (!reference)
    return core::Fail(core::ErrorCode::kInvalidArgument, "malformed file store reference");
  auto name = NameOf(reference->sha256);
  if (!name) return core::Unexpected(name.error());
  std::shared_lock lock(removal_mutex_);
  return file_system_.TouchFile(PathOf(*name));
}

bool FileStore::Expired(std::int64_t modified_unix) const {
  return clock_.UnixSeconds() - modified_unix >= options_.garbage_grace.count();
}

core::Result<GarbageReport> FileStore::CollectGarbage(
    const std::set<std::string>& live_references) {
  // A sealing that cannot name files (its key is gone) must not let the
  // collector see every file as unreferenced.
  if (options_.sealing) {
    if (auto usable = NameOf(std::string(kHexDigits, '0')); !usable) return core::Unexpected(usable.error());
  }
  // The names the live references have on disk.
  std::set<std::string> live;
  for (const std::string& text : live_references) {
    auto reference = FileReference::Parse(text);
    if (!reference) continue;
    auto name = NameOf(reference->sha256);
    if (!name) return core::Unexpected(name.error());
    live.insert(std::move(*name));
  }
  GarbageReport report;
  auto shards = file_system_.ListDirectory(root_);
  if (!shards) {
    // A store nothing was ever written to has no directory yet.
    if (shards.error().code == core::ErrorCode::kNotFound) return report;
    return core::Unexpected(shards.error());
  }
  for (const core::DirectoryEntry& shard : *shards) {
    if (shard.status.directory && shard.name.size() == 2 && IsLowerHex(shard.name)) {
      CollectShard(shard.name, live, report);
    }
  }
  return report;
}

void FileStore::CollectShard(const std::string& shard, const std::set<std::string>& live,
                             GarbageReport& report) {
  const std::string directory = root_ + "/" + shard;
  auto entries = file_system_.ListDirectory(directory);
  if (!entries) {
    ++report.failures;
    core::Log().Warn("file store garbage collection cannot list a directory",
                     {{"error", entries.error().message}});
    return;
  }
  for (const core::DirectoryEntry& entry : *entries) {
    if (entry.status.directory) continue;
    const std::string path = directory + "/" + entry.name;
    const auto mark = entry.name.find(kTemporaryMark);
    const bool temporary = mark != std::string::npos && IsHashName(entry.name.substr(0, mark));
    if (!temporary && !(IsHashName(entry.name) && entry.name.starts_with(shard)))
      continue;  // not ours
    if (!temporary && live.contains(entry.name)) {
      ++report.kept;
      continue;
    }
    if (!Expired(entry.status.modified_unix)) {
      ++report.young;
      continue;
    }
    std::unique_lock lock(removal_mutex_);
    // A Put or Retain may have renewed it since the listing.
    auto status = file_system_.Status(path);
    if (!status) continue;  // gone already
    if (!Expired(status->modified_unix)) {
      ++report.young;
      continue;
    }
    if (auto removed = file_system_.RemoveFile(path); !removed) {
      ++report.failures;
      core::Log().Warn("file store garbage collection cannot remove a file",
                       {{"error", removed.error().message}});
      continue;
    }
    ++(temporary ? report.temporaries_removed : report.removed);
  }
}

}  // namespace citadel::orm
