#include "http/test_certificates.hpp"

#include <cstdlib>

#include "core/clock.hpp"
#include "core/fake_file_system.hpp"
#include "http/local_certificate_authority.hpp"

namespace citadel::http::testing {

const TestCertificates& LocalhostCertificates() {
  static const TestCertificates certificates = [] {
    core::FakeFileSystem file_system;
    LocalCertificateAuthority authority("/tls", file_system, core::SystemClock::Instance());
    auto paths = authority.EnsureServerCertificate({});
    if (!paths) std::abort();
    return TestCertificates{*file_system.ReadFile(paths->ca_cert),
                            *file_system.ReadFile(paths->server_cert),
                            *file_system.ReadFile(paths->server_key)};
  }();
  return certificates;
}

}  // namespace citadel::http::testing
