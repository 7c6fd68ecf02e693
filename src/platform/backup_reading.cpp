#include "platform/backup_reading.hpp"

#include "backup/backup_file.hpp"
#include "core/sha256.hpp"
#include "platform/progress_meter.hpp"

namespace citadel::platform {

using core::ErrorCode;
using core::Fail;

core::Result<OpenedBackup> OpenCompleteBackup(const BackupRow& row, BackupCatalog& catalog,
                                              const BackupServiceOptions& options, const backup::MasterKey& master) {
  if (row.state != "complete") {
    return Fail(ErrorCode::kInvalidArgument, "backup " + row.id + " is " + row.state + ", not complete");
  }
  auto opened = OpenSitesAndKeys(catalog, options, master);
  if (!opened) return core::Unexpected(opened.error());
  auto key = opened->keys->Get(row.tenant_db);
  if (!key) return core::Unexpected(key.error());
  auto copy = OpenReadableCopy(row, opened->sites);
  if (!copy) return core::Unexpected(copy.error());
  return OpenedBackup{std::move(*opened), std::move(*key), std::move(*copy)};
}

core::Result<ReadableCopy> OpenReadableCopy(const BackupRow& row, const OpenedSites& sites) {
  std::string unreachable;
  for (const auto& candidate : row.copies) {
    for (const auto& named : sites.named) {
      if (named.name != candidate.site) continue;
      auto reader = named.site->OpenRead(candidate.path, 0);
      if (!reader) {
        unreachable += candidate.site + ": " + reader.error().message + "; ";
        continue;
      }
      return ReadableCopy{&candidate, std::move(*reader)};
    }
  }
  if (unreachable.empty()) unreachable = "no recorded copy is on a configured site";
  return Fail(ErrorCode::kUnavailable, "no copy of backup " + row.id + " can be read: " + unreachable);
}

core::Result<std::uint64_t> ReadBackupCopy(const BackupRow& row, ReadableCopy& copy, const backup::TenantKey& key,
                                           backup::ArchiveVisitor& visitor, const ProgressReporter& progress,
                                           const std::string& stage) {
  backup::BackupFileReader file(
      [&](const backup::BackupEnvelope& envelope) -> core::Result<backup::TenantKey> {
        if (envelope.tenant != row.tenant_db || envelope.backup_id != row.id) {
          return Fail(ErrorCode::kPermissionDenied, "the file at " + copy.copy->path + " is backup " +
                                                        envelope.backup_id + " of " + envelope.tenant + ", not " +
                                                        row.id + " of " + row.tenant_db);
        }
        return key;
      },
      visitor);
  core::Sha256Stream digest;
  ProgressMeter meter(progress, stage);
  while (true) {
    auto chunk = copy.reader->Read(kBackupStreamChunk);
    if (!chunk) return core::Unexpected(chunk.error());
    if (chunk->empty()) break;
    digest.Update(*chunk);
    meter.Add(chunk->size());
    if (auto written = file.Write(*chunk); !written) return core::Unexpected(written.error());
  }
  meter.Add(0, true);
  if (auto closed = file.Close(); !closed) return core::Unexpected(closed.error());
  if (digest.HexDigest() != copy.copy->sha256) {
    return Fail(ErrorCode::kIo, "the copy on " + copy.copy->site + " differs from the one recorded (SHA-256)");
  }
  return digest.bytes();
}

}  // namespace citadel::platform
