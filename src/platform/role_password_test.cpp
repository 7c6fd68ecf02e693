// Role passwords: a key file made once (0600), passwords derived from it.
#include "platform/role_password.hpp"

#include <gtest/gtest.h>

#include "core/fake_file_system.hpp"

namespace citadel::platform {
namespace {

TEST(RolePasswordKey, CreatedOnceWithMode0600AndStable) {
  core::FakeFileSystem fs;
  auto key = RolePasswordKey::LoadOrCreate(fs, "/data");
  ASSERT_TRUE(key);
  EXPECT_EQ(fs.ModeOf("/data/secrets/role-password-key"), 0600u);
  EXPECT_EQ(fs.ModeOf("/data/secrets"), 0700u);
  auto again = RolePasswordKey::LoadOrCreate(fs, "/data");
  ASSERT_TRUE(again);
  EXPECT_EQ(key->PasswordFor("t_abc"), again->PasswordFor("t_abc"));
  EXPECT_NE(key->PasswordFor("t_abc"), key->PasswordFor("t_abd"));
  EXPECT_EQ(key->PasswordFor("t_abc").size(), 64u);
}

TEST(RolePasswordKey, DifferentKeysGiveDifferentPasswords) {
  core::FakeFileSystem a, b;
  EXPECT_NE(RolePasswordKey::LoadOrCreate(a, "/d")->PasswordFor("t_x"),
            RolePasswordKey::LoadOrCreate(b, "/d")->PasswordFor("t_x"));
}

TEST(RolePasswordKey, DamagedKeyIsAnError) {
  core::FakeFileSystem fs;
  ASSERT_TRUE(fs.WriteFileAtomic("/d/secrets/role-password-key", "short", 0600));
  EXPECT_FALSE(RolePasswordKey::LoadOrCreate(fs, "/d"));
}

TEST(RolePasswordKey, WriteFailureIsReported) {
  core::FakeFileSystem fs;
  fs.fail_writes.insert("/d/secrets/role-password-key");
  EXPECT_FALSE(RolePasswordKey::LoadOrCreate(fs, "/d"));
}

}  // namespace
}  // namespace citadel::platform
