#include "backup/backup_file.hpp"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

#include "backup/big_endian.hpp"
#include "backup/key_wrap.hpp"
#include "backup/sealed_stream.hpp"
#include "backup/zstd_stage.hpp"
#include "core/base64.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr const char* kEnvelopeFormat = "citadel-backup/1";

std::string DataKeyContext(const BackupEnvelope& envelope) {
  return std::string("citadel-backup-data-key/1|") + envelope.tenant + "|" + envelope.backup_id + "|" +
         envelope.tenant_key_id;
}

std::string StreamContext(const BackupEnvelope& envelope) {
  return std::string(kEnvelopeFormat) + "|" + envelope.tenant + "|" + envelope.backup_id;
}

}  // namespace

// Counts what passes, for progress.
// Outside the anonymous namespace: BackupFileWriter::Pipeline holds one.
class BackupPlaintextCounter final : public ByteSink {
 public:
  explicit BackupPlaintextCounter(ByteSink& next) : next_(next) {}
  core::Result<void> Write(std::string_view bytes) override {
    bytes_ += bytes.size();
    return next_.Write(bytes);
  }
  core::Result<void> Close() override { return next_.Close(); }
  std::uint64_t bytes() const { return bytes_; }

 private:
  ByteSink& next_;
  std::uint64_t bytes_ = 0;
};



std::string EncodeEnvelope(const BackupEnvelope& envelope) {
  nlohmann::json json = {
      {"format", kEnvelopeFormat},
      {"backup_id", envelope.backup_id},
      {"tenant", envelope.tenant},
      {"tenant_key_id", envelope.tenant_key_id},
      {"wrapped_data_key",
       core::Base64Encode(std::vector<unsigned char>(envelope.wrapped_data_key.begin(), envelope.wrapped_data_key.end()))},
      {"created_at", envelope.created_at},
  };
  std::string body = json.dump();
  std::string out(kBackupFileMagic);
  AppendBigEndian32(out, static_cast<std::uint32_t>(body.size()));
  return out + body;
}

core::Result<std::optional<BackupEnvelope>> DecodeEnvelope(std::string_view file_start, std::size_t& consumed) {
  auto refuse = [](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument, "not a readable Citadel backup: " + why);
  };
  std::size_t header = kBackupFileMagic.size() + 4;
  if (file_start.size() < kBackupFileMagic.size()) {
    if (file_start != kBackupFileMagic.substr(0, file_start.size())) return refuse("wrong magic");
    return std::optional<BackupEnvelope>();
  }
  if (file_start.substr(0, kBackupFileMagic.size()) != kBackupFileMagic) return refuse("wrong magic");
  if (file_start.size() < header) return std::optional<BackupEnvelope>();
  std::uint32_t length = 0;
  for (std::size_t i = kBackupFileMagic.size(); i < header; ++i) {
    length = (length << 8) | static_cast<unsigned char>(file_start[i]);
  }
  if (length > kMaxEnvelopeBytes) return refuse("envelope too large");
  if (file_start.size() < header + length) return std::optional<BackupEnvelope>();
  nlohmann::json json = nlohmann::json::parse(file_start.substr(header, length), nullptr, false);
  if (!json.is_object() || !json.contains("format") || !json["format"].is_string() ||
      json["format"].get<std::string>() != kEnvelopeFormat) {
    return refuse("unknown envelope format");
  }
  BackupEnvelope envelope;
  try {
    envelope.backup_id = json.at("backup_id").get<std::string>();
    envelope.tenant = json.at("tenant").get<std::string>();
    envelope.tenant_key_id = json.at("tenant_key_id").get<std::string>();
    envelope.created_at = json.at("created_at").get<std::string>();
    auto wrapped = core::Base64Decode(json.at("wrapped_data_key").get<std::string>());
    if (!wrapped) return refuse("the wrapped data key is not base64");
    envelope.wrapped_data_key.assign(wrapped->begin(), wrapped->end());
  } catch (const nlohmann::json::exception&) {
    return refuse("the envelope lacks a field");
  }
  consumed = header + length;
  return std::optional<BackupEnvelope>(std::move(envelope));
}

struct BackupFileWriter::Pipeline {
  BackupEnvelope envelope;
  std::string data_key;
  ByteSink* out = nullptr;
  std::unique_ptr<StreamSealer> sealer;
  std::unique_ptr<ZstdCompressSink> zstd;
  std::unique_ptr<BackupPlaintextCounter> counter;
  std::unique_ptr<ArchiveWriter> archive;
  ~Pipeline() { OPENSSL_cleanse(data_key.data(), data_key.size()); }
};

BackupFileWriter::BackupFileWriter(const TenantKey& tenant_key, std::string backup_id, std::string created_at,
                                   ByteSink& out)
    : pipeline_(std::make_unique<Pipeline>()) {
  auto& p = *pipeline_;
  p.out = &out;
  p.envelope = BackupEnvelope{std::move(backup_id), tenant_key.tenant, tenant_key.key_id, {}, std::move(created_at)};
  p.data_key = NewDataKey();
  p.envelope.wrapped_data_key = WrapKey(tenant_key.bytes, p.data_key, DataKeyContext(p.envelope));
  p.sealer = std::make_unique<StreamSealer>(p.data_key, StreamContext(p.envelope), out);
  p.zstd = std::make_unique<ZstdCompressSink>(*p.sealer);
  p.counter = std::make_unique<BackupPlaintextCounter>(*p.zstd);
  p.archive = std::make_unique<ArchiveWriter>(*p.counter);
}

BackupFileWriter::~BackupFileWriter() = default;

core::Result<void> BackupFileWriter::Start() { return pipeline_->out->Write(EncodeEnvelope(pipeline_->envelope)); }

ArchiveWriter& BackupFileWriter::archive() { return *pipeline_->archive; }

core::Result<void> BackupFileWriter::Finish() { return pipeline_->archive->Finish(); }

std::uint64_t BackupFileWriter::plaintext_bytes() const { return pipeline_->counter->bytes(); }

struct BackupFileReader::Pipeline {
  KeyLookup key_for;
  ArchiveVisitor* visitor = nullptr;
  std::string head;  // bytes before the envelope is complete
  std::optional<BackupEnvelope> envelope;
  std::string data_key;
  std::unique_ptr<ArchiveReader> archive;
  std::unique_ptr<ZstdDecompressSink> zstd;
  std::unique_ptr<StreamOpener> opener;
  ~Pipeline() { OPENSSL_cleanse(data_key.data(), data_key.size()); }
};

BackupFileReader::BackupFileReader(KeyLookup key_for, ArchiveVisitor& visitor)
    : pipeline_(std::make_unique<Pipeline>()) {
  pipeline_->key_for = std::move(key_for);
  pipeline_->visitor = &visitor;
}

BackupFileReader::~BackupFileReader() = default;

const std::optional<BackupEnvelope>& BackupFileReader::envelope() const { return pipeline_->envelope; }

core::Result<void> BackupFileReader::Write(std::string_view bytes) {
  auto& p = *pipeline_;
  if (p.opener) return p.opener->Write(bytes);
  p.head.append(bytes);
  std::size_t consumed = 0;
  auto decoded = DecodeEnvelope(p.head, consumed);
  if (!decoded) return core::Unexpected(decoded.error());
  if (!decoded->has_value()) return {};
  p.envelope = std::move(**decoded);
  auto key = p.key_for(*p.envelope);
  if (!key) return core::Unexpected(key.error());
  if (key->tenant != p.envelope->tenant || key->key_id != p.envelope->tenant_key_id) {
    return Fail(ErrorCode::kPermissionDenied, "backup " + p.envelope->backup_id + " belongs to key " +
                                                  p.envelope->tenant + "/" + p.envelope->tenant_key_id +
                                                  ", not to the key given (" + key->tenant + "/" + key->key_id + ")");
  }
  auto data_key = UnwrapKey(key->bytes, p.envelope->wrapped_data_key, DataKeyContext(*p.envelope));
  if (!data_key) {
    return Fail(ErrorCode::kPermissionDenied,
                "the data key of backup " + p.envelope->backup_id + " does not open with the tenant's key");
  }
  p.data_key = std::move(*data_key);
  p.archive = std::make_unique<ArchiveReader>(*p.visitor);
  p.zstd = std::make_unique<ZstdDecompressSink>(*p.archive);
  p.opener = std::make_unique<StreamOpener>(p.data_key, StreamContext(*p.envelope), *p.zstd);
  std::string rest = p.head.substr(consumed);
  p.head.clear();
  if (rest.empty()) return {};
  return p.opener->Write(rest);
}

core::Result<void> BackupFileReader::Close() {
  if (!pipeline_->opener) {
    return Fail(ErrorCode::kInvalidArgument, "not a readable Citadel backup: truncated before its envelope ended");
  }
  return pipeline_->opener->Close();
}

}  // namespace citadel::backup
