// Test support: a CA and a server certificate for localhost, made once per
// test process by the real LocalCertificateAuthority over an in-memory file
// system, as PEM text. Not part of the library.
#pragma once

#include <string>

namespace citadel::http::testing {

struct TestCertificates {
  std::string ca_pem;
  std::string server_cert_pem;
  std::string server_key_pem;
};

const TestCertificates& LocalhostCertificates();

}  // namespace citadel::http::testing
