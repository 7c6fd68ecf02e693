#include "cli/cluster_certificates.hpp"

#include <sys/stat.h>
#include <fstream>
#include <sstream>

#include "core/ip_network.hpp"
#include "http/certificate_builder.hpp"
#include "platform/cluster_credentials.hpp"

namespace citadel::cli {
namespace {

namespace certs = http::certificates;
namespace ossl = http::openssl;
using core::ErrorCode;

constexpr std::int64_t kDay = 86'400;
constexpr std::int64_t kBackdateSeconds = 3'600;

struct Part {
  std::string name;  // the files' stem: member-<i>, etcd, client
  std::string usage;
  bool service_users = true;  // its key is read by a cluster process
};

std::vector<Part> Parts(const platform::ClusterTopology& topology) {
  std::vector<Part> parts;
  for (const auto& m : topology.members) parts.push_back({m.name, "serverAuth,clientAuth", true});
  parts.push_back({"etcd", "serverAuth,clientAuth", true});
  return parts;
}

// Patroni's own sessions to its member (no Unix socket) dial "localhost",
// with sslmode verify-full: the members' certificates name it too.
std::vector<std::string> MemberDnsNames(const Part& part) {
  if (part.name == "etcd") return {};
  return {"localhost"};
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

core::Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::Fail(ErrorCode::kNotFound, "cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  if (text.str().size() > 1024 * 1024) return core::Fail(ErrorCode::kInvalidArgument, path + " is too large");
  return text.str();
}

core::Result<void> WriteFile(const std::string& path, const std::string& text, const db::ServiceUser& owner,
                             mode_t mode) {
  if (auto w = platform::WriteOwnerOnlyFile(path, text, owner); !w) return w;
  if (mode != 0600 && ::chmod(path.c_str(), mode) != 0)
    return core::Fail(ErrorCode::kIo, "cannot chmod " + path);
  return {};
}

// Signed by `ca`, the key's, names `address`, and `min_left` seconds to go.
bool Fits(X509* certificate, EVP_PKEY* key, X509* ca, const core::IpAddress& address, std::int64_t now,
          std::int64_t min_left, const std::vector<std::string>& dns_names = {}) {
  EVP_PKEY* ca_key = X509_get0_pubkey(ca);
  const bool ok = ca_key != nullptr && X509_verify(certificate, ca_key) == 1 &&
                  X509_check_private_key(certificate, key) == 1 &&
                  certs::HasSubjectAltNames(certificate, dns_names, {address}) &&
                  certs::SecondsUntilExpiry(certificate, now) > min_left;
  ERR_clear_error();
  return ok;
}

struct Loaded {
  ossl::X509Ptr certificate;
  ossl::PkeyPtr key;
};

core::Result<Loaded> LoadPair(const std::string& cert_path, const std::string& key_path) {
  auto cert_pem = ReadText(cert_path);
  if (!cert_pem) return core::Unexpected(cert_pem.error());
  auto key_pem = ReadText(key_path);
  if (!key_pem) return core::Unexpected(key_pem.error());
  Loaded pair{certs::ParseCertificatePem(*cert_pem), certs::ParsePrivateKeyPem(*key_pem)};
  if (!pair.certificate || !pair.key) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      "unreadable certificate or key: " + cert_path + ", " + key_path);
  }
  return pair;
}

core::Result<ClusterCertificatesReport> CopyOperatorFiles(const core::ClusterConfig& config,
                                                          const platform::ClusterTopology& topology,
                                                          const db::ServiceUser& user,
                                                          const core::IpAddress& address, std::int64_t now) {
  const platform::ClusterTlsPlan& tls = topology.tls;
  auto ca_pem = ReadText(config.tls_ca_file);
  if (!ca_pem) return core::Unexpected(ca_pem.error());
  ossl::X509Ptr ca = certs::ParseCertificatePem(*ca_pem);
  if (!ca) return core::Fail(ErrorCode::kInvalidArgument, "not a PEM certificate: " + config.tls_ca_file);
  auto pair = LoadPair(config.tls_cert_file, config.tls_key_file);
  if (!pair) return core::Unexpected(pair.error());
  if (!Fits(pair->certificate.get(), pair->key.get(), ca.get(), address, now, 0)) {
    return core::Fail(ErrorCode::kInvalidArgument,
                      config.tls_cert_file + ": must be signed by " + config.tls_ca_file +
                          ", match " + config.tls_key_file + ", be valid and name IP " +
                          topology.address + " in its subjectAltName");
  }
  auto cert_pem = ReadText(config.tls_cert_file);
  auto key_pem = ReadText(config.tls_key_file);
  if (!cert_pem || !key_pem) return core::Fail(ErrorCode::kIo, "cannot read the operator's TLS files");
  ClusterCertificatesReport report;
  report.operator_files = true;
  const db::ServiceUser self{};
  if (auto w = WriteFile(tls.CaCertPath(), *ca_pem, self, 0644); !w) return core::Unexpected(w.error());
  ::unlink(tls.CaKeyPath().c_str());  // a CA made by an earlier init is not this cluster's any more
  for (const Part& part : Parts(topology)) {
    if (auto w = WriteFile(tls.CertPath(part.name), *cert_pem, self, 0644); !w) return core::Unexpected(w.error());
    if (auto w = WriteFile(tls.KeyPath(part.name), *key_pem, part.service_users ? user : self, 0600); !w)
      return core::Unexpected(w.error());
    ++report.issued;
  }
  return report;
}

}  // namespace

core::Result<ClusterCertificatesReport> EnsureClusterCertificates(const core::ClusterConfig& config,
                                                                  const platform::ClusterTopology& topology,
                                                                  const db::ServiceUser& user,
                                                                  std::int64_t now) {
  const platform::ClusterTlsPlan& tls = topology.tls;
  auto address = core::IpAddress::Parse(topology.address);
  if (!address) return core::Fail(ErrorCode::kInvalidArgument, "not an IP address: " + topology.address);
  if (!config.tls_ca_file.empty()) return CopyOperatorFiles(config, topology, user, *address, now);

  ClusterCertificatesReport report;
  const db::ServiceUser self{};
  Loaded ca;
  if (Exists(tls.CaCertPath()) || Exists(tls.CaKeyPath())) {
    auto loaded = LoadPair(tls.CaCertPath(), tls.CaKeyPath());
    if (!loaded) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        loaded.error().message + " (the cluster CA: move it away to make a new one)");
    }
    if (X509_check_private_key(loaded->certificate.get(), loaded->key.get()) != 1) {
      ERR_clear_error();
      return core::Fail(ErrorCode::kInvalidArgument, tls.CaCertPath() + " does not match " + tls.CaKeyPath());
    }
    ca = std::move(*loaded);
  } else {
    auto key = certs::GenerateP256Key();
    if (!key) return core::Unexpected(key.error());
    certs::CertificateSpec spec;
    spec.common_name = "Citadel cluster CA " + topology.scope;
    spec.not_before = now - kBackdateSeconds;
    spec.not_after = now + kClusterCaValidityDays * kDay;
    spec.is_ca = true;
    auto certificate = certs::IssueCertificate(spec, key->get(), nullptr, key->get());
    if (!certificate) return core::Unexpected(certificate.error());
    // The key first: a ca.crt without its key would read as unreadable.
    if (auto w = WriteFile(tls.CaKeyPath(), certs::PrivateKeyPem(key->get()), self, 0600); !w)
      return core::Unexpected(w.error());
    if (auto w = WriteFile(tls.CaCertPath(), certs::CertificatePem(certificate->get()), self, 0644); !w)
      return core::Unexpected(w.error());
    ca = Loaded{std::move(*certificate), std::move(*key)};
    report.made_ca = true;
  }

  for (const Part& part : Parts(topology)) {
    const std::string cert_path = tls.CertPath(part.name);
    const std::string key_path = tls.KeyPath(part.name);
    if (Exists(cert_path) && Exists(key_path)) {
      auto existing = LoadPair(cert_path, key_path);
      if (existing && Fits(existing->certificate.get(), existing->key.get(), ca.certificate.get(), *address,
                           now, kClusterCertRenewWithinDays * kDay, MemberDnsNames(part))) {
        ++report.kept;
        continue;
      }
    }
    auto key = certs::GenerateP256Key();
    if (!key) return core::Unexpected(key.error());
    certs::CertificateSpec spec;
    // Not an etcd user's name: with client-cert-auth etcd would take the CN
    // of a request without a token as its user.
    spec.common_name = "citadel-" + topology.scope + "-" + part.name;
    spec.not_before = now - kBackdateSeconds;
    spec.not_after = now + kClusterCertValidityDays * kDay;
    spec.ip_addresses = {*address};
    spec.dns_names = MemberDnsNames(part);
    auto certificate =
        certs::IssueCertificate(spec, key->get(), ca.certificate.get(), ca.key.get(), part.usage);
    if (!certificate) return core::Unexpected(certificate.error());
    if (auto w = WriteFile(key_path, certs::PrivateKeyPem(key->get()), part.service_users ? user : self, 0600); !w)
      return core::Unexpected(w.error());
    if (auto w = WriteFile(cert_path, certs::CertificatePem(certificate->get()), self, 0644); !w)
      return core::Unexpected(w.error());
    ++report.issued;
  }
  return report;
}

}  // namespace citadel::cli
