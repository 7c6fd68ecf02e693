#include "platform/backup_download.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "backup/tar_writer.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

using core::ErrorCode;
using core::Fail;

// Passes on only the bytes of [first, first + count) of what it is given.
// Once the range is complete it refuses more, which stops the export early.
class ByteRangeSink final : public backup::ByteSink {
 public:
  ByteRangeSink(backup::ByteSink& out, std::uint64_t first, std::uint64_t count)
      : out_(out), skip_(first), left_(count) {}
  core::Result<void> Write(std::string_view bytes) override {
    const std::uint64_t skipped = std::min<std::uint64_t>(skip_, bytes.size());
    skip_ -= skipped;
    bytes.remove_prefix(static_cast<std::size_t>(skipped));
    if (bytes.empty()) return {};
    if (left_ == 0) {
      complete_early_ = true;
      return Fail(ErrorCode::kResourceExhausted, "the range is complete");
    }
    const std::uint64_t taken = std::min<std::uint64_t>(left_, bytes.size());
    left_ -= taken;
    return out_.Write(bytes.substr(0, static_cast<std::size_t>(taken)));
  }
  core::Result<void> Close() override {
    if (left_ != 0) return Fail(ErrorCode::kInternal, "the backup's archive ended before the range did");
    return out_.Close();
  }
  bool complete_early() const { return complete_early_ && left_ == 0; }

 private:
  backup::ByteSink& out_;
  std::uint64_t skip_;
  std::uint64_t left_;
  bool complete_early_ = false;
};

}  // namespace

core::Result<std::uint64_t> PlainArchiveSize(const BackupRow& row) {
  if (row.state != "complete") return Fail(ErrorCode::kInvalidArgument, "backup " + row.id + " is not complete");
  auto manifest = nlohmann::json::parse(row.manifest, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("parts") || !manifest["parts"].is_array()) {
    return Fail(ErrorCode::kInvalidArgument, "the catalog's manifest of backup " + row.id + " is malformed");
  }
  std::vector<std::pair<std::string, std::uint64_t>> entries;
  for (const auto& part : manifest["parts"]) {
    if (!part.is_object()) return Fail(ErrorCode::kInvalidArgument, "the manifest of backup " + row.id + " is malformed");
    entries.emplace_back(part.value("name", ""), part.value("size", std::uint64_t{0}));
  }
  // The manifest goes last, as the backup wrote it (BackupService::Create:
  // the same JSON, one-space indented; the catalog keeps it as jsonb, and
  // nlohmann orders keys the same way on both sides).
  entries.emplace_back(kBackupManifestPart, manifest.dump(1).size());
  auto created = ParseRfc3339(manifest.value("created_at", ""));
  return backup::TarWriter::ArchiveSize(entries, created ? created->time_since_epoch().count() : 0);
}

core::Result<void> ExportRange(BackupService& backups, const std::string& backup_id, std::uint64_t first,
                               std::uint64_t count, backup::ByteSink& out) {
  ByteRangeSink range(out, first, count);
  auto exported = backups.Export(backup_id, range);
  if (exported) return {};
  if (range.complete_early()) return out.Close();
  return core::Unexpected(exported.error());
}

}  // namespace citadel::platform
