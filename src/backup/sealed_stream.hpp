// Authenticated encryption of a backup stream: AES-256-GCM over fixed-size
// chunks in the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár,
// "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance",
// CRYPTO 2015). A StreamSealer sits in the backup pipeline as the stage that
// turns compressed plaintext into sealed bytes; a StreamOpener undoes it on
// restore, and can start at any chunk so an interrupted download resumes.
//
// Format (all integers big-endian; C = chunk size, T = 16, the GCM tag size):
//
//   offset  size  field
//   0       8     magic "CITSEAL1"
//   8       1     format version, 1
//   9       4     C, plaintext bytes per full chunk, 4096 .. 16777216
//   13      7     nonce prefix, random per stream (core::RandomBytes)
//   20      ...   chunks 0, 1, ..., n-1, each ciphertext || 16-byte tag
//
//   Chunk i < n-1 is full: exactly C plaintext bytes, C + T sealed bytes.
//   Chunk n-1 is the final chunk: 0 .. C-1 plaintext bytes (a stream whose
//   length is a multiple of C ends with an empty final chunk), so a full chunk
//   is never the last one and the final chunk is told apart by its length.
//   nonce(i)  = nonce prefix (7) || i as u32 (4) || 1 if final else 0 (1)
//   AAD       = the 20 header bytes || u32 length of context || context
//   Chunk i starts at SealedOffsetOfChunk(i, C) = 20 + i * (C + T); a stream
//   of L plaintext bytes is SealedStreamSize(L, C) bytes; n <= 2^32 - 1.
//
// What it protects against, given the key stays secret:
//   - reading the data (AES-256; a fresh nonce prefix per stream);
//   - any altered bit: in a chunk's ciphertext or tag, that chunk fails; in
//     the header, every chunk fails, since the header is in every chunk's AAD;
//   - reordered, duplicated or dropped chunks: the index is in the nonce;
//   - truncation at a chunk boundary: what is left ends with a full chunk,
//     never final, so the stream is "truncated: final chunk missing" (the
//     final flag in the nonce also makes a chunk count as the last only if it
//     was sealed as the last); truncation inside a chunk, or bytes appended
//     after the final chunk, make the last chunk fail authentication: the
//     final chunk is only known as whatever remains at Close, so the opener
//     cannot tell those two apart, and its message names both;
//   - chunks spliced in from another stream under the same key and context:
//     its nonce prefix differs, and the prefix is both in the nonce and in
//     the AAD;
//   - a whole stream presented as another backup or another tenant's: the
//     caller's context (e.g. "citadel-backup v1|tenant 12|backup 3f2a...") is
//     in every chunk's AAD, so it opens only under the same context.
// Not protected: the plaintext length (exactly visible from the sealed size),
// and replay of an older complete stream sealed with the same key and context
// (put the backup's id in the context). Nonce prefixes are random, so one key
// should seal few streams (prefix collisions become likely near 2^28 streams):
// seal each backup under a fresh data key (key_wrap.hpp's NewDataKey).
//
// The opener passes a chunk's plaintext on only after that chunk's tag
// verified, but an earlier chunk's plaintext was already passed on when a
// later chunk fails or the stream turns out truncated: the consumer must treat
// what it received as provisional until Close() succeeds (restore into a
// scratch database, and keep it only then).
//
// Both are ByteSinks, so each is a stage of the pipeline as it stands.
// Ownership and threads: sealer and opener hold a reference to their sink,
// which must outlive them; they buffer at most about two chunks. Neither is
// thread-safe. The key lives only inside OpenSSL's context, which is wiped
// when freed (aes_gcm.hpp); neither class keeps a copy of it.
// Errors are core::Result: the sink's own error, or kInvalidArgument with a
// message that never contains key material. After an error the object is
// dead: every later call returns the same error, and the sink is not closed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backup/aes_gcm.hpp"
#include "backup/byte_sink.hpp"
#include "core/result.hpp"

namespace citadel::backup {

inline constexpr std::string_view kSealedStreamMagic = "CITSEAL1";
inline constexpr std::uint8_t kSealedStreamVersion = 1;
inline constexpr std::size_t kSealedNoncePrefixBytes = 7;
inline constexpr std::size_t kSealedHeaderBytes = 20;
inline constexpr std::uint32_t kMinSealedChunkBytes = 4 * 1024;
inline constexpr std::uint32_t kDefaultSealedChunkBytes = 1024 * 1024;
inline constexpr std::uint32_t kMaxSealedChunkBytes = 16 * 1024 * 1024;
// The index is a u32 in the nonce; 2^32 - 1 chunks, indices 0 .. 2^32 - 2.
inline constexpr std::uint64_t kMaxSealedChunks = 0xFFFFFFFF;
// The context is a label, not data; a longer one is a caller's bug.
inline constexpr std::size_t kMaxSealedContextBytes = 64 * 1024;

// Where chunk `index` starts in a sealed stream: 20 + index * (C + 16).
constexpr std::uint64_t SealedOffsetOfChunk(std::uint64_t index, std::uint32_t chunk_size) {
  return kSealedHeaderBytes + index * (std::uint64_t{chunk_size} + kAesGcmTagBytes);
}

// The sealed size of `plaintext_size` bytes: every full chunk, then the final
// chunk of plaintext_size % C bytes.
constexpr std::uint64_t SealedStreamSize(std::uint64_t plaintext_size, std::uint32_t chunk_size) {
  return SealedOffsetOfChunk(plaintext_size / chunk_size, chunk_size) +
         plaintext_size % chunk_size + kAesGcmTagBytes;
}

class StreamSealer final : public ByteSink {
 public:
  // Throws std::invalid_argument unless `key` is 32 bytes, `chunk_size` is in
  // kMinSealedChunkBytes .. kMaxSealedChunkBytes and `context` is at most
  // kMaxSealedContextBytes. Draws the stream's nonce prefix.
  StreamSealer(std::string_view key, std::string_view context, ByteSink& sealed_out,
               std::uint32_t chunk_size = kDefaultSealedChunkBytes);

  // Takes the next plaintext bytes; seals and passes on each chunk as it
  // fills. A write of whole chunks is sealed straight from `plaintext`.
  core::Result<void> Write(std::string_view plaintext) override;
  // Seals what is left as the final chunk and closes the sink. Without it
  // the stream does not open: an unfinished backup never restores.
  core::Result<void> Close() override;

 private:
  core::Result<void> SealChunk(std::string_view plaintext, bool final);
  core::Result<void> Failed(core::Error error);

  AesGcmCipher cipher_;
  ByteSink& sealed_out_;
  const std::uint32_t chunk_size_;
  std::string header_;
  std::string associated_data_;
  std::array<unsigned char, kSealedNoncePrefixBytes> nonce_prefix_{};
  std::string pending_plaintext_;  // < chunk_size_ bytes not sealed yet
  std::string sealed_chunk_;       // chunk_size_ + 16, reused for every chunk
  std::uint64_t next_index_ = 0;
  bool header_written_ = false;
  bool closed_ = false;
  std::optional<core::Error> failure_;
};

// Where a resumed download starts: the stream's 20 header bytes (kept from the
// first download, or fetched again) and the index of the first chunk that
// will be fed, starting at byte SealedOffsetOfChunk(chunk_index, C).
struct SealedResumePoint {
  std::string_view header;
  std::uint64_t chunk_index = 0;
};

class StreamOpener final : public ByteSink {
 public:
  // Expects the stream from its first byte. Throws std::invalid_argument on a
  // key that is not 32 bytes or a context longer than kMaxSealedContextBytes.
  StreamOpener(std::string_view key, std::string_view context, ByteSink& plaintext_out);
  // Expects the stream from chunk `resume_at.chunk_index`, with no header. A
  // bad header or index is reported by the first Write or Close.
  StreamOpener(std::string_view key, std::string_view context, ByteSink& plaintext_out,
               const SealedResumePoint& resume_at);

  // Takes the next sealed bytes, in slices of any size. Each chunk's
  // plaintext goes to the sink only once its tag verified.
  core::Result<void> Write(std::string_view sealed) override;
  // Opens the final chunk and closes the sink; fails if there is none.
  core::Result<void> Close() override;

 private:
  core::Result<void> TakeHeaderBytes(std::string_view& sealed);
  core::Result<void> ParseHeader();
  core::Result<void> OpenChunk(std::string_view sealed_chunk, bool final);
  core::Result<void> Failed(core::Error error);

  AesGcmCipher cipher_;
  ByteSink& plaintext_out_;
  std::string context_;
  std::string header_;  // the header bytes seen so far
  bool header_parsed_ = false;
  std::uint32_t chunk_size_ = 0;
  std::array<unsigned char, kSealedNoncePrefixBytes> nonce_prefix_{};
  std::string associated_data_;
  std::string partial_chunk_;  // sealed bytes of a chunk not complete yet
  std::string plaintext_;      // chunk_size_ bytes, reused for every chunk
  std::uint64_t next_index_ = 0;
  bool closed_ = false;
  std::optional<core::Error> failure_;
};

}  // namespace citadel::backup
