// WebSessionStore against the harness's PostgreSQL: sessions open, are found,
// expire, end with their tenant, are capped per user; ids are stored hashed.
#include "platform/web_session_store.hpp"

#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/sha256.hpp"
#include "platform/testing/catalog_pg_test.hpp"

namespace citadel::platform {
namespace {

class WebSessionStorePg : public testing::CatalogPgTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CatalogPgTest::SetUp());
    tenant_ = "sessions-" + LowerCaseTestName();
    auto made = tenants_->Create({tenant_, "admin", "a long admin password"});
    ASSERT_TRUE(made) << made.error().message;
  }
  void TearDown() override {
    if (tenants_) (void)tenants_->Drop(tenant_);
  }
  long long Count(db::SqlText sql, const std::string& arg) {
    auto catalog = tenants_->AcquireCatalog();
    EXPECT_TRUE(catalog);
    auto r = (*catalog)->Execute(sql, arg);
    EXPECT_TRUE(r) << r.error().message;
    return std::stoll(r->Text(0, "n", "-1"));
  }
  std::string tenant_;
};

TEST_F(WebSessionStorePg, ASessionIsFoundByItsIdUntilDestroyed) {
  WebSessionStore store(*tenants_);
  auto id = store.Create(tenant_, 2, CredentialFingerprint("$pbkdf2-sha512$x"));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->size(), 64u);
  auto found = store.Find(*id);
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->tenant, tenant_);
  EXPECT_EQ((*found)->uid, 2);
  EXPECT_EQ((*found)->credential_fingerprint, CredentialFingerprint("$pbkdf2-sha512$x"));
  ASSERT_TRUE(store.Destroy(*id));
  auto gone = store.Find(*id);
  ASSERT_TRUE(gone);
  EXPECT_FALSE(*gone);
}

TEST_F(WebSessionStorePg, IdsAreRandomAndStoredOnlyAsTheirDigest) {
  WebSessionStore store(*tenants_);
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.insert(*store.Create(tenant_, 2, "f"));
  EXPECT_EQ(ids.size(), 5u);
  for (const auto& id : ids) {
    EXPECT_EQ(Count("SELECT count(*) AS n FROM web_sessions WHERE id_hash = $1", id), 0);
    EXPECT_EQ(Count("SELECT count(*) AS n FROM web_sessions WHERE id_hash = $1", core::Sha256Hex(id)), 1);
  }
}

TEST_F(WebSessionStorePg, UnknownOrMalformedIdsFindNothing) {
  WebSessionStore store(*tenants_);
  ASSERT_TRUE(store.Create(tenant_, 2, "f"));
  for (std::string id : {std::string(64, '0'), std::string("short"), std::string(64, 'Z'),
                         std::string("' OR '1'='1") + std::string(53, 'a'), std::string()}) {
    auto found = store.Find(id);
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_FALSE(*found) << id;
    EXPECT_TRUE(store.Destroy(id));
  }
}

TEST_F(WebSessionStorePg, ASessionExpiresAfterItsInactivityAndIsPurged) {
  WebSessionStore store(*tenants_, WebSessionOptions{std::chrono::seconds(1), std::chrono::seconds(0), 100, std::chrono::hours(1)});
  auto id = store.Create(tenant_, 2, "f");
  ASSERT_TRUE(id);
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));
  auto found = store.Find(*id);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  auto purged = store.PurgeExpired();
  ASSERT_TRUE(purged);
  EXPECT_GE(*purged, 1);
  EXPECT_EQ(Count("SELECT count(*) AS n FROM web_sessions WHERE id_hash = $1", core::Sha256Hex(*id)), 0);
}

TEST_F(WebSessionStorePg, UseKeepsASessionAlive) {
  WebSessionStore store(*tenants_, WebSessionOptions{std::chrono::seconds(2), std::chrono::seconds(0), 100, std::chrono::hours(1)});
  auto id = store.Create(tenant_, 2, "f");
  ASSERT_TRUE(id);
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
    auto found = store.Find(*id);
    ASSERT_TRUE(found && *found) << "used every 0.9 s, it must outlive its 2 s inactivity";
  }
}

TEST_F(WebSessionStorePg, UseCannotKeepASessionBeyondItsMaximumAge) {
  WebSessionStore store(*tenants_, WebSessionOptions{std::chrono::seconds(10), std::chrono::seconds(0), 100,
                                                     std::chrono::seconds(2)});
  auto id = store.Create(tenant_, 2, "f");
  ASSERT_TRUE(id);
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    auto found = store.Find(*id);
    ASSERT_TRUE(found && *found) << "alive within its 2 s";
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  auto found = store.Find(*id);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found) << "2 s after sign-in it is over, used or not";
}

TEST_F(WebSessionStorePg, DroppingTheTenantEndsItsSessions) {
  WebSessionStore store(*tenants_);
  auto id = store.Create(tenant_, 2, "f");
  ASSERT_TRUE(id);
  ASSERT_TRUE(tenants_->Drop(tenant_));
  auto found = store.Find(*id);
  ASSERT_TRUE(found);
  EXPECT_FALSE(*found);
  EXPECT_EQ(Count("SELECT count(*) AS n FROM web_sessions WHERE id_hash = $1", core::Sha256Hex(*id)), 0);
  auto refused = store.Create(tenant_, 2, "f");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kNotFound);
}

TEST_F(WebSessionStorePg, AUserKeepsAtMostTheCapTheOldestGoFirst) {
  WebSessionStore store(*tenants_, WebSessionOptions{std::chrono::hours(1), std::chrono::minutes(5), 3, std::chrono::hours(1)});
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(*store.Create(tenant_, 7, "f"));
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(store.Create(tenant_, 8, "f"));  // another user is not counted with them
  EXPECT_FALSE(*store.Find(ids[0]));
  EXPECT_FALSE(*store.Find(ids[1]));
  for (int i = 2; i < 5; ++i) EXPECT_TRUE(*store.Find(ids[i])) << i;
}

TEST_F(WebSessionStorePg, DestroyAllOfEndsOneUsersSessionsOnly) {
  WebSessionStore store(*tenants_);
  auto a1 = *store.Create(tenant_, 2, "f");
  auto a2 = *store.Create(tenant_, 2, "f");
  auto b = *store.Create(tenant_, 3, "f");
  auto ended = store.DestroyAllOf(tenant_, 2);
  ASSERT_TRUE(ended);
  EXPECT_EQ(*ended, 2);
  EXPECT_FALSE(*store.Find(a1));
  EXPECT_FALSE(*store.Find(a2));
  EXPECT_TRUE(*store.Find(b));
}

}  // namespace
}  // namespace citadel::platform
