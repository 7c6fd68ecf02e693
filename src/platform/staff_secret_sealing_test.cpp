// Staff TOTP secrets sealed at rest: what is stored holds no trace of the
// secret, opens only with the same server key and for the same account, and
// any altered byte is refused; a secret stored in clear by older code opens
// and says it must be sealed. The key comes from the role-password-key, one
// per purpose.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/fake_file_system.hpp"
#include "core/hex.hpp"
#include "platform/role_password.hpp"
#include "platform/staff_secret_sealing.hpp"

namespace citadel::platform {
namespace {

const std::string kSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

std::string Key(char fill) { return std::string(32, fill); }

TEST(StaffSecretSealing, ASealedSecretOpensForItsAccountOnlyAndHoldsNoTraceOfIt) {
  const StaffSecretSealing sealing(Key('k'));
  const std::string stored = sealing.Seal("alice", kSecret);
  EXPECT_TRUE(stored.starts_with(kSealedStaffSecretPrefix));
  EXPECT_EQ(stored.find(kSecret), std::string::npos);
  EXPECT_EQ(stored.find(kSecret.substr(0, 8)), std::string::npos);
  EXPECT_NE(sealing.Seal("alice", kSecret), stored) << "a fresh nonce each time";
  auto opened = sealing.Open("alice", stored);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->secret, kSecret);
  EXPECT_FALSE(opened->was_clear);
  // Copied onto another account's row: refused.
  auto moved = sealing.Open("mallory", stored);
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, core::ErrorCode::kInternal);
  EXPECT_EQ(moved.error().message.find(kSecret), std::string::npos);
}

TEST(StaffSecretSealing, AnotherKeyOrAnyAlteredCharacterDoesNotOpen) {
  const std::string stored = StaffSecretSealing(Key('k')).Seal("alice", kSecret);
  EXPECT_FALSE(StaffSecretSealing(Key('x')).Open("alice", stored));
  const StaffSecretSealing sealing(Key('k'));
  for (std::size_t i = kSealedStaffSecretPrefix.size(); i < stored.size(); ++i) {
    std::string altered = stored;
    altered[i] = altered[i] == '0' ? '1' : '0';
    EXPECT_FALSE(sealing.Open("alice", altered)) << "position " << i;
  }
  EXPECT_FALSE(sealing.Open("alice", stored.substr(0, stored.size() - 2)));
  EXPECT_FALSE(sealing.Open("alice", std::string(kSealedStaffSecretPrefix)));
  EXPECT_FALSE(sealing.Open("alice", std::string(kSealedStaffSecretPrefix) + "zz"));
  EXPECT_FALSE(sealing.Open("alice", "sealed2:00")) << "an unknown format is not taken as clear";
}

TEST(StaffSecretSealing, ASecretStoredInClearOpensAndAsksToBeSealed) {
  auto opened = StaffSecretSealing(Key('k')).Open("alice", kSecret);
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->secret, kSecret);
  EXPECT_TRUE(opened->was_clear);
}

TEST(StaffSecretSealing, TheKeyIs32Bytes) {
  EXPECT_THROW(StaffSecretSealing{std::string(31, 'k')}, std::invalid_argument);
  EXPECT_THROW(StaffSecretSealing{std::string()}, std::invalid_argument);
}

TEST(RolePasswordKeyFor, KeysAre32BytesPerPurposeAndPerServerKey) {
  core::FakeFileSystem fs, other_fs;
  auto key = RolePasswordKey::LoadOrCreate(fs, "/d");
  auto other = RolePasswordKey::LoadOrCreate(other_fs, "/d");
  ASSERT_TRUE(key && other);
  const std::string sealing_key = key->KeyFor(kStaffTotpSealPurpose);
  EXPECT_EQ(sealing_key.size(), 32u);
  EXPECT_EQ(RolePasswordKey::LoadOrCreate(fs, "/d")->KeyFor(kStaffTotpSealPurpose), sealing_key)
      << "stable across loads (and servers sharing the file)";
  EXPECT_NE(key->KeyFor("another purpose"), sealing_key);
  EXPECT_NE(other->KeyFor(kStaffTotpSealPurpose), sealing_key);
  // Not what PasswordFor gives for the same text (the NULs of its message
  // keep the two apart): no role's password is a sealing key.
  EXPECT_NE(core::HexEncode(sealing_key), key->PasswordFor(kStaffTotpSealPurpose));
  // A secret sealed under one server's key opens under the same key only.
  const std::string stored = StaffSecretSealing(sealing_key).Seal("alice", kSecret);
  EXPECT_TRUE(StaffSecretSealing(key->KeyFor(kStaffTotpSealPurpose)).Open("alice", stored));
  EXPECT_FALSE(StaffSecretSealing(other->KeyFor(kStaffTotpSealPurpose)).Open("alice", stored));
}

}  // namespace
}  // namespace citadel::platform
