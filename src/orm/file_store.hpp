// FileStore: one tenant's file store, where the contents of binary fields
// live (Odoo's filestore, `<data_dir>/filestore/<tenant database>` in
// production; whoever builds the tenant's Environment gives the root).
//
// Content-addressed: a value is stored once, under
// `<root>/<first two hex digits of its name>/<name>`, and named by a
// reference "sha256:<hex>:<size>" that the model's column holds. With a
// FileSealing (file_sealing.hpp; every tenant's store in production) the
// name is the sealing's keyed name of the SHA-256 and the file holds the
// sealed (encrypted, authenticated) content; without one (tests, tools) the
// name is the SHA-256 and the file the content itself. Storing the same
// content twice (two records, two threads, a copy) is harmless and writes
// nothing the second time. A write goes to a temporary file in the same
// directory, which is fsynced and renamed, and then the directory is
// fsynced (RealFileSystem::WriteFileAtomic + SyncDirectory): a crash leaves
// either the whole file or a temporary that the garbage collector removes.
// A read checks both the size and the SHA-256 of what it read (after
// opening it, when sealed): hashing is
// far cheaper than the base64 encoding every read does anyway, and a
// truncated or altered file is reported instead of served.
//
// Files are never removed when a record is unlinked or a value overwritten
// (another record may share the content); CollectGarbage removes files that
// no binary column references any more. A file written by a call whose
// transaction rolled back stays as an orphan until then; that is accepted.
//
// All I/O goes through core::FileSystem, so tests inject faults. Paths are
// built only from 64 lowercase hex digits (a reference's, or the name the
// sealing gives, checked): nothing read from the database or a client can
// name a path outside the root.
//
// Thread-safe: several calls of one tenant store values at once. The
// FileSystem and Clock must outlive the store.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/file_system.hpp"
#include "core/result.hpp"
#include "core/sha256.hpp"
#include "orm/file_sealing.hpp"

namespace citadel::orm {

struct FileStoreOptions {
  // The largest value stored, in bytes (decoded, not base64).
  std::uint64_t max_bytes = 64ull * 1024 * 1024;
  // Files younger than this are never collected: see CollectGarbage.
  std::chrono::seconds garbage_grace = std::chrono::hours(1);
  // How files are named and sealed; null: by their SHA-256, in clear.
  std::shared_ptr<const FileSealing> sealing = nullptr;
};

// A parsed reference: "sha256:<64 lowercase hex>:<decimal size>".
struct FileReference {
  std::string sha256;  // 64 lowercase hex digits
  std::uint64_t size = 0;

  static std::optional<FileReference> Parse(std::string_view text);
  std::string ToString() const;
};

struct GarbageReport {
  std::size_t kept = 0;                 // referenced files
  std::size_t young = 0;                // unreferenced, but written within the grace period
  std::size_t removed = 0;              // unreferenced files removed
  std::size_t temporaries_removed = 0;  // leftovers of interrupted writes
  std::size_t failures = 0;             // files that could not be removed (logged)
};

class FileStore {
 public:
  FileStore(std::string root, core::FileSystem& file_system, FileStoreOptions options = {},
            const core::Clock& clock = core::SystemClock::Instance());

  const std::string& root() const { return root_; }
  std::uint64_t max_bytes() const { return options_.max_bytes; }

  // Stores `content` (at most max_bytes, else kInvalidArgument) and returns
  // its reference. When the file exists already its modification time is
  // renewed, so that the garbage collector's grace period covers the
  // transaction that now refers to it.
  core::Result<std::string> Put(std::string_view content);

  // The content a reference names: kInvalidArgument for a malformed
  // reference, kNotFound for a missing file, kInternal for a file whose size
  // or hash differs from the reference or that does not open (altered, cut,
  // swapped for another, sealed under another key); kPermissionDenied when
  // the sealing cannot be used (the tenant's key is gone).
  core::Result<std::string> Get(std::string_view reference) const;

  // Renews a referenced file's modification time (a copy now refers to it
  // too), with the same reason as Put. kNotFound if it is missing.
  core::Result<void> Retain(std::string_view reference);

  // Removes every stored file whose reference is not in `live_references`
  // (gathered by the caller from every binary column of the tenant, e.g.
  // CollectBinaryReferences in binary_field.hpp) and that is older than the
  // grace period, and temporaries of interrupted writes older than it.
  //
  // Why the grace period: a call stores its files before its transaction
  // commits, and a reference it writes is invisible to the transaction that
  // gathered `live_references` until then (REPEATABLE READ snapshots). A
  // young unreferenced file may belong to such a call, so only files older
  // than any call can last are collected. Put and Retain renew the time of
  // an existing file for the same reason; removal and renewal exclude each
  // other inside this process, so a file is never removed between a Put
  // that found it and the commit of the reference (the collector must run
  // in the process whose calls write the store, or accept that window).
  core::Result<GarbageReport> CollectGarbage(const std::set<std::string>& live_references);

 private:
  // The file's name: the sealing's, or the SHA-256 itself.
  core::Result<std::string> NameOf(const std::string& sha256_hex) const;
  std::string DirectoryOf(const std::string& name) const;
  std::string PathOf(const std::string& name) const;
  core::Result<void> Write(const std::string& name, const std::string& bytes);
  bool Expired(std::int64_t modified_unix) const;
  void CollectShard(const std::string& shard, const std::set<std::string>& live,
                    GarbageReport& report);

  std::string root_;
  core::FileSystem& file_system_;
  FileStoreOptions options_;
  const core::Clock& clock_;
  // Shared by writers (Put, Retain), exclusive for one removal: see
  // CollectGarbage.
  mutable std::shared_mutex removal_mutex_;
};

// SHA-256 of `content` as 64 lowercase hex digits (core/sha256.hpp).
using core::Sha256Hex;

}  // namespace citadel::orm
