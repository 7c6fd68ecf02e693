// The master key: the one secret that unlocks every tenant key (and so every
// backup). It is never stored by Citadel in PostgreSQL or on a backup site:
// it comes from a file the operator keeps (mode 0600, owned by the service
// user; anything looser is refused, as ssh refuses a readable private key)
// or from the environment variable CITADEL_MASTER_KEY (for a secrets manager
// that injects it). Either holds 32 bytes as 64 hex digits.
//
// Its id (a digest, safe to print and to store next to what it wraps) tells
// which master key wrapped a tenant key, so a server given the wrong master
// key says so instead of failing on every unwrap.
#pragma once

#include <string>

#include "core/result.hpp"

namespace citadel::backup {

inline constexpr const char* kMasterKeyEnvironmentVariable = "CITADEL_MASTER_KEY";

class MasterKey {
 public:
  // `bytes` must be 32 bytes.
  explicit MasterKey(std::string bytes);
  ~MasterKey();
  MasterKey(const MasterKey&) = default;
  MasterKey& operator=(const MasterKey&) = default;

  const std::string& bytes() const { return bytes_; }
  // 16 hex digits of SHA-256 over a label and the key.
  const std::string& id() const { return id_; }

 private:
  std::string bytes_;
  std::string id_;
};

// From the environment variable if it is set (and not empty), else from
// `path`. Errors say what is wrong and how to fix it, never the key.
core::Result<MasterKey> LoadMasterKey(const std::string& path);

// From the file alone (the environment variable is not looked at), with the
// same checks: a new key being rotated in (master_key_rotation.hpp).
core::Result<MasterKey> LoadMasterKeyFile(const std::string& path);

// Parses the 64 hex digits (surrounding whitespace allowed).
core::Result<MasterKey> ParseMasterKey(std::string_view text, const std::string& origin);

// Writes a new random master key to `path` (mode 0600, refusing to replace an
// existing file) and returns it.
core::Result<MasterKey> CreateMasterKeyFile(const std::string& path);

}  // namespace citadel::backup
