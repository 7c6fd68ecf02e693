#include "backup/archive_stream.hpp"

#include "core/hex.hpp"

#include <array>

#include "backup/big_endian.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr std::uint8_t kPartBegins = 1, kPartData = 2, kPartEnds = 3, kArchiveEnds = 4;
constexpr std::size_t kRecordHeader = 5;
constexpr std::size_t kMaxRecordPayload = kArchiveMaxRecordData + 64;

std::string HexToRaw(const std::string& hex) {
  std::string raw;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) raw.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return raw;
}
std::string RawToHex(std::string_view raw) {
  return core::HexEncode(raw);
}

core::Unexpected Malformed(const std::string& why) {
  return Fail(ErrorCode::kInvalidArgument, "backup archive malformed: " + why);
}

class PartSinkOf final : public ByteSink {
 public:
  explicit PartSinkOf(ArchiveWriter& writer) : writer_(writer) {}
  core::Result<void> Write(std::string_view bytes) override { return writer_.WritePart(bytes); }
  core::Result<void> Close() override { return {}; }  // the writer ends parts, not the stage

 private:
  ArchiveWriter& writer_;
};

}  // namespace

core::Result<void> CheckArchivePartName(std::string_view name) {
  if (name.empty() || name.size() > kArchiveMaxPartName) return Malformed("a part name is empty or too long");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '/';
    if (!ok) return Malformed("a part name has a character outside [A-Za-z0-9._/-]");
  }
  if (name.front() == '/' || name.find("..") != std::string_view::npos) {
    return Malformed("a part name is absolute or has '..'");
  }
  return {};
}

core::Result<void> ArchiveWriter::Record(std::uint8_t type, std::string_view payload) {
  std::string header;
  if (!started_) {
    header.append(kArchiveMagic);
    started_ = true;
  }
  header.push_back(static_cast<char>(type));
  AppendBigEndian32(header, static_cast<std::uint32_t>(payload.size()));
  if (auto written = next_.Write(header); !written) return written;
  if (payload.empty()) return {};
  return next_.Write(payload);
}

core::Result<void> ArchiveWriter::BeginPart(std::string_view name) {
  if (part_open_) return Fail(ErrorCode::kInternal, "a part is already open");
  if (auto valid = CheckArchivePartName(name); !valid) return valid;
  if (!names_.insert(std::string(name)).second) return Malformed("part " + std::string(name) + " given twice");
  part_open_ = true;
  part_name_ = name;
  part_digest_ = core::Sha256Stream();
  return Record(kPartBegins, name);
}

core::Result<void> ArchiveWriter::WritePart(std::string_view bytes) {
  if (!part_open_) return Fail(ErrorCode::kInternal, "no part is open");
  while (!bytes.empty()) {
    std::string_view slice = bytes.substr(0, kArchiveMaxRecordData);
    part_digest_.Update(slice);
    if (auto written = Record(kPartData, slice); !written) return written;
    bytes.remove_prefix(slice.size());
  }
  return {};
}

ByteSink& ArchiveWriter::PartSink() {
  if (!part_sink_) part_sink_ = std::make_unique<PartSinkOf>(*this);
  return *part_sink_;
}

core::Result<ArchivePartSummary> ArchiveWriter::EndPart() {
  if (!part_open_) return Fail(ErrorCode::kInternal, "no part is open");
  ArchivePartSummary summary{part_name_, part_digest_.bytes(), part_digest_.HexDigest()};
  std::string payload;
  AppendBigEndian64(payload, summary.size);
  payload += HexToRaw(summary.sha256_hex);
  if (auto written = Record(kPartEnds, payload); !written) return core::Unexpected(written.error());
  part_open_ = false;
  ++parts_;
  return summary;
}

core::Result<void> ArchiveWriter::Finish() {
  if (part_open_) return Fail(ErrorCode::kInternal, "a part is still open");
  std::string payload;
  AppendBigEndian32(payload, parts_);
  if (auto written = Record(kArchiveEnds, payload); !written) return written;
  return next_.Close();
}

core::Result<void> ArchiveReader::Write(std::string_view bytes) {
  pending_.append(bytes);
  std::size_t at = 0;
  if (!magic_seen_) {
    if (pending_.size() < kArchiveMagic.size()) return {};
    if (std::string_view(pending_).substr(0, kArchiveMagic.size()) != kArchiveMagic) {
      return Malformed("not a Citadel backup archive");
    }
    magic_seen_ = true;
    at = kArchiveMagic.size();
  }
  while (pending_.size() - at >= kRecordHeader) {
    std::string_view view(pending_);
    auto type = static_cast<std::uint8_t>(view[at]);
    std::uint64_t length = ReadBigEndian(view.substr(at + 1, 4));
    if (length > kMaxRecordPayload) return Malformed("a record is larger than the format allows");
    if (pending_.size() - at - kRecordHeader < length) break;
    if (auto handled = OnRecord(type, view.substr(at + kRecordHeader, length)); !handled) return handled;
    at += kRecordHeader + length;
  }
  pending_.erase(0, at);
  return {};
}

core::Result<void> ArchiveReader::OnRecord(std::uint8_t type, std::string_view payload) {
  if (ended_) return Malformed("data after the end of the archive");
  switch (type) {
    case kPartBegins: {
      if (part_open_) return Malformed("a part begins inside another");
      if (auto valid = CheckArchivePartName(payload); !valid) return valid;
      part_ = ArchivePartSummary{std::string(payload), 0, {}};
      if (!names_.insert(part_.name).second) return Malformed("part " + part_.name + " given twice");
      part_digest_ = core::Sha256Stream();
      auto sink = visitor_.BeginPart(part_.name);
      if (!sink) return core::Unexpected(sink.error());
      part_sink_ = *sink;
      part_open_ = true;
      return {};
    }
    case kPartData:
      if (!part_open_) return Malformed("data outside a part");
      if (payload.empty() || payload.size() > kArchiveMaxRecordData) return Malformed("a data record has a bad size");
      part_digest_.Update(payload);
      if (part_sink_ != nullptr) return part_sink_->Write(payload);
      return {};
    case kPartEnds: {
      if (!part_open_) return Malformed("a part ends that never began");
      if (payload.size() != 8 + 32) return Malformed("a part's end record has a bad size");
      std::uint64_t size = ReadBigEndian(payload.substr(0, 8));
      std::string digest = RawToHex(payload.substr(8));
      if (size != part_digest_.bytes() || digest != part_digest_.HexDigest()) {
        return Malformed("part " + part_.name + " does not match its recorded size and SHA-256");
      }
      part_.size = size;
      part_.sha256_hex = digest;
      part_open_ = false;
      ++parts_;
      return visitor_.EndPart(part_);
    }
    case kArchiveEnds:
      if (part_open_) return Malformed("the archive ends inside part " + part_.name);
      if (payload.size() != 4 || ReadBigEndian(payload) != parts_) return Malformed("the archive's part count is wrong");
      ended_ = true;
      return visitor_.EndArchive();
    default:
      return Malformed("unknown record type " + std::to_string(type));
  }
}

core::Result<void> ArchiveReader::Close() {
  if (!ended_ || !pending_.empty()) return Malformed("truncated: the archive's end is missing");
  return {};
}

}  // namespace citadel::backup
