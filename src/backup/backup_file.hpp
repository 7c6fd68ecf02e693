// A backup file, as stored on every site:
//
//   "CITBKUP1" | envelope length u32 big-endian | envelope (JSON, <= 16 KiB)
//   | sealed stream (sealed_stream.hpp) of the zstd (zstd_stage.hpp) of the
//     archive (archive_stream.hpp): the dump, the file store, the manifest.
//
// The envelope says whose backup it is and carries the backup's data key,
// fresh and random for each backup, wrapped by the tenant's key
// (tenant_key_store.hpp) with the tenant, the backup id and the tenant key id
// as associated data. The sealed stream's context is the tenant and the
// backup id too, so an envelope moved onto another backup's body, or a file
// presented as another tenant's, fails to open. The envelope is in clear
// (nothing in it is secret) so that a site's files can be listed and matched
// to tenants without any key — and after crypto-shredding, still no key
// opens them.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "backup/archive_stream.hpp"
#include "backup/byte_sink.hpp"
#include "backup/tenant_key_store.hpp"
#include "core/result.hpp"

namespace citadel::backup {

inline constexpr std::string_view kBackupFileMagic = "CITBKUP1";
inline constexpr std::size_t kMaxEnvelopeBytes = 16 * 1024;

struct BackupEnvelope {
  std::string backup_id;         // [a-z0-9-], names the file
  std::string tenant;            // the tenant's database name (its key's name)
  std::string tenant_key_id;
  std::string wrapped_data_key;  // raw bytes (base64 in the JSON)
  std::string created_at;        // RFC 3339, UTC
};

std::string EncodeEnvelope(const BackupEnvelope& envelope);
// Parses the envelope at the start of `file_start`; nullopt while more bytes
// are needed. On success `consumed` is the envelope's length in the file.
core::Result<std::optional<BackupEnvelope>> DecodeEnvelope(std::string_view file_start, std::size_t& consumed);

// Writes one backup file to `out` (typically a fan-out to the sites).
class BackupFileWriter {
 public:
  BackupFileWriter(const TenantKey& tenant_key, std::string backup_id, std::string created_at, ByteSink& out);
  ~BackupFileWriter();
  // Writes the envelope; call once before using archive().
  core::Result<void> Start();
  ArchiveWriter& archive();
  // Ends the archive, the zstd frame and the sealed stream, and closes `out`.
  core::Result<void> Finish();
  // Bytes of archive (uncompressed plaintext) written so far, for progress.
  std::uint64_t plaintext_bytes() const;

 private:
  struct Pipeline;
  std::unique_ptr<Pipeline> pipeline_;
};

// Reads one backup file written to it. `key_for` is asked for the tenant's
// key once the envelope is read (and may refuse, e.g. a restore into another
// tenant); the parts go to `visitor`.
class BackupFileReader final : public ByteSink {
 public:
  using KeyLookup = std::function<core::Result<TenantKey>(const BackupEnvelope&)>;
  BackupFileReader(KeyLookup key_for, ArchiveVisitor& visitor);
  ~BackupFileReader() override;
  core::Result<void> Write(std::string_view bytes) override;
  core::Result<void> Close() override;
  const std::optional<BackupEnvelope>& envelope() const;

 private:
  struct Pipeline;
  std::unique_ptr<Pipeline> pipeline_;
};

}  // namespace citadel::backup
