// The server's TLS policy as an OpenSSL SSL_CTX, and the session-ticket keys.
//
// Policy (Mozilla "intermediate" without DHE): TLS 1.2 and 1.3 only; in 1.2
// only ECDHE key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305); the
// TLS 1.3 default suites; groups X25519, P-256, P-384; no compression, no
// renegotiation; ALPN "http/1.1". Resumption is by session ticket only (no
// server-side cache), and tickets are sealed with keys from a TicketKeyRing
// that the server rotates on a timer: a ticket sealed with the previous key is
// still accepted (and replaced), one sealed with an older key is not, so a
// stolen ticket key stops decrypting recorded sessions after two rotations.
//
// Ownership and threads: the server owns one TicketKeyRing for its whole life
// and shares it with every context it builds (a reload keeps tickets valid);
// the ring must outlive those contexts. TicketKeyRing is thread-safe. An
// SSL_CTX, once built, is only read (OpenSSL allows that from many threads).
// Loading reads files, so it runs on a control thread, never an I/O thread.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/file_system.hpp"
#include "core/result.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX
struct ssl_st;      // OpenSSL's SSL
struct evp_cipher_ctx_st;
struct evp_mac_ctx_st;

namespace citadel::http {

class TicketKeyRing {
 public:
  TicketKeyRing();  // starts with one fresh key
  ~TicketKeyRing();
  TicketKeyRing(const TicketKeyRing&) = delete;
  TicketKeyRing& operator=(const TicketKeyRing&) = delete;

  // A fresh current key; the current one becomes the previous; the previous is wiped.
  void Rotate();

  // OpenSSL's ticket callback contract (SSL_CTX_set_tlsext_ticket_key_evp_cb):
  // sealing returns 1 or -1; opening returns 1 (current key), 2 (previous key:
  // accept and issue a new ticket), 0 (unknown key: full handshake) or -1.
  int Seal(unsigned char* key_name, unsigned char* iv, evp_cipher_ctx_st* cipher,
           evp_mac_ctx_st* mac) const;
  int Open(const unsigned char* key_name, const unsigned char* iv, evp_cipher_ctx_st* cipher,
           evp_mac_ctx_st* mac) const;

 private:
  struct Key {
    std::array<unsigned char, 16> name{};
    std::array<unsigned char, 32> cipher_key{};
    std::array<unsigned char, 32> mac_key{};
  };
  static Key FreshKey();
  static void Wipe(Key& key);

  mutable std::mutex mutex_;
  Key current_;
  std::optional<Key> previous_;
};

struct TlsContextDeleter {
  void operator()(ssl_ctx_st* context) const;
};
using TlsContextPtr = std::unique_ptr<ssl_ctx_st, TlsContextDeleter>;

// `certificate_chain_pem`: the server certificate, then any intermediates.
// `ticket_lifetime`: how long a client may resume; matches the rotation period.
core::Result<TlsContextPtr> BuildServerTlsContext(const std::string& certificate_chain_pem,
                                                  const std::string& private_key_pem,
                                                  TicketKeyRing& ticket_keys,
                                                  std::chrono::seconds ticket_lifetime);

// Reads both files through `file_system`; the error names the file at fault.
core::Result<TlsContextPtr> LoadServerTlsContext(core::FileSystem& file_system,
                                                 const std::string& certificate_path,
                                                 const std::string& private_key_path,
                                                 TicketKeyRing& ticket_keys,
                                                 std::chrono::seconds ticket_lifetime);

}  // namespace citadel::http
