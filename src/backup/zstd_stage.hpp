// zstd (Debian's libzstd) as two stages of the backup pipeline: compress what
// is written and pass the frames on, or decompress and pass the plaintext on.
// Memory is bounded by zstd's window and one output buffer, whatever the size
// of the stream. Level 3 is zstd's default and the reference
// (`zstd -3`): most of the gain for little CPU.
#pragma once

#include <memory>
#include <string_view>

#include "backup/byte_sink.hpp"

namespace citadel::backup {

class ZstdCompressSink final : public ByteSink {
 public:
  ZstdCompressSink(ByteSink& next, int level = 3);
  ~ZstdCompressSink() override;
  core::Result<void> Write(std::string_view bytes) override;
  core::Result<void> Close() override;  // ends the frame, then closes `next`

 private:
  struct State;
  std::unique_ptr<State> state_;
};

class ZstdDecompressSink final : public ByteSink {
 public:
  explicit ZstdDecompressSink(ByteSink& next);
  ~ZstdDecompressSink() override;
  core::Result<void> Write(std::string_view bytes) override;
  // Fails if the last frame was not complete (a truncated stream), then
  // closes `next`.
  core::Result<void> Close() override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace citadel::backup
