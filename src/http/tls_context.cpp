#include "http/tls_context.hpp"

#include <cstring>

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "http/openssl_handles.hpp"

namespace citadel::http {
namespace {

using core::ErrorCode;

constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* kTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
constexpr const char* kGroups = "X25519:P-256:P-384";

int RingIndex() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int TicketKeyCallback(SSL* ssl, unsigned char* key_name, unsigned char* iv,
                      EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac, int seal) {
  auto* ring = static_cast<const TicketKeyRing*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), RingIndex()));
  if (ring == nullptr) return -1;
  return seal ? ring->Seal(key_name, iv, cipher, mac) : ring->Open(key_name, iv, cipher, mac);
}

int SelectHttp11(SSL*, const unsigned char** out, unsigned char* out_length,
                 const unsigned char* offered, unsigned int offered_length, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kHttp11, sizeof kHttp11, offered,
                            offered_length) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;  // a client without http/1.1 in its list gets no ALPN at all
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

bool SetMacKey(EVP_MAC_CTX* mac, const std::array<unsigned char, 32>& key) {
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_KEY, const_cast<unsigned char*>(key.data()),
                                        key.size()),
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  return EVP_MAC_CTX_set_params(mac, params) == 1;
}

}  // namespace

TicketKeyRing::TicketKeyRing() : current_(FreshKey()) {}

TicketKeyRing::~TicketKeyRing() {
  Wipe(current_);
  if (previous_) Wipe(*previous_);
}

TicketKeyRing::Key TicketKeyRing::FreshKey() {
  Key key;
  if (RAND_bytes(key.name.data(), static_cast<int>(key.name.size())) != 1 ||
      RAND_bytes(key.cipher_key.data(), static_cast<int>(key.cipher_key.size())) != 1 ||
      RAND_bytes(key.mac_key.data(), static_cast<int>(key.mac_key.size())) != 1) {
    std::abort();  // as core::RandomBytes: never fall back to weaker keys
  }
  return key;
}

void TicketKeyRing::Wipe(Key& key) { OPENSSL_cleanse(&key, sizeof key); }

void TicketKeyRing::Rotate() {
  Key fresh = FreshKey();
  std::lock_guard lock(mutex_);
  if (previous_) Wipe(*previous_);
  previous_ = current_;
  current_ = fresh;
  Wipe(fresh);
}

int TicketKeyRing::Seal(unsigned char* key_name, unsigned char* iv, EVP_CIPHER_CTX* cipher,
                        EVP_MAC_CTX* mac) const {
  if (RAND_bytes(iv, EVP_CIPHER_get_iv_length(EVP_aes_256_cbc())) != 1) return -1;
  std::lock_guard lock(mutex_);
  std::memcpy(key_name, current_.name.data(), current_.name.size());
  if (EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, current_.cipher_key.data(), iv) != 1) {
    return -1;
  }
  return SetMacKey(mac, current_.mac_key) ? 1 : -1;
}

int TicketKeyRing::Open(const unsigned char* key_name, const unsigned char* iv,
                        EVP_CIPHER_CTX* cipher, EVP_MAC_CTX* mac) const {
  std::lock_guard lock(mutex_);
  const Key* key = nullptr;
  int accepted = 1;
  if (std::memcmp(key_name, current_.name.data(), current_.name.size()) == 0) {
    key = &current_;
  } else if (previous_ && std::memcmp(key_name, previous_->name.data(), previous_->name.size()) == 0) {
    key = &*previous_;
    accepted = 2;
  } else {
    return 0;
  }
  if (!SetMacKey(mac, key->mac_key)) return -1;
  if (EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nullptr, key->cipher_key.data(), iv) != 1) {
    return -1;
  }
  return accepted;
}

void TlsContextDeleter::operator()(ssl_ctx_st* context) const { SSL_CTX_free(context); }

core::Result<TlsContextPtr> BuildServerTlsContext(const std::string& certificate_chain_pem,
                                                  const std::string& private_key_pem,
                                                  TicketKeyRing& ticket_keys,
                                                  std::chrono::seconds ticket_lifetime) {
  ERR_clear_error();
  TlsContextPtr context(SSL_CTX_new(TLS_server_method()));
  if (!context) return core::Fail(ErrorCode::kInternal, openssl::TakeErrorText("SSL_CTX_new failed"));
  SSL_CTX* ctx = context.get();
  bool ok = SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1 &&
            SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1 &&
            SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) == 1 &&
            SSL_CTX_set_ciphersuites(ctx, kTls13Suites) == 1 &&
            SSL_CTX_set1_groups_list(ctx, kGroups) == 1 &&
            SSL_CTX_set_ex_data(ctx, RingIndex(), &ticket_keys) == 1 &&
            SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, TicketKeyCallback) == 1;
  if (!ok) return core::Fail(ErrorCode::kInternal, openssl::TakeErrorText("cannot apply the TLS policy"));
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_clear_options(ctx, SSL_OP_NO_TICKET);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_timeout(ctx, static_cast<long>(ticket_lifetime.count()));
  // Idle keep-alive connections hold no TLS buffers.
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  SSL_CTX_set_alpn_select_cb(ctx, SelectHttp11, nullptr);

  auto chain = openssl::MemoryBio(certificate_chain_pem);
  openssl::X509Ptr leaf(chain ? PEM_read_bio_X509(chain.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!leaf || SSL_CTX_use_certificate(ctx, leaf.get()) != 1) {
    return core::Fail(ErrorCode::kInvalidArgument, openssl::TakeErrorText("no usable certificate"));
  }
  while (openssl::X509Ptr intermediate{PEM_read_bio_X509(chain.get(), nullptr, nullptr, nullptr)}) {
    if (SSL_CTX_add1_chain_cert(ctx, intermediate.get()) != 1) {
      return core::Fail(ErrorCode::kInvalidArgument, openssl::TakeErrorText("bad intermediate certificate"));
    }
  }
  ERR_clear_error();  // the loop ends on "no start line"
  auto key_bio = openssl::MemoryBio(private_key_pem);
  openssl::PkeyPtr key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key || SSL_CTX_use_PrivateKey(ctx, key.get()) != 1) {
    return core::Fail(ErrorCode::kInvalidArgument, openssl::TakeErrorText("no usable private key"));
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      openssl::TakeErrorText("the private key does not match the certificate"));
  }
  return context;
}

core::Result<TlsContextPtr> LoadServerTlsContext(core::FileSystem& file_system,
                                                 const std::string& certificate_path,
                                                 const std::string& private_key_path,
                                                 TicketKeyRing& ticket_keys,
                                                 std::chrono::seconds ticket_lifetime) {
  auto certificate = file_system.ReadFile(certificate_path);
  if (!certificate) {
    return core::Fail(ErrorCode::kNotFound, "cannot read TLS certificate " + certificate_path + ": " +
                                                certificate.error().message);
  }
  auto key = file_system.ReadFile(private_key_path);
  if (!key) {
    return core::Fail(ErrorCode::kNotFound,
                      "cannot read TLS key " + private_key_path + ": " + key.error().message);
  }
  auto context = BuildServerTlsContext(*certificate, *key, ticket_keys, ticket_lifetime);
  OPENSSL_cleanse(key->data(), key->size());
  if (!context) {
    return core::Fail(context.error().code, "TLS certificate " + certificate_path + " / key " +
                                                private_key_path + ": " + context.error().message);
  }
  return context;
}

}  // namespace citadel::http
