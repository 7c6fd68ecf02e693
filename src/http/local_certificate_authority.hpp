// A private certificate authority for HTTPS out of the box, when the operator
// gives no certificate of their own (--tls-cert/--tls-key).
//
// On its first call it creates, in `directory`, a CA (ECDSA P-256, SHA-256,
// CA:TRUE with keyCertSign, about ten years) and a server certificate signed by
// it (ECDSA P-256, SHA-256, serverAuth, SAN DNS:localhost + the given names +
// IP:127.0.0.1 + IP:::1, valid at most 397 days, the limit browsers accept).
// Later calls reuse the files, and issue a fresh server certificate (new key)
// when the one on disk has less than 30 days left, was not signed by this CA,
// does not match its key, or lacks a requested name. An unreadable CA on disk
// is an error, never silently replaced: users may have installed it as trusted.
//
// Files (written atomically through core::FileSystem): ca.crt and server.crt
// mode 0644, ca.key and server.key mode 0600, in a directory of mode 0700.
// Operators install ca.crt in their browsers or clients to trust the server.
//
// Thread-safe (calls are serialised). The FileSystem and Clock must outlive it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/file_system.hpp"
#include "core/result.hpp"

namespace citadel::http {

struct TlsFilePaths {
  std::string ca_cert;
  std::string server_cert;
  std::string server_key;
};

class LocalCertificateAuthority {
 public:
  static constexpr int kCaValidityDays = 3650;
  static constexpr int kServerValidityDays = 397;
  static constexpr int kRenewWithinDays = 30;

  LocalCertificateAuthority(std::string directory, core::FileSystem& file_system,
                            const core::Clock& clock);

  // `host_names` are DNS names or IP literals to certify besides localhost,
  // 127.0.0.1 and ::1; a name that is neither is refused (kInvalidArgument),
  // so nothing odd can reach the certificate's SAN.
  core::Result<TlsFilePaths> EnsureServerCertificate(const std::vector<std::string>& host_names);

 private:
  std::string PathOf(const char* file_name) const { return directory_ + "/" + file_name; }

  const std::string directory_;
  core::FileSystem& file_system_;
  const core::Clock& clock_;
  std::mutex mutex_;
};

}  // namespace citadel::http
