#include "core/sha256.hpp"

#include "core/hex.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace citadel::core {
namespace {

// OpenSSL fails only when out of memory: nothing to recover.
[[noreturn]] void Sha256Failed() { throw std::runtime_error("SHA-256 failed"); }

std::string DigestHex(const unsigned char* digest, unsigned int length) {
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string Sha256Hex(std::string_view content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    Sha256Failed();
  }
  return DigestHex(digest, length);
}

struct Sha256Stream::Context {
  EVP_MD_CTX* md = nullptr;
  ~Context() { EVP_MD_CTX_free(md); }
};

Sha256Stream::Sha256Stream() : context_(std::make_unique<Context>()) {
  context_->md = EVP_MD_CTX_new();
  if (context_->md == nullptr || EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) {
    Sha256Failed();
  }
}
Sha256Stream::~Sha256Stream() = default;
Sha256Stream::Sha256Stream(Sha256Stream&&) noexcept = default;
Sha256Stream& Sha256Stream::operator=(Sha256Stream&&) noexcept = default;

void Sha256Stream::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(context_->md, bytes.data(), bytes.size()) != 1) Sha256Failed();
  bytes_ += bytes.size();
}

std::string Sha256Stream::HexDigest() const {
  Context copy;
  copy.md = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (copy.md == nullptr || EVP_MD_CTX_copy_ex(copy.md, context_->md) != 1 ||
      EVP_DigestFinal_ex(copy.md, digest, &length) != 1) {
    Sha256Failed();
  }
  return DigestHex(digest, length);
}

}  // namespace citadel::core
