// A complete backup as the plain .tar the customer downloads (dump, file
// store, manifest; BackupService::Export), sized before a byte of it is
// decrypted and cut to any byte range, for HTTP's Content-Length and Range.
//
// The archive inside a backup is compressed whole, so a range is reached by
// decrypting from the start and discarding what precedes it (CPU, no
// memory); the bytes of a range are exactly those bytes of the whole, since
// the .tar is deterministic (backup/tar_writer.hpp). Export's checks still
// hold: every chunk is authenticated (AES-256-GCM) before a byte of it is
// passed on.
//
// Blocks (sites, decryption): call it on a worker. Thread-safe as
// BackupService.
#pragma once

#include <cstdint>
#include <string>

#include "backup/byte_sink.hpp"
#include "platform/backup_service.hpp"

namespace citadel::platform {

// The size of the plain .tar of `row`, from the catalog's manifest.
core::Result<std::uint64_t> PlainArchiveSize(const BackupRow& row);

// Writes bytes [first, first + count) of the plain .tar of `backup_id` to
// `out`, then closes it; stops decrypting once the range is written.
core::Result<void> ExportRange(BackupService& backups, const std::string& backup_id, std::uint64_t first,
                               std::uint64_t count, backup::ByteSink& out);

}  // namespace citadel::platform
