// Attacks the opener of sealed backup streams: a restore reads back bytes that
// a site, or whoever reached it, may have replaced with anything. The opener
// must never crash and never release plaintext: without the key no input is a
// valid stream (short of forging a GCM tag), so the sink traps on any
// plaintext and on Close, which the opener calls only after a final chunk
// authenticated.
//
// The first input byte steers the feeding: its low 7 bits pick the slice size
// (1..128 bytes per Write), so headers and chunks arrive split everywhere; its
// top bit repeats the rest up to a few minimum-size chunks, so the path for
// full chunks runs without inputs longer than libFuzzer's default max_len.
// The same bytes are then fed to an opener resumed at a chunk index read from
// them, with the first 20 bytes as its header.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backup/byte_sink.hpp"
#include "backup/sealed_stream.hpp"

namespace {

using citadel::backup::ByteSink;
using citadel::backup::SealedResumePoint;
using citadel::backup::StreamOpener;

constexpr std::string_view kKey = "fuzz-key-fuzz-key-fuzz-key-32byt";
constexpr std::string_view kContext = "citadel-backup v1|tenant 1|backup fuzz";
constexpr std::size_t kStretchedBytes =
    3 * (citadel::backup::kMinSealedChunkBytes + citadel::backup::kAesGcmTagBytes) + 100;

class NoPlaintextSink final : public ByteSink {
 public:
  citadel::core::Result<void> Write(std::string_view bytes) override {
    if (!bytes.empty()) __builtin_trap();  // unauthenticated input became plaintext
    return {};
  }
  citadel::core::Result<void> Close() override {
    __builtin_trap();  // a stream nobody sealed opened completely
  }
};

void Feed(StreamOpener& opener, std::string_view sealed, std::size_t slice) {
  while (!sealed.empty()) {
    std::size_t size = std::min(slice, sealed.size());
    if (!opener.Write(sealed.substr(0, size))) return;
    sealed.remove_prefix(size);
  }
  (void)opener.Close();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t slice = 1 + (data[0] & 0x7f);
  const bool stretch = (data[0] & 0x80) != 0;
  std::string sealed(reinterpret_cast<const char*>(data + 1), size - 1);
  if (stretch && !sealed.empty()) {
    while (sealed.size() < kStretchedBytes)
      sealed.append(sealed, 0, kStretchedBytes - sealed.size());
  }

  NoPlaintextSink sink;
  {
    StreamOpener opener(kKey, kContext, sink);
    Feed(opener, sealed, slice);
  }
  if (sealed.size() >= 24) {
    std::uint32_t chunk_index = 0;
    for (std::size_t i = 20; i < 24; ++i) {
      chunk_index = (chunk_index << 8) | static_cast<unsigned char>(sealed[i]);
    }
    StreamOpener resumed(kKey, kContext, sink,
                         SealedResumePoint{std::string_view(sealed).substr(0, 20), chunk_index});
    Feed(resumed, std::string_view(sealed).substr(24), slice);
  }
  return 0;
}
