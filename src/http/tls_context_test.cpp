// The TLS policy, checked by real handshakes between an OpenSSL client and the
// server context over an in-memory BIO pair (no sockets, no threads). Each
// refusal is checked on the server's side, by its error reason, so a test
// cannot pass because the client refused on its own.
#include "http/tls_context.hpp"

#include <functional>

#include <gtest/gtest.h>

#include "core/fake_file_system.hpp"
#include "http/openssl_handles.hpp"
#include "http/test_certificates.hpp"

namespace citadel::http {
namespace {

using ClientSetup = std::function<void(SSL_CTX*)>;

struct HandshakeResult {
  bool ok = false;
  int server_error_reason = 0;
  std::string version;
  std::string cipher;
  int group = 0;
  bool resumed = false;
  SSL_SESSION* session = nullptr;  // the client's, owned by the caller

  ~HandshakeResult() { SSL_SESSION_free(session); }
};

bool Retriable(SSL* ssl, int rc) {
  int error = SSL_get_error(ssl, rc);
  return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
}

void Handshake(SSL_CTX* server_context, const ClientSetup& setup, HandshakeResult& result,
               SSL_SESSION* resume = nullptr) {
  openssl::SslCtxPtr client_context(SSL_CTX_new(TLS_client_method()));
  setup(client_context.get());
  openssl::SslPtr client(SSL_new(client_context.get()));
  openssl::SslPtr server(SSL_new(server_context));
  BIO* client_bio = nullptr;
  BIO* server_bio = nullptr;
  BIO_new_bio_pair(&client_bio, 0, &server_bio, 0);
  SSL_set_bio(client.get(), client_bio, client_bio);
  SSL_set_bio(server.get(), server_bio, server_bio);
  SSL_set_connect_state(client.get());
  SSL_set_accept_state(server.get());
  if (resume != nullptr) SSL_set_session(client.get(), resume);
  ERR_clear_error();
  bool client_done = false;
  bool server_done = false;
  for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
    if (!client_done) {
      int rc = SSL_do_handshake(client.get());
      client_done = rc == 1;
      if (rc != 1 && !Retriable(client.get(), rc)) break;
    }
    if (!server_done) {
      int rc = SSL_do_handshake(server.get());
      server_done = rc == 1;
      if (rc != 1 && !Retriable(server.get(), rc)) {
        result.server_error_reason = ERR_GET_REASON(ERR_peek_error());
        break;
      }
    }
  }
  ERR_clear_error();
  if (!(client_done && server_done)) return;
  // TLS 1.3 tickets come after the handshake; a read takes them in.
  char byte = 0;
  SSL_read(client.get(), &byte, 1);
  ERR_clear_error();
  result.ok = true;
  result.version = SSL_get_version(client.get());
  result.cipher = SSL_get_cipher_name(client.get());
  result.group = static_cast<int>(SSL_get_negotiated_group(server.get()));
  result.resumed = SSL_session_reused(client.get()) == 1;
  result.session = SSL_get1_session(client.get());
  // Freed without a shutdown, OpenSSL would mark the session not resumable.
  SSL_shutdown(client.get());
}

class TlsContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& certificates = testing::LocalhostCertificates();
    auto context = BuildServerTlsContext(certificates.server_cert_pem, certificates.server_key_pem,
                                         ring_, std::chrono::seconds(3600));
    ASSERT_TRUE(context) << context.error().message;
    context_ = std::move(*context);
  }

  TicketKeyRing ring_;
  TlsContextPtr context_;
};

TEST_F(TlsContextTest, ModernClientsGetTls13WithX25519) {
  HandshakeResult result;
  Handshake(context_.get(), [](SSL_CTX*) {}, result);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.version, "TLSv1.3");
  EXPECT_EQ(result.group, NID_X25519);
}

TEST_F(TlsContextTest, Tls12GetsEcdheWithAnAeadCipher) {
  HandshakeResult result;
  Handshake(context_.get(), [](SSL_CTX* client) {
    SSL_CTX_set_max_proto_version(client, TLS1_2_VERSION);
  }, result);
  ASSERT_TRUE(result.ok);
  EXPECT_EQ(result.version, "TLSv1.2");
  EXPECT_TRUE(result.cipher.starts_with("ECDHE-ECDSA-")) << result.cipher;
  EXPECT_TRUE(result.cipher.find("GCM") != std::string::npos ||
              result.cipher.find("CHACHA20") != std::string::npos)
      << result.cipher;
}

TEST_F(TlsContextTest, RefusesTls11) {
  HandshakeResult result;
  Handshake(context_.get(), [](SSL_CTX* client) {
    // Security level 0, or OpenSSL 3 would not even offer TLS 1.1.
    SSL_CTX_set_security_level(client, 0);
    SSL_CTX_set_cipher_list(client, "DEFAULT:@SECLEVEL=0");
    SSL_CTX_set_min_proto_version(client, TLS1_1_VERSION);
    SSL_CTX_set_max_proto_version(client, TLS1_1_VERSION);
  }, result);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.server_error_reason, SSL_R_UNSUPPORTED_PROTOCOL);
}

TEST_F(TlsContextTest, RefusesCiphersWithoutAead) {
  HandshakeResult result;
  Handshake(context_.get(), [](SSL_CTX* client) {
    SSL_CTX_set_max_proto_version(client, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(client,
                            "AES128-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA256:"
                            "ECDHE-ECDSA-AES256-SHA384");
  }, result);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.server_error_reason, SSL_R_NO_SHARED_CIPHER);
}

TEST_F(TlsContextTest, RefusesCurvesOutsideTheList) {
  HandshakeResult result;
  Handshake(context_.get(), [](SSL_CTX* client) { SSL_CTX_set1_groups_list(client, "P-521"); },
            result);
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.server_error_reason, 0);
}

TEST_F(TlsContextTest, NoCompressionNoRenegotiationNoSessionCache) {
  long options = static_cast<long>(SSL_CTX_get_options(context_.get()));
  EXPECT_NE(options & static_cast<long>(SSL_OP_NO_COMPRESSION), 0);
  EXPECT_NE(options & static_cast<long>(SSL_OP_NO_RENEGOTIATION), 0);
  EXPECT_EQ(options & static_cast<long>(SSL_OP_NO_TICKET), 0);
  EXPECT_EQ(SSL_CTX_get_session_cache_mode(context_.get()), SSL_SESS_CACHE_OFF);
}

TEST_F(TlsContextTest, TicketsSurviveOneRotationButNotTwo) {
  auto tls12 = [](SSL_CTX* client) { SSL_CTX_set_max_proto_version(client, TLS1_2_VERSION); };
  HandshakeResult first;
  Handshake(context_.get(), tls12, first);
  ASSERT_TRUE(first.ok && first.session != nullptr);

  HandshakeResult again;
  Handshake(context_.get(), tls12, again, first.session);
  EXPECT_TRUE(again.resumed);

  ring_.Rotate();
  HandshakeResult after_one_rotation;
  Handshake(context_.get(), tls12, after_one_rotation, first.session);
  EXPECT_TRUE(after_one_rotation.resumed) << "the previous key must still open tickets";

  ring_.Rotate();
  HandshakeResult after_two_rotations;
  Handshake(context_.get(), tls12, after_two_rotations, first.session);
  ASSERT_TRUE(after_two_rotations.ok);
  EXPECT_FALSE(after_two_rotations.resumed) << "a key two rotations old must be gone";
}

TEST_F(TlsContextTest, Tls13TicketsResumeToo) {
  HandshakeResult first;
  Handshake(context_.get(), [](SSL_CTX*) {}, first);
  ASSERT_TRUE(first.ok && first.session != nullptr);
  HandshakeResult again;
  Handshake(context_.get(), [](SSL_CTX*) {}, again, first.session);
  EXPECT_TRUE(again.resumed);
}

TEST(TlsContextLoadTest, BadFilesAreErrorsThatNameTheFile) {
  const auto& certificates = testing::LocalhostCertificates();
  core::FakeFileSystem file_system;
  TicketKeyRing ring;
  file_system.WriteFileAtomic("/tls/server.crt", certificates.server_cert_pem, 0644);
  file_system.WriteFileAtomic("/tls/garbage.key", "not a key", 0600);
  file_system.WriteFileAtomic("/tls/ca.crt", certificates.ca_pem, 0644);
  auto missing = LoadServerTlsContext(file_system, "/tls/server.crt", "/tls/none.key", ring,
                                      std::chrono::seconds(60));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/tls/none.key"), std::string::npos);
  auto garbage = LoadServerTlsContext(file_system, "/tls/server.crt", "/tls/garbage.key", ring,
                                      std::chrono::seconds(60));
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("private key"), std::string::npos);
  auto not_a_cert = LoadServerTlsContext(file_system, "/tls/garbage.key", "/tls/garbage.key", ring,
                                         std::chrono::seconds(60));
  EXPECT_FALSE(not_a_cert);
}

TEST(TlsContextLoadTest, AKeyThatDoesNotMatchTheCertificateIsRefused) {
  const auto& certificates = testing::LocalhostCertificates();
  TicketKeyRing ring;
  core::FakeFileSystem file_system;
  file_system.WriteFileAtomic("/c.crt", certificates.server_cert_pem, 0644);
  file_system.WriteFileAtomic("/k.key", certificates.server_key_pem, 0600);
  EXPECT_TRUE(LoadServerTlsContext(file_system, "/c.crt", "/k.key", ring, std::chrono::seconds(60)));
  file_system.WriteFileAtomic("/c.crt", certificates.ca_pem, 0644);
  auto mismatched = LoadServerTlsContext(file_system, "/c.crt", "/k.key", ring, std::chrono::seconds(60));
  ASSERT_FALSE(mismatched);
  EXPECT_NE(mismatched.error().message.find("/c.crt"), std::string::npos)
      << mismatched.error().message;
}

}  // namespace
}  // namespace citadel::http
