#include "backup/sealed_stream.hpp"

#include <algorithm>
#include <span>
#include <stdexcept>
#include <utility>

#include "core/random.hpp"

namespace citadel::backup {
namespace {

using NoncePrefix = std::array<unsigned char, kSealedNoncePrefixBytes>;

// The last index a chunk may have (the 2^32 - 1st chunk).
constexpr std::uint64_t kLastChunkIndex = kMaxSealedChunks - 1;

void AppendU32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::uint32_t ReadU32(std::string_view bytes) {
  std::uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

void CheckContext(std::string_view context) {
  if (context.size() > kMaxSealedContextBytes) {
    throw std::invalid_argument("sealed stream context longer than 64 KiB");
  }
}

// Every chunk authenticates the whole header (so no header field can be
// changed) and the caller's context (so a stream opens only where it belongs).
// The length prefix keeps the encoding unambiguous should the header grow.
std::string AssociatedData(std::string_view header, std::string_view context) {
  std::string out;
  out.reserve(header.size() + 4 + context.size());
  out.append(header);
  AppendU32(out, static_cast<std::uint32_t>(context.size()));
  out.append(context);
  return out;
}

// STREAM's nonce: the stream's prefix, the chunk's position, and whether it is
// the last, so that no chunk is valid anywhere but where it was sealed.
AesGcmNonce ChunkNonce(const NoncePrefix& prefix, std::uint64_t index, bool final) {
  AesGcmNonce nonce{};
  std::copy(prefix.begin(), prefix.end(), nonce.begin());
  for (std::size_t i = 0; i < 4; ++i) {
    nonce[kSealedNoncePrefixBytes + i] = static_cast<unsigned char>(index >> (24 - 8 * i));
  }
  nonce[kAesGcmNonceBytes - 1] = final ? 1 : 0;
  return nonce;
}

core::Error InvalidStream(std::string message) {
  return core::MakeError(core::ErrorCode::kInvalidArgument, std::move(message));
}

std::string AuthenticationFailure(std::uint64_t index, bool final) {
  std::string message = "chunk " + std::to_string(index) +
                        " failed authentication (altered, reordered, or wrong key/context)";
  // The final chunk is whatever is left at the end, so its failure may just
  // as well be a cut inside a chunk or bytes appended after the final one.
  if (final) message += ", or the stream was truncated or has data after the final chunk";
  return message;
}

constexpr std::size_t SealedChunkBytes(std::uint32_t chunk_size) {
  return std::size_t{chunk_size} + kAesGcmTagBytes;
}

}  // namespace

// ---- StreamSealer ----------------------------------------------------------

StreamSealer::StreamSealer(std::string_view key, std::string_view context, ByteSink& sealed_out,
                           std::uint32_t chunk_size)
    : cipher_(key), sealed_out_(sealed_out), chunk_size_(chunk_size) {
  if (chunk_size < kMinSealedChunkBytes || chunk_size > kMaxSealedChunkBytes) {
    throw std::invalid_argument("sealed stream chunk size must be 4 KiB .. 16 MiB");
  }
  CheckContext(context);
  auto prefix = core::RandomBytes(kSealedNoncePrefixBytes);
  std::copy(prefix.begin(), prefix.end(), nonce_prefix_.begin());
  header_.append(kSealedStreamMagic);
  header_.push_back(static_cast<char>(kSealedStreamVersion));
  AppendU32(header_, chunk_size_);
  header_.append(reinterpret_cast<const char*>(nonce_prefix_.data()), nonce_prefix_.size());
  associated_data_ = AssociatedData(header_, context);
}

core::Result<void> StreamSealer::Failed(core::Error error) {
  failure_ = error;
  return core::Unexpected(std::move(error));
}

core::Result<void> StreamSealer::Write(std::string_view plaintext) {
  if (failure_) return core::Unexpected(*failure_);
  if (closed_) return Failed(InvalidStream("write to a sealed stream after Close"));
  while (!plaintext.empty()) {
    if (pending_plaintext_.empty() && plaintext.size() >= chunk_size_) {
      // A whole chunk in the caller's buffer: seal it from there, no copy.
      if (auto sealed = SealChunk(plaintext.substr(0, chunk_size_), false); !sealed) return sealed;
      plaintext.remove_prefix(chunk_size_);
      continue;
    }
    if (pending_plaintext_.capacity() < chunk_size_) pending_plaintext_.reserve(chunk_size_);
    std::size_t take = std::min(chunk_size_ - pending_plaintext_.size(), plaintext.size());
    pending_plaintext_.append(plaintext.substr(0, take));
    plaintext.remove_prefix(take);
    if (pending_plaintext_.size() == chunk_size_) {
      if (auto sealed = SealChunk(pending_plaintext_, false); !sealed) return sealed;
      pending_plaintext_.clear();
    }
  }
  return {};
}

core::Result<void> StreamSealer::Close() {
  if (failure_) return core::Unexpected(*failure_);
  if (closed_) return Failed(InvalidStream("sealed stream closed twice"));
  // Always shorter than a chunk, possibly empty: see the format.
  if (auto sealed = SealChunk(pending_plaintext_, true); !sealed) return sealed;
  pending_plaintext_.clear();
  closed_ = true;
  if (auto closed = sealed_out_.Close(); !closed) return Failed(closed.error());
  return {};
}

core::Result<void> StreamSealer::SealChunk(std::string_view plaintext, bool final) {
  // A full chunk must leave an index free for the final chunk after it.
  if (!final && next_index_ >= kLastChunkIndex) {
    return Failed(InvalidStream("stream too long: a sealed stream has at most 4294967295 chunks"));
  }
  if (!header_written_) {
    if (auto written = sealed_out_.Write(header_); !written) return Failed(written.error());
    header_written_ = true;
  }
  const std::size_t sealed_size = plaintext.size() + kAesGcmTagBytes;
  if (sealed_chunk_.size() < sealed_size) sealed_chunk_.resize(SealedChunkBytes(chunk_size_));
  std::span<char> sealed(sealed_chunk_.data(), sealed_size);
  cipher_.Seal(ChunkNonce(nonce_prefix_, next_index_, final), associated_data_, plaintext, sealed);
  ++next_index_;
  if (auto written = sealed_out_.Write(std::string_view(sealed.data(), sealed.size())); !written) {
    return Failed(written.error());
  }
  return {};
}

// ---- StreamOpener ----------------------------------------------------------

StreamOpener::StreamOpener(std::string_view key, std::string_view context, ByteSink& plaintext_out)
    : cipher_(key), plaintext_out_(plaintext_out), context_(context) {
  CheckContext(context);
}

StreamOpener::StreamOpener(std::string_view key, std::string_view context, ByteSink& plaintext_out,
                           const SealedResumePoint& resume_at)
    : StreamOpener(key, context, plaintext_out) {
  if (resume_at.header.size() != kSealedHeaderBytes) {
    failure_ = InvalidStream("not a Citadel sealed stream: a resume header must be 20 bytes");
    return;
  }
  if (resume_at.chunk_index > kLastChunkIndex) {
    failure_ = InvalidStream("cannot resume at chunk " + std::to_string(resume_at.chunk_index) +
                             ": a sealed stream has at most 4294967295 chunks");
    return;
  }
  header_ = resume_at.header;
  if (auto parsed = ParseHeader(); !parsed) return;  // kept in failure_
  next_index_ = resume_at.chunk_index;
}

core::Result<void> StreamOpener::Failed(core::Error error) {
  failure_ = error;
  return core::Unexpected(std::move(error));
}

core::Result<void> StreamOpener::Write(std::string_view sealed) {
  if (failure_) return core::Unexpected(*failure_);
  if (closed_) return Failed(InvalidStream("data after the final chunk"));
  if (!header_parsed_) {
    if (auto taken = TakeHeaderBytes(sealed); !taken) return taken;
  }
  const std::size_t chunk_bytes = SealedChunkBytes(chunk_size_);
  while (!sealed.empty()) {
    // A chunk of full length is never the final one, so it can be opened as
    // soon as it is complete; what is left at Close is the final chunk.
    if (partial_chunk_.empty() && sealed.size() >= chunk_bytes) {
      if (auto opened = OpenChunk(sealed.substr(0, chunk_bytes), false); !opened) return opened;
      sealed.remove_prefix(chunk_bytes);
      continue;
    }
    if (partial_chunk_.capacity() < chunk_bytes) partial_chunk_.reserve(chunk_bytes);
    std::size_t take = std::min(chunk_bytes - partial_chunk_.size(), sealed.size());
    partial_chunk_.append(sealed.substr(0, take));
    sealed.remove_prefix(take);
    if (partial_chunk_.size() == chunk_bytes) {
      if (auto opened = OpenChunk(partial_chunk_, false); !opened) return opened;
      partial_chunk_.clear();
    }
  }
  return {};
}

core::Result<void> StreamOpener::Close() {
  if (failure_) return core::Unexpected(*failure_);
  if (closed_) return Failed(InvalidStream("sealed stream closed twice"));
  if (!header_parsed_) return Failed(InvalidStream("stream truncated: header incomplete"));
  if (partial_chunk_.size() < kAesGcmTagBytes) {
    return Failed(InvalidStream("stream truncated: final chunk missing"));
  }
  if (auto opened = OpenChunk(partial_chunk_, true); !opened) return opened;
  partial_chunk_.clear();
  closed_ = true;
  if (auto closed = plaintext_out_.Close(); !closed) return Failed(closed.error());
  return {};
}

core::Result<void> StreamOpener::TakeHeaderBytes(std::string_view& sealed) {
  std::size_t take = std::min(kSealedHeaderBytes - header_.size(), sealed.size());
  header_.append(sealed.substr(0, take));
  sealed.remove_prefix(take);
  // Refuse a foreign file at its first wrong byte rather than after 20.
  std::size_t magic_seen = std::min(header_.size(), kSealedStreamMagic.size());
  if (std::string_view(header_).substr(0, magic_seen) != kSealedStreamMagic.substr(0, magic_seen)) {
    return Failed(InvalidStream("not a Citadel sealed stream"));
  }
  if (header_.size() < kSealedHeaderBytes) return {};
  return ParseHeader();
}

core::Result<void> StreamOpener::ParseHeader() {
  std::string_view header = header_;
  if (!header.starts_with(kSealedStreamMagic)) {
    return Failed(InvalidStream("not a Citadel sealed stream"));
  }
  auto version = static_cast<unsigned char>(header[kSealedStreamMagic.size()]);
  if (version != kSealedStreamVersion) {
    return Failed(InvalidStream("unsupported version " + std::to_string(version) +
                                " of the Citadel sealed stream format (this build reads 1)"));
  }
  // Bounded before anything is allocated: the header is authenticated only by
  // the chunks that follow, so this field is still the sender's word.
  std::uint32_t chunk_size = ReadU32(header.substr(kSealedStreamMagic.size() + 1));
  if (chunk_size < kMinSealedChunkBytes || chunk_size > kMaxSealedChunkBytes) {
    return Failed(InvalidStream("not a Citadel sealed stream: chunk size " +
                                std::to_string(chunk_size) + " outside 4 KiB .. 16 MiB"));
  }
  chunk_size_ = chunk_size;
  std::copy_n(header.substr(kSealedStreamMagic.size() + 5).data(), kSealedNoncePrefixBytes,
              nonce_prefix_.begin());
  associated_data_ = AssociatedData(header, context_);
  header_parsed_ = true;
  return {};
}

core::Result<void> StreamOpener::OpenChunk(std::string_view sealed_chunk, bool final) {
  // A full chunk must leave an index free for the final chunk after it; a
  // longer stream was never sealed, and its index would wrap in the nonce.
  if (next_index_ > kLastChunkIndex || (!final && next_index_ == kLastChunkIndex)) {
    return Failed(InvalidStream("stream too long: a sealed stream has at most 4294967295 chunks"));
  }
  const std::size_t plaintext_size = sealed_chunk.size() - kAesGcmTagBytes;
  if (plaintext_.size() < plaintext_size) plaintext_.resize(final ? plaintext_size : chunk_size_);
  std::span<char> plaintext(plaintext_.data(), plaintext_size);
  if (!cipher_.Open(ChunkNonce(nonce_prefix_, next_index_, final), associated_data_, sealed_chunk,
                    plaintext)) {
    return Failed(InvalidStream(AuthenticationFailure(next_index_, final)));
  }
  ++next_index_;
  if (plaintext.empty()) return {};
  if (auto written = plaintext_out_.Write(std::string_view(plaintext.data(), plaintext.size()));
      !written) {
    return Failed(written.error());
  }
  return {};
}

}  // namespace citadel::backup
