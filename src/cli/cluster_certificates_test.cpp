// The cluster CA and per-part certificates of `cluster init --ha` with TLS
// on: what is made, what a second init keeps or renews, file modes, and the
// operator's own files.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "cli/cluster_certificates.hpp"
#include "core/ip_network.hpp"
#include "http/certificate_builder.hpp"

namespace citadel::cli {
namespace {

namespace certs = http::certificates;

constexpr std::int64_t kNow = 1'750'000'000;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

unsigned Mode(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? (st.st_mode & 0777) : 0;
}

class ClusterCertificates : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/cit-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    config_.tls = "on";
    config_.members = 2;
    topology_ = platform::MakeClusterTopology(config_, root_);
    std::filesystem::create_directories(topology_.tls.dir);
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::string root_;
  core::ClusterConfig config_;
  platform::ClusterTopology topology_;
};

TEST_F(ClusterCertificates, MakesACaAndOneCertificatePerPartNamingTheAddress) {
  auto report = EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, kNow);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->made_ca);
  EXPECT_EQ(report->issued, 3);  // member-0, member-1, etcd
  const auto& tls = topology_.tls;
  auto ca = certs::ParseCertificatePem(Read(tls.CaCertPath()));
  ASSERT_TRUE(ca);
  EXPECT_EQ(Mode(tls.CaKeyPath()), 0600u);
  EXPECT_EQ(Mode(tls.CaCertPath()), 0644u);
  for (const char* part : {"member-0", "member-1", "etcd"}) {
    auto cert = certs::ParseCertificatePem(Read(tls.CertPath(part)));
    auto key = certs::ParsePrivateKeyPem(Read(tls.KeyPath(part)));
    ASSERT_TRUE(cert && key) << part;
    EXPECT_EQ(Mode(tls.KeyPath(part)), 0600u) << part;
    EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(ca.get())), 1) << part;
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1) << part;
    EXPECT_TRUE(certs::HasSubjectAltNames(cert.get(), {}, {*core::IpAddress::Parse("127.0.0.1")})) << part;
    // Patroni dials its own member as "localhost" when it listens on 127.0.0.1.
    EXPECT_EQ(certs::HasSubjectAltNames(cert.get(), {"localhost"}, {}), std::string(part) != "etcd") << part;
    // etcd's peers are each other's clients (peer client-cert-auth).
    const uint32_t usage = X509_get_extended_key_usage(cert.get());
    EXPECT_TRUE(usage & XKU_SSL_CLIENT) << part;
    EXPECT_TRUE(usage & XKU_SSL_SERVER) << part;
  }
}

TEST_F(ClusterCertificates, ASecondInitKeepsWhatFitsAndRenewsWhatIsAboutToExpire) {
  ASSERT_TRUE(EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, kNow));
  const std::string member = Read(topology_.tls.CertPath("member-0"));
  auto again = EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, kNow + 86'400);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->made_ca);
  EXPECT_EQ(again->issued, 0);
  EXPECT_EQ(again->kept, 3);
  EXPECT_EQ(Read(topology_.tls.CertPath("member-0")), member);
  // Within 90 days of the end: new certificates from the same CA.
  const std::int64_t late = kNow + (kClusterCertValidityDays - 60) * 86'400LL;
  auto renewed = EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, late);
  ASSERT_TRUE(renewed);
  EXPECT_FALSE(renewed->made_ca);
  EXPECT_EQ(renewed->issued, 3);
  EXPECT_NE(Read(topology_.tls.CertPath("member-0")), member);
  // Another address: the certificates no longer name it, so new ones.
  config_.listen = "127.0.0.9";
  auto moved = platform::MakeClusterTopology(config_, root_);
  auto re = EnsureClusterCertificates(config_, moved, db::ServiceUser{}, late);
  ASSERT_TRUE(re);
  EXPECT_EQ(re->issued, 3);
  auto cert = certs::ParseCertificatePem(Read(moved.tls.CertPath("etcd")));
  EXPECT_TRUE(certs::HasSubjectAltNames(cert.get(), {}, {*core::IpAddress::Parse("127.0.0.9")}));
}

TEST_F(ClusterCertificates, AnUnreadableCaIsAnErrorNotReplaced) {
  ASSERT_TRUE(EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, kNow));
  std::ofstream(topology_.tls.CaKeyPath()) << "garbage";
  auto report = EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, kNow);
  ASSERT_FALSE(report);
  EXPECT_NE(report.error().message.find("cluster CA"), std::string::npos) << report.error().message;
  EXPECT_EQ(Read(topology_.tls.CaKeyPath()), "garbage");
}

TEST_F(ClusterCertificates, TheOperatorsFilesAreCheckedThenCopiedToEveryPart) {
  // An operator's CA and a certificate for 127.0.0.1, made with the same builder.
  auto ca_key = certs::GenerateP256Key();
  certs::CertificateSpec ca_spec{"Operator CA", kNow - 10, kNow + 86'400 * 100, true, {}, {}};
  auto ca = certs::IssueCertificate(ca_spec, ca_key->get(), nullptr, ca_key->get());
  auto key = certs::GenerateP256Key();
  certs::CertificateSpec spec{"db", kNow - 10, kNow + 86'400 * 100, false, {}, {*core::IpAddress::Parse("127.0.0.1")}};
  auto cert = certs::IssueCertificate(spec, key->get(), ca->get(), ca_key->get(), "serverAuth,clientAuth");
  ASSERT_TRUE(ca && cert);
  const std::string dir = root_ + "/operator";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/ca.crt") << certs::CertificatePem(ca->get());
  std::ofstream(dir + "/db.crt") << certs::CertificatePem(cert->get());
  std::ofstream(dir + "/db.key") << certs::PrivateKeyPem(key->get());
  config_.tls_ca_file = dir + "/ca.crt";
  config_.tls_cert_file = dir + "/db.crt";
  config_.tls_key_file = dir + "/db.key";
  auto report = EnsureClusterCertificates(config_, topology_, db::ServiceUser{}, kNow);
  ASSERT_TRUE(report) << report.error().message;
  EXPECT_TRUE(report->operator_files);
  EXPECT_EQ(Read(topology_.tls.CaCertPath()), certs::CertificatePem(ca->get()));
  for (const char* part : {"member-0", "member-1", "etcd"}) {
    EXPECT_EQ(Read(topology_.tls.CertPath(part)), certs::CertificatePem(cert->get())) << part;
    EXPECT_EQ(Mode(topology_.tls.KeyPath(part)), 0600u) << part;
  }
  EXPECT_FALSE(std::filesystem::exists(topology_.tls.CaKeyPath()));
  // A certificate that does not name the cluster's address is refused.
  config_.listen = "127.0.0.9";
  auto elsewhere = platform::MakeClusterTopology(config_, root_);
  auto refused = EnsureClusterCertificates(config_, elsewhere, db::ServiceUser{}, kNow);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("127.0.0.9"), std::string::npos) << refused.error().message;
}

}  // namespace
}  // namespace citadel::cli
