// CredentialCache: the (tenant, uid, password) checks that succeeded lately,
// so that execute_kw, which carries the password on every call, does not pay
// a 600,000-round PBKDF2 verification each time (Odoo's res.users.check keeps
// an ormcache of (uid, passwd) for the same reason).
//
//   cache.Put("acme", 2, password, stored_hash);      // after a real Verify matched
//   if (cache.Matches("acme", 2, password, stored_hash)) ...   // later calls
//
// What it holds: never a password. An entry is keyed by HMAC-SHA256 under a
// random per-process key of (tenant, uid, password) and holds a SHA-256 of the
// stored hash it was verified against. Matches() needs that stored hash, read
// in the caller's own transaction, to be the same: any password change (a new
// hash) makes the entry useless at once, on every server, with no message to
// lose; Forget() drops it. A wrong password is never put.
//
// Bounded: at most `max_entries` (the oldest go first). An entry unused for
// `ttl` is dropped; a match renews it, so a busy client never sees all its
// calls re-verify at once when an entry times out (a stall of seconds under
// load: PBKDF2 per call in flight), up to kMaxAgeInTtls ttls after the
// verification, when the next call verifies again. Renewing is safe because
// every match also needs the very stored hash the password was verified
// against.
// Thread-safe (one mutex; work under it is a hash-map lookup).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <openssl/types.h>

#include "core/clock.hpp"

namespace citadel::rpc {

class CredentialCache {
 public:
  static constexpr int kMaxAgeInTtls = 60;

  explicit CredentialCache(std::size_t max_entries = 10'000,
                           std::chrono::seconds ttl = std::chrono::seconds(60),
                           const core::Clock& clock = core::SystemClock::Instance());

  // Which entry (tenant, uid, password) names: an HMAC under the process's
  // key. A call that looks its credentials up several times computes it
  // once (rpc/object_service.cpp; each HMAC cost more than the lookup).
  class Key {
   public:
    bool operator==(const Key&) const = default;

   private:
    friend class CredentialCache;
    std::array<unsigned char, 32> digest_{};
  };
  Key KeyOf(std::string_view tenant, std::int64_t uid, std::string_view password) const;

  // `api_key`: the hash is one of the user's API keys', not its password's
  // (a hint for HoldsForPassword; a match still needs the very hash).
  void Put(std::string_view tenant, std::int64_t uid, std::string_view password,
           std::string_view stored_hash, bool api_key = false);
  // True if this password was verified for this uid against this very stored
  // hash within the ttl. An entry whose stored hash differs is dropped.
  bool Matches(std::string_view tenant, std::int64_t uid, std::string_view password,
               std::string_view stored_hash);
  // True if this password was verified against one of `stored_hashes` (a
  // user's password hash and API keys' hashes). When none is the entry's,
  // the entry is dropped only if `drop_if_none`.
  bool MatchesAny(std::string_view tenant, std::int64_t uid, std::string_view password,
                  const std::vector<std::string>& stored_hashes, bool drop_if_none);
  bool MatchesAny(const Key& key, const std::vector<std::string>& stored_hashes, bool drop_if_none);
  void Forget(std::string_view tenant, std::int64_t uid, std::string_view password);
  // Whether an unexpired entry exists for this password, whatever hash it
  // was verified against (renews nothing). Only a hint: a call may then send
  // its work before the credentials are read back, and still needs a
  // Matches*() against what is stored before it answers.
  bool Holds(std::string_view tenant, std::int64_t uid, std::string_view password) const;
  bool Holds(const Key& key) const;
  // The same, and the entry was verified against the user's password hash
  // (not an API key's): the check can then be judged from the user's row
  // alone, with no query of its own (rpc/object_service.cpp, calls that write).
  bool HoldsForPassword(std::string_view tenant, std::int64_t uid, std::string_view password) const;
  bool HoldsForPassword(const Key& key) const;

  std::size_t size() const;

 private:
  using Digest = std::array<unsigned char, 32>;
  struct DigestHash {
    std::size_t operator()(const Digest& d) const;
  };
  struct Entry {
    Digest stored;
    core::Clock::TimePoint expires;     // slides forward with each match
    core::Clock::TimePoint verified_at;  // the PBKDF2 check; kMaxAgeInTtls ttls at most
    bool api_key = false;                // verified against an API key's hash
  };
  Digest KeyFor(std::string_view tenant, std::int64_t uid, std::string_view password) const;

  const std::size_t max_entries_;
  const std::chrono::seconds ttl_;
  const core::Clock& clock_;
  // HMAC-SHA256 under a per-process random key, ready to copy (KeyFor).
  struct MacContextFree {
    void operator()(EVP_MAC_CTX* context) const;
  };
  const std::unique_ptr<EVP_MAC_CTX, MacContextFree> mac_;
  mutable std::mutex mutex_;
  std::unordered_map<Digest, Entry, DigestHash> entries_;
  std::deque<Digest> order_;  // insertion order, for eviction; may hold stale keys
};

}  // namespace citadel::rpc
