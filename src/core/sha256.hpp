// SHA-256 digests (OpenSSL's EVP), for content addressing and for keeping
// only a digest of a secret (a session id) where a lookup key is needed.
// Sha256Hex is a pure function: thread-safe. Sha256Stream digests a stream
// that is never whole in memory (a backup); one object per stream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace citadel::core {

// SHA-256 of `content` as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view content);

class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;

  void Update(std::string_view bytes);
  // The digest of everything given so far, as 64 lowercase hex digits. The
  // stream can go on after it (the digest is taken from a copy).
  std::string HexDigest() const;
  std::uint64_t bytes() const { return bytes_; }

 private:
  struct Context;
  std::unique_ptr<Context> context_;
  std::uint64_t bytes_ = 0;
};

}  // namespace citadel::core
