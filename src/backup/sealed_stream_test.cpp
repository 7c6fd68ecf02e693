#include "backup/sealed_stream.hpp"

#include <random>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace citadel::backup {
namespace {

// The smallest chunk keeps every test fast while exercising the same code as
// the 1 MiB default.
constexpr std::uint32_t kChunk = kMinSealedChunkBytes;
constexpr std::size_t kSealedChunk = kChunk + kAesGcmTagBytes;
const std::string kSealKey = "0123456789abcdefghijklmnopqrstuv";
const std::string kSealContext = "citadel-backup v1|tenant 12|backup 3f2a";
// Three full chunks and a final chunk of 17 bytes.
constexpr std::size_t kThreeChunksAnd17 = 3 * kChunk + 17;

std::string Pattern(std::size_t size, unsigned seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

std::size_t Offset(std::uint64_t chunk) {
  return static_cast<std::size_t>(SealedOffsetOfChunk(chunk, kChunk));
}

// Feeds `data` in slices of random size: single bytes, small pieces, and
// pieces longer than a chunk, so both the buffered and the direct path run.
template <class Stream>
core::Result<void> FeedInSlices(Stream& stream, std::string_view data, unsigned seed) {
  std::mt19937 random(seed);
  while (!data.empty()) {
    const std::size_t limits[] = {16, kChunk + 100, 3 * kChunk};
    std::size_t limit = limits[random() % 3];
    std::size_t size = std::min<std::size_t>(1 + random() % limit, data.size());
    if (auto written = stream.Write(data.substr(0, size)); !written) return written;
    data.remove_prefix(size);
  }
  return {};
}

std::string Seal(std::string_view plaintext, unsigned seed = 1, std::string_view key = kSealKey,
                 std::string_view context = kSealContext) {
  StringSink sink;
  StreamSealer sealer(key, context, sink, kChunk);
  EXPECT_TRUE(FeedInSlices(sealer, plaintext, seed).has_value());
  EXPECT_TRUE(sealer.Close().has_value());
  EXPECT_TRUE(sink.closed());
  return sink.data();
}

struct Opened {
  core::Result<void> result;
  std::string plaintext;  // everything the opener released
  bool closed = false;
  std::string message() const { return result ? "" : result.error().message; }
};

Opened Open(std::string_view sealed, unsigned seed = 2, std::string_view key = kSealKey,
            std::string_view context = kSealContext) {
  StringSink sink;
  StreamOpener opener(key, context, sink);
  Opened out;
  out.result = FeedInSlices(opener, sealed, seed);
  if (out.result) out.result = opener.Close();
  out.plaintext = sink.data();
  out.closed = sink.closed();
  return out;
}

Opened OpenFrom(std::string_view sealed, std::string_view header, std::uint64_t chunk_index) {
  StringSink sink;
  StreamOpener opener(kSealKey, kSealContext, sink, SealedResumePoint{header, chunk_index});
  Opened out;
  out.result = FeedInSlices(opener, sealed, 3);
  if (out.result) out.result = opener.Close();
  out.plaintext = sink.data();
  out.closed = sink.closed();
  return out;
}

// A failed open: kInvalidArgument, never the sink closed, never the key shown.
void ExpectRefused(const Opened& opened, std::string_view message_part) {
  ASSERT_FALSE(opened.result.has_value());
  EXPECT_EQ(opened.result.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_NE(opened.message().find(message_part), std::string::npos) << opened.message();
  EXPECT_EQ(opened.message().find(kSealKey), std::string::npos);
  EXPECT_FALSE(opened.closed);
}

// ---- round trips -----------------------------------------------------------

TEST(SealedStreamTest, RoundTripsEverySizeAroundChunkBoundaries) {
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{kChunk - 1},
                           std::size_t{kChunk}, std::size_t{kChunk + 1}, kThreeChunksAnd17}) {
    for (unsigned seed = 1; seed <= 3; ++seed) {
      SCOPED_TRACE("size " + std::to_string(size) + " seed " + std::to_string(seed));
      std::string plaintext = Pattern(size, seed);
      std::string sealed = Seal(plaintext, seed);
      EXPECT_EQ(sealed.size(), SealedStreamSize(size, kChunk));
      Opened opened = Open(sealed, seed + 10);
      ASSERT_TRUE(opened.result.has_value()) << opened.message();
      EXPECT_EQ(opened.plaintext, plaintext);
      EXPECT_TRUE(opened.closed);
    }
  }
}

TEST(SealedStreamTest, RoundTripsOneByteAtATime) {
  std::string plaintext = Pattern(kThreeChunksAnd17, 7);
  StringSink sealed;
  StreamSealer sealer(kSealKey, kSealContext, sealed, kChunk);
  for (char c : plaintext) ASSERT_TRUE(sealer.Write(std::string_view(&c, 1)).has_value());
  ASSERT_TRUE(sealer.Close().has_value());

  StringSink opened;
  StreamOpener opener(kSealKey, kSealContext, opened);
  for (char c : sealed.data()) ASSERT_TRUE(opener.Write(std::string_view(&c, 1)).has_value());
  ASSERT_TRUE(opener.Close().has_value());
  EXPECT_EQ(opened.data(), plaintext);
}

TEST(SealedStreamTest, HeaderIsMagicVersionChunkSizeAndARandomNoncePrefix) {
  std::string a = Seal("same plaintext");
  std::string b = Seal("same plaintext");
  ASSERT_GE(a.size(), kSealedHeaderBytes);
  EXPECT_EQ(a.substr(0, 8), "CITSEAL1");
  EXPECT_EQ(a[8], '\x01');
  EXPECT_EQ(a.substr(9, 4), std::string("\x00\x00\x10\x00", 4));  // 4096 big-endian
  EXPECT_NE(a.substr(13, 7), b.substr(13, 7));
  EXPECT_NE(a.substr(kSealedHeaderBytes), b.substr(kSealedHeaderBytes));
}

TEST(SealedStreamTest, OffsetsAndSizesFollowTheDocumentedFormula) {
  EXPECT_EQ(kSealedHeaderBytes, 20u);
  EXPECT_EQ(SealedOffsetOfChunk(0, kChunk), 20u);
  EXPECT_EQ(SealedOffsetOfChunk(3, kChunk), 20u + 3 * (4096u + 16u));
  EXPECT_EQ(SealedOffsetOfChunk(kMaxSealedChunks - 1, kMaxSealedChunkBytes),
            20u + (kMaxSealedChunks - 1) * (std::uint64_t{16} * 1024 * 1024 + 16));
  EXPECT_EQ(SealedStreamSize(0, kChunk), 36u);
  EXPECT_EQ(SealedStreamSize(kChunk, kChunk), 20u + 4112u + 16u);  // empty final chunk
  EXPECT_EQ(SealedStreamSize(kThreeChunksAnd17, kChunk), 20u + 3 * 4112u + 17u + 16u);
}

TEST(SealedStreamTest, ConstructorsRefuseBadKeysChunkSizesAndContexts) {
  StringSink sink;
  EXPECT_THROW(StreamSealer(std::string(31, 'k'), kSealContext, sink), std::invalid_argument);
  EXPECT_THROW(StreamSealer(std::string(33, 'k'), kSealContext, sink), std::invalid_argument);
  EXPECT_THROW(StreamSealer(kSealKey, kSealContext, sink, kMinSealedChunkBytes - 1), std::invalid_argument);
  EXPECT_THROW(StreamSealer(kSealKey, kSealContext, sink, kMaxSealedChunkBytes + 1), std::invalid_argument);
  EXPECT_THROW(StreamSealer(kSealKey, std::string(kMaxSealedContextBytes + 1, 'c'), sink),
               std::invalid_argument);
  EXPECT_NO_THROW(StreamSealer(kSealKey, kSealContext, sink, kMaxSealedChunkBytes));
  EXPECT_NO_THROW(StreamSealer(kSealKey, "", sink));
  EXPECT_THROW(StreamOpener(std::string(16, 'k'), kSealContext, sink), std::invalid_argument);
  EXPECT_EQ(sink.data(), "");  // nothing is written before the first chunk
}

TEST(SealedStreamTest, SealerRefusesUseAfterClose) {
  StringSink sink;
  StreamSealer sealer(kSealKey, kSealContext, sink, kChunk);
  ASSERT_TRUE(sealer.Close().has_value());
  EXPECT_FALSE(sealer.Write("more").has_value());
  EXPECT_FALSE(sealer.Close().has_value());
  EXPECT_EQ(sink.data().size(), SealedStreamSize(0, kChunk));
}

// ---- attacks that must fail -------------------------------------------------

class SealedStreamAttackTest : public ::testing::Test {
 protected:
  std::string plaintext_ = Pattern(kThreeChunksAnd17, 42);
  std::string sealed_ = Seal(plaintext_);
  std::string Chunk(std::uint64_t index) const {
    return sealed_.substr(Offset(index), index < 3 ? kSealedChunk : 17 + kAesGcmTagBytes);
  }
};

TEST_F(SealedStreamAttackTest, EveryFlippedHeaderBitIsRefusedBeforeAnyPlaintext) {
  for (std::size_t bit = 0; bit < kSealedHeaderBytes * 8; ++bit) {
    std::string altered = sealed_;
    altered[bit / 8] = static_cast<char>(altered[bit / 8] ^ (1 << (bit % 8)));
    Opened opened = Open(altered);
    EXPECT_FALSE(opened.result.has_value()) << "bit " << bit;
    EXPECT_EQ(opened.plaintext, "") << "bit " << bit;
    EXPECT_FALSE(opened.closed);
  }
}

TEST_F(SealedStreamAttackTest, AFlippedBitInAChunkFailsItAndReleasesNoneOfIt) {
  for (std::uint64_t chunk = 0; chunk <= 3; ++chunk) {
    std::size_t start = Offset(chunk);
    std::size_t size = Chunk(chunk).size();
    std::size_t tag = start + size - kAesGcmTagBytes;
    for (std::size_t at : {start, start + (size - kAesGcmTagBytes) / 2, tag - 1, tag, tag + 15}) {
      SCOPED_TRACE("chunk " + std::to_string(chunk) + " byte " + std::to_string(at));
      std::string altered = sealed_;
      altered[at] = static_cast<char>(altered[at] ^ 0x10);
      Opened opened = Open(altered);
      ExpectRefused(opened, "chunk " + std::to_string(chunk) + " failed authentication");
      // Exactly the chunks before the altered one, nothing of it.
      EXPECT_EQ(opened.plaintext, plaintext_.substr(0, chunk * kChunk));
    }
  }
}

TEST_F(SealedStreamAttackTest, TruncationAtAChunkBoundaryIsDetected) {
  for (std::uint64_t kept = 0; kept <= 3; ++kept) {
    SCOPED_TRACE("chunks kept " + std::to_string(kept));
    Opened opened = Open(sealed_.substr(0, Offset(kept)));
    ExpectRefused(opened, "stream truncated: final chunk missing");
    EXPECT_EQ(opened.plaintext, plaintext_.substr(0, kept * kChunk));
  }
}

TEST_F(SealedStreamAttackTest, TruncationInsideAChunkOrTheHeaderIsDetected) {
  ExpectRefused(Open(sealed_.substr(0, Offset(1) + 100)), "chunk 1 failed authentication");
  ExpectRefused(Open(sealed_.substr(0, sealed_.size() - 1)), "chunk 3 failed authentication");
  ExpectRefused(Open(sealed_.substr(0, Offset(3) + 5)), "stream truncated: final chunk missing");
  ExpectRefused(Open(sealed_.substr(0, 19)), "stream truncated: header incomplete");
  ExpectRefused(Open(""), "stream truncated: header incomplete");
}

TEST_F(SealedStreamAttackTest, SwappedChunksFail) {
  std::string swapped = sealed_.substr(0, Offset(0)) + Chunk(1) + Chunk(0) + Chunk(2) + Chunk(3);
  Opened opened = Open(swapped);
  ExpectRefused(opened, "chunk 0 failed authentication");
  EXPECT_EQ(opened.plaintext, "");
}

TEST_F(SealedStreamAttackTest, DuplicatedOrDroppedChunksFail) {
  std::string header = sealed_.substr(0, Offset(0));
  Opened duplicated = Open(header + Chunk(0) + Chunk(1) + Chunk(1) + Chunk(2) + Chunk(3));
  ExpectRefused(duplicated, "chunk 2 failed authentication");
  EXPECT_EQ(duplicated.plaintext, plaintext_.substr(0, 2 * kChunk));
  ExpectRefused(Open(header + Chunk(0) + Chunk(2) + Chunk(3)), "chunk 1 failed authentication");
}

TEST_F(SealedStreamAttackTest, BytesAfterTheFinalChunkFail) {
  for (const std::string& extra :
       {std::string("x"), std::string(16, '\0'), std::string(kSealedChunk, 'y'), Chunk(3)}) {
    SCOPED_TRACE("appended " + std::to_string(extra.size()));
    Opened opened = Open(sealed_ + extra);
    ExpectRefused(opened, "chunk 3 failed authentication");
    // The final chunk's 17 bytes are never released.
    EXPECT_EQ(opened.plaintext, plaintext_.substr(0, 3 * kChunk));
  }
  ExpectRefused(Open(sealed_ + "x"), "data after the final chunk");
}

TEST_F(SealedStreamAttackTest, WritingAfterASuccessfulCloseIsDataAfterTheFinalChunk) {
  StringSink sink;
  StreamOpener opener(kSealKey, kSealContext, sink);
  ASSERT_TRUE(opener.Write(sealed_).has_value());
  ASSERT_TRUE(opener.Close().has_value());
  auto more = opener.Write("x");
  ASSERT_FALSE(more.has_value());
  EXPECT_EQ(more.error().message, "data after the final chunk");
}

TEST_F(SealedStreamAttackTest, AChunkSplicedFromAnotherStreamUnderTheSameKeyFails) {
  std::string other = Seal(plaintext_, 5);  // same key, context and plaintext
  std::string spliced = sealed_;
  spliced.replace(Offset(1), kSealedChunk, other.substr(Offset(1), kSealedChunk));
  Opened opened = Open(spliced);
  ExpectRefused(opened, "chunk 1 failed authentication");
  EXPECT_EQ(opened.plaintext, plaintext_.substr(0, kChunk));
  // Another stream's header over these chunks fails at the first chunk.
  std::string reheaded = other.substr(0, kSealedHeaderBytes) + sealed_.substr(kSealedHeaderBytes);
  ExpectRefused(Open(reheaded), "chunk 0 failed authentication");
}

TEST_F(SealedStreamAttackTest, WrongKeyOrContextFailsAtTheFirstChunk) {
  Opened wrong_key = Open(sealed_, 2, "0123456789abcdefghijklmnopqrstuw");
  ExpectRefused(wrong_key,
                "chunk 0 failed authentication (altered, reordered, or wrong key/context)");
  EXPECT_EQ(wrong_key.plaintext, "");
  Opened wrong_context = Open(sealed_, 2, kSealKey, "citadel-backup v1|tenant 13|backup 3f2a");
  ExpectRefused(wrong_context, "chunk 0 failed authentication");
  EXPECT_EQ(wrong_context.plaintext, "");
}

TEST_F(SealedStreamAttackTest, ForeignAndUnknownHeadersAreNamed) {
  StringSink sink;
  StreamOpener opener(kSealKey, kSealContext, sink);
  auto first = opener.Write("P");  // a foreign file is refused at its first byte
  ASSERT_FALSE(first.has_value());
  EXPECT_EQ(first.error().message, "not a Citadel sealed stream");
  EXPECT_FALSE(opener.Close().has_value());

  std::string future = sealed_;
  future[8] = 2;
  ExpectRefused(Open(future), "unsupported version 2");
  std::string huge_chunks = sealed_;
  huge_chunks[9] = 0x7f;
  ExpectRefused(Open(huge_chunks), "chunk size");
}

// ---- resuming at a chunk ----------------------------------------------------

TEST_F(SealedStreamAttackTest, AnOpenerStartedAtChunkKGivesThePlaintextFromThere) {
  std::string header = sealed_.substr(0, kSealedHeaderBytes);
  for (std::uint64_t k = 0; k <= 3; ++k) {
    SCOPED_TRACE("k " + std::to_string(k));
    Opened opened = OpenFrom(sealed_.substr(Offset(k)), header, k);
    ASSERT_TRUE(opened.result.has_value()) << opened.message();
    EXPECT_EQ(opened.plaintext, plaintext_.substr(k * kChunk));
    EXPECT_TRUE(opened.closed);
  }
  // Past the final chunk there is nothing left to prove the end.
  ExpectRefused(OpenFrom("", header, 4), "stream truncated: final chunk missing");
}

TEST_F(SealedStreamAttackTest, AResumedOpenerChecksItsHeaderAndPosition) {
  std::string header = sealed_.substr(0, kSealedHeaderBytes);
  ExpectRefused(OpenFrom(sealed_.substr(Offset(2)), header, 1), "chunk 1 failed authentication");
  std::string other_header = Seal(plaintext_, 9).substr(0, kSealedHeaderBytes);
  ExpectRefused(OpenFrom(sealed_.substr(Offset(1)), other_header, 1),
                "chunk 1 failed authentication");
  ExpectRefused(OpenFrom(sealed_.substr(Offset(1)), header.substr(0, 19), 1),
                "not a Citadel sealed stream");
  ExpectRefused(OpenFrom(sealed_.substr(Offset(1)), "XITSEAL1" + header.substr(8), 1),
                "not a Citadel sealed stream");
}

TEST_F(SealedStreamAttackTest, NoChunkIndexBeyondTheU32NonceIsAccepted) {
  std::string header = sealed_.substr(0, kSealedHeaderBytes);
  ExpectRefused(OpenFrom(Chunk(0), header, kMaxSealedChunks), "cannot resume at chunk");
  // The last index may only hold a final chunk: a full one there is refused
  // before it is even decrypted.
  ExpectRefused(OpenFrom(Chunk(0), header, kMaxSealedChunks - 1), "stream too long");
  ExpectRefused(OpenFrom(Chunk(3), header, kMaxSealedChunks - 1), "failed authentication");
}

// ---- the sink's errors -------------------------------------------------------

class FailingSink final : public ByteSink {
 public:
  explicit FailingSink(int writes_before_failure) : writes_left_(writes_before_failure) {}
  core::Result<void> Write(std::string_view bytes) override {
    if (writes_left_-- <= 0) return core::Fail(core::ErrorCode::kIo, "disk full");
    data_.append(bytes);
    return {};
  }
  core::Result<void> Close() override {
    closed_ = true;
    return {};
  }
  std::string data_;
  bool closed_ = false;

 private:
  int writes_left_;
};

TEST(SealedStreamTest, ASinkErrorEndsTheSealedStreamWithoutClosingTheSink) {
  FailingSink sink(2);  // the header and chunk 0, then the disk is full
  StreamSealer sealer(kSealKey, kSealContext, sink, kChunk);
  auto written = sealer.Write(Pattern(3 * kChunk, 1));
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, core::ErrorCode::kIo);
  EXPECT_EQ(sealer.Write("x").error().message, "disk full");
  EXPECT_EQ(sealer.Close().error().code, core::ErrorCode::kIo);
  EXPECT_FALSE(sink.closed_);
  EXPECT_EQ(sink.data_.size(), Offset(1));
}

TEST(SealedStreamTest, ASinkErrorEndsTheOpenedStreamWithoutClosingTheSink) {
  std::string sealed = Seal(Pattern(kThreeChunksAnd17, 3));
  FailingSink sink(1);
  StreamOpener opener(kSealKey, kSealContext, sink);
  auto written = opener.Write(sealed);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, core::ErrorCode::kIo);
  EXPECT_EQ(opener.Close().error().code, core::ErrorCode::kIo);
  EXPECT_FALSE(sink.closed_);
  EXPECT_EQ(sink.data_.size(), kChunk);
}

}  // namespace
}  // namespace citadel::backup
