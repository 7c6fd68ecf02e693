// Feeds arbitrary bytes to what a restore runs after decryption: the zstd
// decompressor and, behind it, the archive reader (and, separately, the
// archive reader alone, so inputs that are not zstd still reach it). Neither
// may crash, allocate without bound, or accept a part whose recorded size or
// digest does not match.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "backup/archive_stream.hpp"
#include "backup/backup_file.hpp"
#include "backup/zstd_stage.hpp"

namespace {

class DiscardingVisitor final : public citadel::backup::ArchiveVisitor {
 public:
  citadel::core::Result<citadel::backup::ByteSink*> BeginPart(const std::string&) override {
    return static_cast<citadel::backup::ByteSink*>(nullptr);
  }
  citadel::core::Result<void> EndPart(const citadel::backup::ArchivePartSummary&) override { return {}; }
  citadel::core::Result<void> EndArchive() override { return {}; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  {
    DiscardingVisitor visitor;
    citadel::backup::ArchiveReader reader(visitor);
    citadel::backup::ZstdDecompressSink zstd(reader);
    if (zstd.Write(input)) (void)zstd.Close();
  }
  {
    DiscardingVisitor visitor;
    citadel::backup::ArchiveReader reader(visitor);
    std::size_t half = size / 2;
    if (reader.Write(input.substr(0, half))) {
      if (reader.Write(input.substr(half))) (void)reader.Close();
    }
  }
  std::size_t consumed = 0;
  (void)citadel::backup::DecodeEnvelope(input, consumed);
  return 0;
}
