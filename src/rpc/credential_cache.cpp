#include "rpc/credential_cache.hpp"

#include <cstring>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "core/random.hpp"

namespace citadel::rpc {
namespace {

// Fetched once: OpenSSL 3 looks an algorithm up in its provider tables (a
// locked hash table) on every EVP_sha256() / HMAC() call otherwise, which
// was 4% of a read by id's CPU (every call computes two keys).
const EVP_MD* Sha256Algorithm() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

std::array<unsigned char, 32> Sha256(std::string_view text) {
  std::array<unsigned char, 32> out{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &length, Sha256Algorithm(), nullptr);
  return out;
}

// An HMAC-SHA256 context holding `key`, copied for each use (EVP_MAC_CTX_dup
// reads its source only, so calls on several threads share it).
EVP_MAC_CTX* NewKeyedMac(const std::vector<unsigned char>& key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* context = mac == nullptr ? nullptr : EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context keeps its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
  if (context == nullptr || EVP_MAC_init(context, key.data(), key.size(), params) != 1) {
    EVP_MAC_CTX_free(context);
    throw std::runtime_error("HMAC-SHA256 is not available");
  }
  return context;
}

}  // namespace

void CredentialCache::MacContextFree::operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }

std::size_t CredentialCache::DigestHash::operator()(const Digest& d) const {
  std::size_t h = 0;
  std::memcpy(&h, d.data(), sizeof h);  // already uniformly random
  return h;
}

CredentialCache::CredentialCache(std::size_t max_entries, std::chrono::seconds ttl,
                                 const core::Clock& clock)
    : max_entries_(max_entries == 0 ? 1 : max_entries),
      ttl_(ttl),
      clock_(clock),
      mac_(NewKeyedMac(core::RandomBytes(32))) {}

CredentialCache::Digest CredentialCache::KeyFor(std::string_view tenant, std::int64_t uid,
                                                std::string_view password) const {
  // Length-prefixed parts, so ("ab", "c") and ("a", "bc") never collide.
  std::string message;
  message.reserve(tenant.size() + password.size() + 48);
  const std::string uid_text = std::to_string(uid);
  for (std::string_view part : {tenant, std::string_view(uid_text), password}) {
    message += std::to_string(part.size());
    message += ':';
    message += part;
  }
  Digest out{};
  std::size_t length = 0;
  EVP_MAC_CTX* context = EVP_MAC_CTX_dup(mac_.get());
  const bool done = context != nullptr &&
                    EVP_MAC_update(context, reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1 &&
                    EVP_MAC_final(context, out.data(), &length, out.size()) == 1 && length == out.size();
  EVP_MAC_CTX_free(context);
  OPENSSL_cleanse(message.data(), message.size());
  // Only when out of memory; a zero key for everyone would match strangers.
  if (!done) throw std::runtime_error("HMAC-SHA256 failed");
  return out;
}

void CredentialCache::Put(std::string_view tenant, std::int64_t uid, std::string_view password,
                          std::string_view stored_hash, bool api_key) {
  const Digest key = KeyFor(tenant, uid, password);
  const auto now = clock_.Now();
  const Entry entry{Sha256(stored_hash), now + ttl_, now, api_key};
  std::lock_guard lock(mutex_);
  while (entries_.size() >= max_entries_ && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  // Stale keys (already forgotten or replaced) are trimmed as they age out.
  if (order_.size() > 2 * max_entries_) {
    std::deque<Digest> live;
    for (const Digest& k : order_) {
      if (entries_.count(k)) live.push_back(k);
    }
    order_.swap(live);
  }
  if (entries_.insert_or_assign(key, entry).second) order_.push_back(key);
}

bool CredentialCache::Matches(std::string_view tenant, std::int64_t uid, std::string_view password,
                              std::string_view stored_hash) {
  return MatchesAny(tenant, uid, password, {std::string(stored_hash)}, true);
}

CredentialCache::Key CredentialCache::KeyOf(std::string_view tenant, std::int64_t uid,
                                            std::string_view password) const {
  Key key;
  key.digest_ = KeyFor(tenant, uid, password);
  return key;
}

bool CredentialCache::MatchesAny(std::string_view tenant, std::int64_t uid, std::string_view password,
                                 const std::vector<std::string>& stored_hashes, bool drop_if_none) {
  return MatchesAny(KeyOf(tenant, uid, password), stored_hashes, drop_if_none);
}

bool CredentialCache::MatchesAny(const Key& cache_key, const std::vector<std::string>& stored_hashes,
                                 bool drop_if_none) {
  const Digest& key = cache_key.digest_;
  std::vector<Digest> stored;
  for (const std::string& hash : stored_hashes) stored.push_back(Sha256(hash));
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  const auto now = clock_.Now();
  if (now >= it->second.expires || now >= it->second.verified_at + kMaxAgeInTtls * ttl_) {
    entries_.erase(it);
    return false;
  }
  for (const Digest& candidate : stored) {
    if (CRYPTO_memcmp(it->second.stored.data(), candidate.data(), candidate.size()) == 0) {
      it->second.expires = now + ttl_;
      return true;
    }
  }
  if (drop_if_none) entries_.erase(it);
  return false;
}

void CredentialCache::Forget(std::string_view tenant, std::int64_t uid, std::string_view password) {
  const Digest key = KeyFor(tenant, uid, password);
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

bool CredentialCache::Holds(std::string_view tenant, std::int64_t uid, std::string_view password) const {
  return Holds(KeyOf(tenant, uid, password));
}

bool CredentialCache::Holds(const Key& cache_key) const {
  const Digest& key = cache_key.digest_;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return false;
  const auto now = clock_.Now();
  return now < it->second.expires && now < it->second.verified_at + kMaxAgeInTtls * ttl_;
}

bool CredentialCache::HoldsForPassword(std::string_view tenant, std::int64_t uid, std::string_view password) const {
  return HoldsForPassword(KeyOf(tenant, uid, password));
}

bool CredentialCache::HoldsForPassword(const Key& cache_key) const {
  const Digest& key = cache_key.digest_;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.api_key) return false;
  const auto now = clock_.Now();
  return now < it->second.expires && now < it->second.verified_at + kMaxAgeInTtls * ttl_;
}

std::size_t CredentialCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace citadel::rpc
