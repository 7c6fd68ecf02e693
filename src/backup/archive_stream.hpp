// The plaintext inside a backup: named parts (the database dump, each file of
// the file store, the manifest) one after the other, in records small enough
// that a part of any size streams through without its size being known first
// (pg_dump does not say how much it will write; a tar header would have to).
// The customer's download turns this into a plain .tar on the fly, once the
// manifest gives every size.
//
// Format (all integers big-endian):
//   "CITARCH1"
//   record*: type u8 | length u32 | payload[length]   (length <= 1 MiB + 64)
//     1 part begins   payload: the part's name (1..1024 bytes, [A-Za-z0-9._/-])
//     2 part data     payload: the next bytes of the open part (1..1 MiB)
//     3 part ends     payload: size u64 | SHA-256 of the part (32 bytes)
//     4 archive ends  payload: number of parts u32
// A reader checks every part's size and digest, refuses data outside a part,
// a part left open, a name given twice, and anything after the end.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "backup/byte_sink.hpp"
#include "core/sha256.hpp"

namespace citadel::backup {

inline constexpr std::string_view kArchiveMagic = "CITARCH1";
inline constexpr std::size_t kArchiveMaxRecordData = 1 << 20;
inline constexpr std::size_t kArchiveMaxPartName = 1024;

struct ArchivePartSummary {
  std::string name;
  std::uint64_t size = 0;
  std::string sha256_hex;
};

// Writes an archive to `next`. Parts are written one at a time.
class ArchiveWriter {
 public:
  explicit ArchiveWriter(ByteSink& next) : next_(next) {}
  core::Result<void> BeginPart(std::string_view name);
  core::Result<void> WritePart(std::string_view bytes);
  core::Result<ArchivePartSummary> EndPart();
  // Ends the archive and closes `next`.
  core::Result<void> Finish();

  // A sink view of the open part, for a stage that writes into it.
  ByteSink& PartSink();

 private:
  core::Result<void> Record(std::uint8_t type, std::string_view payload);
  ByteSink& next_;
  bool started_ = false;
  bool part_open_ = false;
  std::uint32_t parts_ = 0;
  std::string part_name_;
  core::Sha256Stream part_digest_;
  std::set<std::string> names_;
  std::unique_ptr<ByteSink> part_sink_;
};

// What a reader does with the parts it finds.
class ArchiveVisitor {
 public:
  virtual ~ArchiveVisitor() = default;
  // Where the part's bytes go; nullptr to skip them (they are still checked).
  virtual core::Result<ByteSink*> BeginPart(const std::string& name) = 0;
  // Called after the part's size and digest were checked (the sink given by
  // BeginPart is not closed by the reader: the visitor decides).
  virtual core::Result<void> EndPart(const ArchivePartSummary& part) = 0;
  virtual core::Result<void> EndArchive() = 0;
};

// Parses an archive written to it, in slices of any size.
class ArchiveReader final : public ByteSink {
 public:
  explicit ArchiveReader(ArchiveVisitor& visitor) : visitor_(visitor) {}
  core::Result<void> Write(std::string_view bytes) override;
  // Fails unless the archive's end record was read.
  core::Result<void> Close() override;

 private:
  core::Result<void> OnRecord(std::uint8_t type, std::string_view payload);
  ArchiveVisitor& visitor_;
  std::string pending_;
  bool magic_seen_ = false;
  bool ended_ = false;
  bool part_open_ = false;
  ArchivePartSummary part_;
  core::Sha256Stream part_digest_;
  ByteSink* part_sink_ = nullptr;
  std::set<std::string> names_;
  std::uint32_t parts_ = 0;
};

// Checks a part name against the format's rule.
core::Result<void> CheckArchivePartName(std::string_view name);

}  // namespace citadel::backup
