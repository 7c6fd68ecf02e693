#include "backup/tar_writer.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <optional>

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

}  // namespace

struct TarWriter::State {
  ByteSink* out = nullptr;
  archive* tar = nullptr;
  std::int64_t mtime = 0;
  std::uint64_t remaining = 0;
  bool in_entry = false;
  std::optional<core::Error> sink_error;  // the sink's own error, kept over libarchive's
  ~State() {
    if (tar != nullptr) archive_write_free(tar);
  }
  core::Unexpected Failure(const std::string& what) {
    if (sink_error) return core::Unexpected(*sink_error);
    const char* detail = tar != nullptr ? archive_error_string(tar) : nullptr;
    return Fail(ErrorCode::kIo, what + (detail != nullptr ? std::string(": ") + detail : std::string()));
  }
};

namespace {

// A failing sink is never reported to libarchive: its error is kept and
// every call below checks it, while libarchive is told the bytes went out
// (and the rest is dropped). Told while writing a header, libarchive 3.6.2
// kept its output block (32 + 512 bytes) past archive_write_free: once per
// ranged download, whose sink stops the export when the range is complete
// (TarWriter.ASinkThatStopsAtAHeaderIsReported leaks under LeakSanitizer
// without this).
la_ssize_t WriteToSink(archive*, void* context, const void* buffer, size_t length) {
  auto* state = static_cast<TarWriter::State*>(context);
  if (state->sink_error) return static_cast<la_ssize_t>(length);
  auto written = state->out->Write(std::string_view(static_cast<const char*>(buffer), length));
  if (!written) state->sink_error = written.error();
  return static_cast<la_ssize_t>(length);
}

}  // namespace

TarWriter::TarWriter(ByteSink& out, std::int64_t mtime_unix) : state_(std::make_unique<State>()) {
  state_->out = &out;
  state_->mtime = mtime_unix;
  state_->tar = archive_write_new();
  archive_write_set_format_pax_restricted(state_->tar);
  // Blocks of 10 KiB are tar's custom, but the last one is then padded:
  // 512-byte records keep the size exactly what the entries need.
  archive_write_set_bytes_per_block(state_->tar, 512);
  archive_write_open(state_->tar, state_.get(), nullptr, WriteToSink, nullptr);
}

TarWriter::~TarWriter() = default;

core::Result<void> TarWriter::BeginEntry(const std::string& name, std::uint64_t size) {
  if (state_->in_entry) return Fail(ErrorCode::kInternal, "a tar entry is still open");
  archive_entry* entry = archive_entry_new();
  archive_entry_set_pathname(entry, name.c_str());
  archive_entry_set_size(entry, static_cast<la_int64_t>(size));
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_entry_set_perm(entry, 0600);
  archive_entry_set_mtime(entry, state_->mtime, 0);
  archive_entry_set_uid(entry, 0);
  archive_entry_set_gid(entry, 0);
  int rc = archive_write_header(state_->tar, entry);
  archive_entry_free(entry);
  if (rc != ARCHIVE_OK || state_->sink_error) return state_->Failure("cannot write the tar header of " + name);
  state_->remaining = size;
  state_->in_entry = true;
  return {};
}

core::Result<void> TarWriter::Write(std::string_view bytes) {
  if (!state_->in_entry || bytes.size() > state_->remaining) {
    return Fail(ErrorCode::kInvalidArgument, "more bytes than the tar entry announced");
  }
  while (!bytes.empty()) {
    la_ssize_t n = archive_write_data(state_->tar, bytes.data(), bytes.size());
    if (n <= 0 || state_->sink_error) return state_->Failure("cannot write tar data");
    bytes.remove_prefix(static_cast<std::size_t>(n));
    state_->remaining -= static_cast<std::uint64_t>(n);
  }
  return {};
}

core::Result<void> TarWriter::EndEntry() {
  if (!state_->in_entry) return Fail(ErrorCode::kInternal, "no tar entry is open");
  if (state_->remaining != 0) return Fail(ErrorCode::kInvalidArgument, "fewer bytes than the tar entry announced");
  if (archive_write_finish_entry(state_->tar) != ARCHIVE_OK || state_->sink_error) {
    return state_->Failure("cannot end a tar entry");
  }
  state_->in_entry = false;
  return {};
}

core::Result<void> TarWriter::Close() {
  if (state_->in_entry) return Fail(ErrorCode::kInternal, "a tar entry is still open");
  if (archive_write_close(state_->tar) != ARCHIVE_OK || state_->sink_error) {
    return state_->Failure("cannot end the tar archive");
  }
  return state_->out->Close();
}

namespace {

class CountingTarSink final : public ByteSink {
 public:
  core::Result<void> Write(std::string_view bytes) override {
    count += bytes.size();
    return {};
  }
  core::Result<void> Close() override { return {}; }
  std::uint64_t count = 0;
};

}  // namespace

core::Result<std::uint64_t> TarWriter::ArchiveSize(const std::vector<std::pair<std::string, std::uint64_t>>& entries,
                                                   std::int64_t mtime_unix) {
  CountingTarSink counter;
  TarWriter tar(counter, mtime_unix);
  for (const auto& [name, size] : entries) {
    if (auto begun = tar.BeginEntry(name, size); !begun) return core::Unexpected(begun.error());
    // libarchive pads what was not written with zeros, as many as the data.
    if (archive_write_finish_entry(tar.state_->tar) != ARCHIVE_OK) return tar.state_->Failure("cannot size a tar entry");
    tar.state_->in_entry = false;
  }
  if (auto closed = tar.Close(); !closed) return core::Unexpected(closed.error());
  return counter.count;
}

}  // namespace citadel::backup
