#include "http/local_certificate_authority.hpp"

#include <gtest/gtest.h>

#include "core/fake_file_system.hpp"
#include "http/certificate_builder.hpp"

namespace citadel::http {
namespace {

using certificates::ParseCertificatePem;

class LocalCertificateAuthorityTest : public ::testing::Test {
 protected:
  openssl::X509Ptr Read(const std::string& path) {
    auto pem = file_system_.ReadFile(path);
    return pem ? ParseCertificatePem(*pem) : nullptr;
  }

  // Chain verification as a TLS client does it, at the fake clock's time.
  int Verify(X509* server, X509* ca, const std::string& host, const std::string& ip = "") {
    openssl::X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca);
    openssl::X509StoreCtxPtr context(X509_STORE_CTX_new());
    X509_STORE_CTX_init(context.get(), store.get(), server, nullptr);
    X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
    X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(clock_.UnixSeconds()));
    X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
    if (!host.empty()) X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    if (!ip.empty()) X509_VERIFY_PARAM_set1_ip_asc(param, ip.c_str());
    int ok = X509_verify_cert(context.get());
    return ok == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context.get());
  }

  core::FakeFileSystem file_system_;
  core::FakeClock clock_;
  LocalCertificateAuthority authority_{"/data/tls", file_system_, clock_};
};

TEST_F(LocalCertificateAuthorityTest, IssuesAServerCertificateThatVerifiesAgainstTheCa) {
  auto paths = authority_.EnsureServerCertificate({"erp.example.com", "192.0.2.10"});
  ASSERT_TRUE(paths) << paths.error().message;
  EXPECT_EQ(paths->ca_cert, "/data/tls/ca.crt");
  EXPECT_EQ(paths->server_cert, "/data/tls/server.crt");
  EXPECT_EQ(paths->server_key, "/data/tls/server.key");
  auto ca = Read(paths->ca_cert);
  auto server = Read(paths->server_cert);
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(Verify(server.get(), ca.get(), "localhost"), X509_V_OK);
  EXPECT_EQ(Verify(server.get(), ca.get(), "erp.example.com"), X509_V_OK);
  EXPECT_EQ(Verify(server.get(), ca.get(), "", "127.0.0.1"), X509_V_OK);
  EXPECT_EQ(Verify(server.get(), ca.get(), "", "::1"), X509_V_OK);
  EXPECT_EQ(Verify(server.get(), ca.get(), "", "192.0.2.10"), X509_V_OK);
  EXPECT_EQ(Verify(server.get(), ca.get(), "evil.example.com"), X509_V_ERR_HOSTNAME_MISMATCH);
}

TEST_F(LocalCertificateAuthorityTest, CertificatesFollowThePolicy) {
  auto paths = authority_.EnsureServerCertificate({});
  ASSERT_TRUE(paths);
  auto ca = Read(paths->ca_cert);
  auto server = Read(paths->server_cert);
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_NE(X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN, 0u);
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_NE(X509_get_extended_key_usage(server.get()) & XKU_SSL_SERVER, 0u);
  for (X509* certificate : {ca.get(), server.get()}) {
    EXPECT_EQ(X509_get_signature_nid(certificate), NID_ecdsa_with_SHA256);
    char group[64] = {};
    EVP_PKEY_get_group_name(X509_get0_pubkey(certificate), group, sizeof group, nullptr);
    EXPECT_STREQ(group, "prime256v1");
  }
  int days = 0;
  int seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(server.get()),
                           X509_get0_notAfter(server.get())), 1);
  EXPECT_LE(days * 86'400 + seconds, 397 * 86'400);
  EXPECT_GE(days, 390);
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(ca.get()),
                           X509_get0_notAfter(ca.get())), 1);
  EXPECT_GE(days, 3650);
}

TEST_F(LocalCertificateAuthorityTest, KeysArePrivateAndCertificatesReadable) {
  auto paths = authority_.EnsureServerCertificate({});
  ASSERT_TRUE(paths);
  EXPECT_EQ(file_system_.ModeOf("/data/tls"), 0700u);
  EXPECT_EQ(file_system_.ModeOf("/data/tls/ca.key"), 0600u);
  EXPECT_EQ(file_system_.ModeOf(paths->server_key), 0600u);
  EXPECT_EQ(file_system_.ModeOf(paths->ca_cert), 0644u);
  EXPECT_EQ(file_system_.ModeOf(paths->server_cert), 0644u);
}

TEST_F(LocalCertificateAuthorityTest, LaterCallsReuseTheFiles) {
  auto first = authority_.EnsureServerCertificate({"erp.example.com"});
  ASSERT_TRUE(first);
  auto ca = *file_system_.ReadFile(first->ca_cert);
  auto server = *file_system_.ReadFile(first->server_cert);
  clock_.Advance(std::chrono::hours(24 * 300));
  auto again = authority_.EnsureServerCertificate({"erp.example.com"});
  ASSERT_TRUE(again);
  EXPECT_EQ(*file_system_.ReadFile(again->ca_cert), ca);
  EXPECT_EQ(*file_system_.ReadFile(again->server_cert), server);
}

TEST_F(LocalCertificateAuthorityTest, RenewsTheServerCertificateWithinThirtyDaysOfItsEnd) {
  auto first = authority_.EnsureServerCertificate({});
  ASSERT_TRUE(first);
  auto ca_pem = *file_system_.ReadFile(first->ca_cert);
  auto server_pem = *file_system_.ReadFile(first->server_cert);
  auto key_pem = *file_system_.ReadFile(first->server_key);
  clock_.Advance(std::chrono::hours(24 * 370));
  auto renewed = authority_.EnsureServerCertificate({});
  ASSERT_TRUE(renewed);
  EXPECT_EQ(*file_system_.ReadFile(renewed->ca_cert), ca_pem);
  EXPECT_NE(*file_system_.ReadFile(renewed->server_cert), server_pem);
  EXPECT_NE(*file_system_.ReadFile(renewed->server_key), key_pem) << "a renewal gets a new key";
  auto ca = Read(renewed->ca_cert);
  auto server = Read(renewed->server_cert);
  EXPECT_EQ(Verify(server.get(), ca.get(), "localhost"), X509_V_OK);
}

TEST_F(LocalCertificateAuthorityTest, ANewNameGetsANewCertificateFromTheSameCa) {
  auto first = authority_.EnsureServerCertificate({});
  ASSERT_TRUE(first);
  auto ca_pem = *file_system_.ReadFile(first->ca_cert);
  auto with_name = authority_.EnsureServerCertificate({"ERP.example.com"});
  ASSERT_TRUE(with_name);
  EXPECT_EQ(*file_system_.ReadFile(with_name->ca_cert), ca_pem);
  EXPECT_EQ(Verify(Read(with_name->server_cert).get(), Read(with_name->ca_cert).get(),
                   "erp.example.com"),
            X509_V_OK);
}

TEST_F(LocalCertificateAuthorityTest, RefusesNamesThatCouldInjectSanEntries) {
  for (const char* name : {"a.example,DNS:evil.example", "a.example\nDNS:evil", "*.example.com", ""}) {
    auto paths = authority_.EnsureServerCertificate({name});
    ASSERT_FALSE(paths) << name;
    EXPECT_EQ(paths.error().code, core::ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(file_system_.Exists("/data/tls/ca.key"));
}

TEST_F(LocalCertificateAuthorityTest, AWriteFailureIsReported) {
  file_system_.fail_writes.insert("/data/tls/server.key");
  auto paths = authority_.EnsureServerCertificate({});
  ASSERT_FALSE(paths);
  EXPECT_EQ(paths.error().code, core::ErrorCode::kIo);
  EXPECT_FALSE(file_system_.Exists("/data/tls/server.crt"));
}

TEST_F(LocalCertificateAuthorityTest, AnUnreadableCaIsNeverReplacedSilently) {
  file_system_.WriteFileAtomic("/data/tls/ca.crt", "garbage", 0644);
  file_system_.WriteFileAtomic("/data/tls/ca.key", "garbage", 0600);
  auto paths = authority_.EnsureServerCertificate({});
  ASSERT_FALSE(paths);
  EXPECT_EQ(*file_system_.ReadFile("/data/tls/ca.crt"), "garbage");
}

}  // namespace
}  // namespace citadel::http
