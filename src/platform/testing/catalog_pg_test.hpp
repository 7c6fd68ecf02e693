// CatalogPgTest: what the platform pg tests that work on the catalog share —
// the catalog's TenantService on the harness's PostgreSQL (password hashing
// at 1,000 rounds, for speed), and the running test's name in lower case for
// the tenants and sources a test makes its own (the catalog is shared by the
// binary's tests).
#pragma once

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "db/testing/pg_test_cluster.hpp"
#include "platform/tenant_service.hpp"

namespace citadel::platform::testing {

// The catalog's TenantService on the harness's PostgreSQL, password hashing
// at 1,000 rounds; call under ASSERT_NO_FATAL_FAILURE.
inline void OpenTestCatalog(std::unique_ptr<TenantService>& tenants) {
  TenantServiceOptions options;
  options.data_dir = db::testing::PgTestDataDir();
  options.pbkdf2_rounds = 1000;
  auto opened = TenantService::Open(db::testing::PgTestCluster().Access(), options);
  ASSERT_TRUE(opened) << opened.error().message;
  tenants = std::move(*opened);
}

class CatalogPgTest : public ::testing::Test {
 protected:
  // A derived SetUp calls it under ASSERT_NO_FATAL_FAILURE first.
  void SetUp() override { OpenTestCatalog(tenants_); }

  // The running test's name in lower case, at most `max_length` characters.
  static std::string LowerCaseTestName(std::size_t max_length = std::string::npos) {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::ranges::transform(name, name.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name.substr(0, max_length);
  }

  std::unique_ptr<TenantService> tenants_;
};

}  // namespace citadel::platform::testing
