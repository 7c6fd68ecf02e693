// The catalog parts of auth against the harness's PostgreSQL: a reset token is
// claimed once whoever asks (and again after its claim was given back), and
// "forgot password" mails are capped per account.
#include <gtest/gtest.h>

#include "auth/reset_mail_quota.hpp"
#include "auth/reset_token_ledger.hpp"
#include "core/random.hpp"
#include "db/testing/pg_test_cluster.hpp"

namespace citadel::auth {
namespace {

class AuthCatalogPg : public ::testing::Test {
 protected:
  void SetUp() override {
    platform::TenantServiceOptions o;
    o.data_dir = db::testing::PgTestDataDir();
    o.pbkdf2_rounds = 1000;
    auto opened = platform::TenantService::Open(db::testing::PgTestCluster().Access(), o);
    ASSERT_TRUE(opened) << opened.error().message;
    tenants_ = std::move(*opened);
  }
  std::unique_ptr<platform::TenantService> tenants_;
};

TEST_F(AuthCatalogPg, ATokenIsClaimedOnceAcrossLedgers) {
  ResetTokenLedger one(*tenants_);
  ResetTokenLedger other(*tenants_);  // another server
  const std::string token_id = core::RandomHex(32);
  const std::int64_t expires = 4'000'000'000;
  auto first = one.Claim(token_id, "acme", 7, expires);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*other.Claim(token_id, "acme", 7, expires));
  EXPECT_FALSE(*one.Claim(token_id, "acme", 7, expires));
  // A claim given back (its password change did not commit) can be taken again.
  ASSERT_TRUE(one.Release(token_id));
  EXPECT_TRUE(*other.Claim(token_id, "acme", 7, expires));
  EXPECT_TRUE(*one.Claim(core::RandomHex(32), "acme", 7, expires));  // another token
}

TEST_F(AuthCatalogPg, ResetMailsAreCappedPerAccount) {
  ResetMailQuota quota(*tenants_, 3, 100);
  const std::string tenant = "quota-" + core::RandomHex(4);
  const std::string source = "192.0.2." + std::to_string(std::rand() % 250);
  for (int i = 0; i < 3; ++i) {
    auto taken = quota.Take(tenant, 5, source + "a");
    ASSERT_TRUE(taken) << taken.error().message;
    EXPECT_TRUE(*taken) << i;
  }
  EXPECT_FALSE(*quota.Take(tenant, 5, source + "b"));                        // from anywhere
  EXPECT_FALSE(*ResetMailQuota(*tenants_, 3, 100).Take(tenant, 5, source));  // another server counts the same rows
  EXPECT_TRUE(*quota.Take(tenant, 6, source));                               // another account
  EXPECT_TRUE(*quota.Take("other-" + tenant, 5, source));                    // another tenant
}

TEST_F(AuthCatalogPg, ResetMailsAreCappedPerSource) {
  ResetMailQuota quota(*tenants_, 3, 4);
  const std::string tenant = "source-" + core::RandomHex(4);
  const std::string source = "198.51.100." + core::RandomHex(3);
  for (std::int64_t uid = 1; uid <= 4; ++uid) EXPECT_TRUE(*quota.Take(tenant, uid, source)) << uid;
  EXPECT_FALSE(*quota.Take(tenant, 5, source));           // a fifth account from the same address
  EXPECT_FALSE(*quota.Take("other-" + tenant, 1, source));  // in any tenant
  EXPECT_TRUE(*quota.Take(tenant, 5, source + "x"));      // another address
}

TEST_F(AuthCatalogPg, AnIpv6SourceIsCappedByItsSlash64) {
  ResetMailQuota quota(*tenants_, 3, 4);
  const std::string tenant = "v6-" + core::RandomHex(4);
  // A /64 of the documentation range of its own, so reruns do not meet.
  const std::string net = "2001:db8:" + core::RandomHex(2) + ":" + core::RandomHex(2) + ":";
  for (std::int64_t uid = 1; uid <= 4; ++uid) {
    auto taken = quota.Take(tenant, uid, net + std::to_string(uid) + "::" + std::to_string(uid));
    ASSERT_TRUE(taken) << taken.error().message;
    EXPECT_TRUE(*taken) << uid;
  }
  EXPECT_FALSE(*quota.Take(tenant, 5, net + "ffff:ffff:ffff:ffff"))
      << "another address of the same /64 is the same source";
  EXPECT_TRUE(*quota.Take(tenant, 5, "2001:db8:1:" + core::RandomHex(2) + "::1")) << "another /64";
  // IPv4 (plain or mapped into IPv6) still counts by the address.
  const std::string v4 = "10." + std::to_string(std::rand() % 256) + "." + std::to_string(std::rand() % 256) +
                         "." + std::to_string(1 + std::rand() % 250);
  ResetMailQuota v4_quota(*tenants_, 3, 1);
  const std::string v4_tenant = "v4-" + core::RandomHex(4);
  EXPECT_TRUE(*v4_quota.Take(v4_tenant, 1, v4));
  EXPECT_FALSE(*v4_quota.Take(v4_tenant, 2, "::ffff:" + v4)) << "the same IPv4 address, mapped";
}

}  // namespace
}  // namespace citadel::auth
