// The digest a site compares a copy's re-read against: XXH3-128 of the bytes
// given to the upload, then of the bytes read back. The re-read only has to
// tell whether the site gave back what it was given (a bad disk, a truncated
// or half-synced file): the AES-GCM chunks inside already make tampering
// fail to decrypt, and the catalog's SHA-256 of each copy is still computed
// from the bytes written. XXH3 does this at a tenth of SHA-256's cost: the
// three re-reads of a 1 GiB tenant's backup (257 MiB each) cost ~0.45 s of
// CPU in SHA-256, on a machine where a backup's wall time is its CPU time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace citadel::backup {

class ReadBackDigest {
 public:
  ReadBackDigest();
  ~ReadBackDigest();
  ReadBackDigest(ReadBackDigest&&) noexcept;
  ReadBackDigest& operator=(ReadBackDigest&&) noexcept;

  void Update(std::string_view bytes);
  // 32 lowercase hex digits of everything given so far.
  std::string HexDigest() const;
  std::uint64_t bytes() const { return bytes_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::uint64_t bytes_ = 0;
};

}  // namespace citadel::backup
