// Building and inspecting X.509 certificates with OpenSSL 3, for the local CA
// (local_certificate_authority.hpp). Internal to the http layer.
//
// Everything here is a pure function of its arguments (times are Unix seconds
// passed in, so tests can use a FakeClock). Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/ip_network.hpp"
#include "core/result.hpp"
#include "http/openssl_handles.hpp"

namespace citadel::http::certificates {

struct CertificateSpec {
  std::string common_name;
  std::int64_t not_before = 0;  // Unix seconds
  std::int64_t not_after = 0;
  bool is_ca = false;  // CA: keyCertSign + cRLSign; otherwise a TLS server certificate
  std::vector<std::string> dns_names;
  std::vector<core::IpAddress> ip_addresses;
};

core::Result<openssl::PkeyPtr> GenerateP256Key();

// Signs with `issuer_key` (SHA-256). A null `issuer` makes it self-signed.
// Not a CA: `extended_key_usage` as OpenSSL writes it, e.g.
// "serverAuth,clientAuth" for a cluster member that is both (etcd's peers,
// Patroni's etcd client).
core::Result<openssl::X509Ptr> IssueCertificate(const CertificateSpec& spec, EVP_PKEY* subject_key,
                                                X509* issuer, EVP_PKEY* issuer_key,
                                                const std::string& extended_key_usage = "serverAuth");

std::string CertificatePem(X509* certificate);
std::string PrivateKeyPem(EVP_PKEY* key);  // unencrypted PKCS#8
openssl::X509Ptr ParseCertificatePem(const std::string& pem);
openssl::PkeyPtr ParsePrivateKeyPem(const std::string& pem);

// Seconds from `now` until notAfter (negative once expired).
std::int64_t SecondsUntilExpiry(X509* certificate, std::int64_t now);

// True if every name and address is in the certificate's subjectAltName.
bool HasSubjectAltNames(X509* certificate, const std::vector<std::string>& dns_names,
                        const std::vector<core::IpAddress>& ip_addresses);

}  // namespace citadel::http::certificates
