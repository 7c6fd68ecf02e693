#include "http/local_certificate_authority.hpp"

#include <algorithm>

#include "core/logger.hpp"
#include "http/certificate_builder.hpp"
#include "http/redirect_location.hpp"

namespace citadel::http {
namespace {

using core::ErrorCode;
constexpr std::int64_t kDay = 86'400;
// Issued an hour in the past so that a client whose clock lags a little
// still accepts a certificate made a moment ago.
constexpr std::int64_t kBackdateSeconds = 3'600;

struct SubjectNames {
  std::vector<std::string> dns_names{"localhost"};
  std::vector<core::IpAddress> ip_addresses{*core::IpAddress::Parse("127.0.0.1"),
                                            *core::IpAddress::Parse("::1")};
};

core::Result<SubjectNames> NamesToCertify(const std::vector<std::string>& host_names) {
  SubjectNames names;
  for (const auto& name : host_names) {
    if (auto address = core::IpAddress::Parse(name)) {
      if (std::find(names.ip_addresses.begin(), names.ip_addresses.end(), *address) ==
          names.ip_addresses.end()) {
        names.ip_addresses.push_back(*address);
      }
      continue;
    }
    if (!IsValidHostName(name)) {
      return core::Fail(ErrorCode::kInvalidArgument,
                        "not a host name or IP address, cannot certify it: \"" + name + "\"");
    }
    std::string lower = name;
    if (lower.back() == '.') lower.pop_back();
    std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
      return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    if (std::find(names.dns_names.begin(), names.dns_names.end(), lower) == names.dns_names.end()) {
      names.dns_names.push_back(lower);
    }
  }
  return names;
}

struct KeyPair {
  openssl::X509Ptr certificate;
  openssl::PkeyPtr key;
};

// Reads a certificate and its key; absent files give an empty pair, present
// but unreadable or mismatched ones an error message.
core::Result<KeyPair> LoadPair(core::FileSystem& file_system, const std::string& cert_path,
                               const std::string& key_path) {
  if (!file_system.Exists(cert_path) || !file_system.Exists(key_path)) return KeyPair{};
  auto cert_pem = file_system.ReadFile(cert_path);
  if (!cert_pem) return core::Unexpected(cert_pem.error());
  auto key_pem = file_system.ReadFile(key_path);
  if (!key_pem) return core::Unexpected(key_pem.error());
  KeyPair pair{certificates::ParseCertificatePem(*cert_pem),
               certificates::ParsePrivateKeyPem(*key_pem)};
  if (!pair.certificate || !pair.key || X509_check_private_key(pair.certificate.get(), pair.key.get()) != 1) {
    ERR_clear_error();
    return core::Fail(ErrorCode::kInvalidArgument,
                      "unreadable or mismatched certificate and key: " + cert_path + ", " + key_path);
  }
  return pair;
}

core::Result<void> WritePair(core::FileSystem& file_system, const KeyPair& pair,
                             const std::string& cert_path, const std::string& key_path) {
  std::string key_pem = certificates::PrivateKeyPem(pair.key.get());
  std::string cert_pem = certificates::CertificatePem(pair.certificate.get());
  if (key_pem.empty() || cert_pem.empty()) {
    return core::Fail(ErrorCode::kInternal, "cannot encode certificate or key as PEM");
  }
  // Key first: a crash between the two leaves a mismatched pair, which the
  // next call detects and reissues, rather than a certificate with no key.
  if (auto written = file_system.WriteFileAtomic(key_path, key_pem, 0600); !written) return written;
  return file_system.WriteFileAtomic(cert_path, cert_pem, 0644);
}

}  // namespace

LocalCertificateAuthority::LocalCertificateAuthority(std::string directory,
                                                     core::FileSystem& file_system,
                                                     const core::Clock& clock)
    : directory_(std::move(directory)), file_system_(file_system), clock_(clock) {}

core::Result<TlsFilePaths> LocalCertificateAuthority::EnsureServerCertificate(
    const std::vector<std::string>& host_names) {
  std::lock_guard lock(mutex_);
  auto names = NamesToCertify(host_names);
  if (!names) return core::Unexpected(names.error());
  const TlsFilePaths paths{PathOf("ca.crt"), PathOf("server.crt"), PathOf("server.key")};
  const std::string ca_key_path = PathOf("ca.key");
  if (auto made = file_system_.CreateDirectories(directory_, 0700); !made) {
    return core::Unexpected(made.error());
  }
  const std::int64_t now = clock_.UnixSeconds();
  const std::int64_t renew_margin = kRenewWithinDays * kDay;

  auto ca = LoadPair(file_system_, paths.ca_cert, ca_key_path);
  if (!ca) return core::Unexpected(ca.error());
  bool new_ca = !ca->certificate || certificates::SecondsUntilExpiry(ca->certificate.get(), now) <
                                        renew_margin + kServerValidityDays * kDay;
  if (new_ca) {
    if (ca->certificate) core::Log().Warn("local CA is near its end; creating a new one", {{"dir", directory_}});
    auto key = certificates::GenerateP256Key();
    if (!key) return core::Unexpected(key.error());
    certificates::CertificateSpec spec{"Citadel local CA", now - kBackdateSeconds,
                                       now + kCaValidityDays * kDay, true, {}, {}};
    auto certificate = certificates::IssueCertificate(spec, key->get(), nullptr, key->get());
    if (!certificate) return core::Unexpected(certificate.error());
    ca = KeyPair{std::move(*certificate), std::move(*key)};
    if (auto written = WritePair(file_system_, *ca, paths.ca_cert, ca_key_path); !written) {
      return core::Unexpected(written.error());
    }
  }

  auto server = LoadPair(file_system_, paths.server_cert, paths.server_key);
  bool reuse = !new_ca && server && server->certificate &&
               X509_verify(server->certificate.get(), ca->key.get()) == 1 &&
               certificates::SecondsUntilExpiry(server->certificate.get(), now) >= renew_margin &&
               certificates::HasSubjectAltNames(server->certificate.get(), names->dns_names,
                                                names->ip_addresses);
  ERR_clear_error();
  if (reuse) return paths;

  auto key = certificates::GenerateP256Key();
  if (!key) return core::Unexpected(key.error());
  // notAfter - notBefore stays within kServerValidityDays, backdating included.
  // Browsers read only the SAN; the CN names the first host for humans.
  const std::string& common_name = names->dns_names.size() > 1 ? names->dns_names[1] : names->dns_names[0];
  certificates::CertificateSpec spec{common_name, now - kBackdateSeconds,
                                     now + kServerValidityDays * kDay - kBackdateSeconds, false,
                                     names->dns_names, names->ip_addresses};
  auto certificate = certificates::IssueCertificate(spec, key->get(), ca->certificate.get(), ca->key.get());
  if (!certificate) return core::Unexpected(certificate.error());
  KeyPair issued{std::move(*certificate), std::move(*key)};
  if (auto written = WritePair(file_system_, issued, paths.server_cert, paths.server_key); !written) {
    return core::Unexpected(written.error());
  }
  core::Log().Info("issued server certificate from the local CA",
                   {{"dir", directory_}, {"names", static_cast<int>(names->dns_names.size())}});
  return paths;
}

}  // namespace citadel::http
