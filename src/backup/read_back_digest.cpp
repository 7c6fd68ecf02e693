#include "backup/read_back_digest.hpp"

#include <xxhash.h>

#include <cstdio>
#include <new>

namespace citadel::backup {

struct ReadBackDigest::State {
  XXH3_state_t* xxh = XXH3_createState();
  ~State() { XXH3_freeState(xxh); }
};

ReadBackDigest::ReadBackDigest() : state_(std::make_unique<State>()) {
  if (state_->xxh == nullptr) throw std::bad_alloc();
  XXH3_128bits_reset(state_->xxh);
}
ReadBackDigest::~ReadBackDigest() = default;
ReadBackDigest::ReadBackDigest(ReadBackDigest&&) noexcept = default;
ReadBackDigest& ReadBackDigest::operator=(ReadBackDigest&&) noexcept = default;

void ReadBackDigest::Update(std::string_view bytes) {
  XXH3_128bits_update(state_->xxh, bytes.data(), bytes.size());
  bytes_ += bytes.size();
}

std::string ReadBackDigest::HexDigest() const {
  const XXH128_hash_t hash = XXH3_128bits_digest(state_->xxh);
  char hex[33];
  std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return hex;
}

}  // namespace citadel::backup
