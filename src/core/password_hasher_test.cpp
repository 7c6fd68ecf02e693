#include "core/password_hasher.hpp"

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

// Produced by passlib 1.7.4 (Debian python3-passlib), the library Odoo stores
// passwords with: these must verify unchanged.
constexpr const char* kPasslibAscii =
    "$pbkdf2-sha512$1000$AAECAwQFBgcICQoLDA0ODw$Xpx07WjVx4vCIvrmBRj8uOoVVtGqJqtUv2J5bhizSQs7osCteF7W4"
    "A61dZDqSIqQjO.dxO6p5FT/Uy7QRBXSXA";
constexpr const char* kPasslibUnicode =
    "$pbkdf2-sha512$29000$MDEyMzQ1Njc4OWFiY2RlZg$JXJeXYGIE6ALpd9VNN6eBgSBhD206UaiXjtC2f3rp0G7Cl9kwb6"
    "mygV2NyS1Av8FcE/judlTILXxxVTaCAOPUw";

TEST(PasswordHasherTest, ProductionDefaultIs600000Rounds) {
  EXPECT_EQ(kDefaultPbkdf2Rounds, 600'000u);
  EXPECT_EQ(PasswordHasher().rounds(), 600'000u);
}

TEST(PasswordHasherTest, VerifiesHashesMadeByPasslib) {
  PasswordHasher hasher(1000);
  EXPECT_TRUE(hasher.Verify("correct horse", kPasslibAscii).matches);
  EXPECT_FALSE(hasher.Verify("correct horsf", kPasslibAscii).matches);
  EXPECT_TRUE(hasher.Verify("Ünïcødé pass", kPasslibUnicode).matches);
}

TEST(PasswordHasherTest, ReproducesPasslibExactlyForTheSameSalt) {
  PasswordHasher hasher(1000);
  std::vector<unsigned char> salt(16);
  for (unsigned char i = 0; i < 16; ++i) salt[i] = i;
  EXPECT_EQ(hasher.HashWithSalt("correct horse", salt), kPasslibAscii);
}

TEST(PasswordHasherTest, FreshSaltEachTimeAndRoundTrip) {
  PasswordHasher hasher(1000);
  std::string a = hasher.Hash("s3cret-passphrase");
  std::string b = hasher.Hash("s3cret-passphrase");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("$pbkdf2-sha512$1000$"));
  EXPECT_TRUE(hasher.Verify("s3cret-passphrase", a).matches);
  EXPECT_TRUE(hasher.Verify("s3cret-passphrase", b).matches);
  auto parsed = ParsePasslibPbkdf2Sha512(a);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->salt.size(), 16u);
  EXPECT_EQ(parsed->checksum.size(), 64u);
}

TEST(PasswordHasherTest, FewerRoundsThanConfiguredAsksForRehash) {
  PasswordHasher stronger(2000);
  auto outcome = stronger.Verify("correct horse", kPasslibAscii);
  EXPECT_TRUE(outcome.matches);
  EXPECT_TRUE(outcome.needs_rehash);
  EXPECT_FALSE(PasswordHasher(1000).Verify("correct horse", kPasslibAscii).needs_rehash);
}

TEST(PasswordHasherTest, MalformedStoredHashesNeverMatch) {
  PasswordHasher hasher(10);
  for (const char* bad : {"", "plain", "$pbkdf2-sha512$", "$pbkdf2-sha512$0$AA$AA",
                          "$pbkdf2-sha512$01000$AAECAwQFBgcICQoLDA0ODw$x",
                          "$pbkdf2-sha256$1000$AAECAwQFBgcICQoLDA0ODw$Xpx07WjVx4vCIvrmBRj8uOoVVtGq",
                          "$pbkdf2-sha512$99999999999$AA$AA", "$pbkdf2-sha512$10$A+A$AA"}) {
    EXPECT_FALSE(hasher.Verify("", bad).matches) << bad;
    EXPECT_FALSE(ParsePasslibPbkdf2Sha512(bad)) << bad;
  }
}

TEST(PasswordHasherTest, OverlongPasswordsNeverMatch) {
  PasswordHasher hasher(10);
  std::string huge(kMaxPasswordBytes + 1, 'a');
  std::string stored = hasher.Hash(huge);
  EXPECT_FALSE(hasher.Verify(huge, stored).matches);
}

}  // namespace
}  // namespace citadel::core
