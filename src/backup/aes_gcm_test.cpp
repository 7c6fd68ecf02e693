#include "backup/aes_gcm.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace citadel::backup {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

AesGcmNonce NonceFromHex(std::string_view hex) {
  std::string bytes = FromHex(hex);
  AesGcmNonce nonce{};
  std::copy(bytes.begin(), bytes.end(), nonce.begin());
  return nonce;
}

// Test case 16 of McGrew and Viega's GCM specification (AES-256, with
// associated data): our EVP calls must match the standard bit for bit.
constexpr std::string_view kGcmKey =
    "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr std::string_view kGcmNonce = "cafebabefacedbaddecaf888";
constexpr std::string_view kPlaintext =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b5"
    "25b16aedf5aa0de657ba637b39";
constexpr std::string_view kGcmAssociatedData = "feedfacedeadbeeffeedfacedeadbeefabaddad2";
constexpr std::string_view kGcmSealed =
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
    "76fc6ece0f4e1768cddf8853bb2d551b";  // the tag

TEST(AesGcmCipherTest, SealMatchesTheGcmSpecificationTestVector) {
  AesGcmCipher cipher(FromHex(kGcmKey));
  std::string plaintext = FromHex(kPlaintext);
  std::string sealed(plaintext.size() + kAesGcmTagBytes, '\0');
  cipher.Seal(NonceFromHex(kGcmNonce), FromHex(kGcmAssociatedData), plaintext, sealed);
  EXPECT_EQ(sealed, FromHex(kGcmSealed));
}

TEST(AesGcmCipherTest, OpenAfterSealOnTheSameObjectReturnsThePlaintext) {
  AesGcmCipher cipher(FromHex(kGcmKey));
  std::string sealed = FromHex(kGcmSealed);
  std::string opened(sealed.size() - kAesGcmTagBytes, '\0');
  ASSERT_TRUE(cipher.Open(NonceFromHex(kGcmNonce), FromHex(kGcmAssociatedData), sealed, opened));
  EXPECT_EQ(opened, FromHex(kPlaintext));
  // And sealing again after an open still gives the standard's answer.
  std::string resealed(sealed.size(), '\0');
  cipher.Seal(NonceFromHex(kGcmNonce), FromHex(kGcmAssociatedData), opened, resealed);
  EXPECT_EQ(resealed, sealed);
}

TEST(AesGcmCipherTest, EmptyPlaintextWithZeroKeyMatchesTestCase13) {
  AesGcmCipher cipher(std::string(32, '\0'));
  std::string sealed(kAesGcmTagBytes, '\0');
  cipher.Seal(AesGcmNonce{}, "", "", sealed);
  EXPECT_EQ(sealed, FromHex("530f8afbc74536b9a963b4f1c4cb738b"));
  std::string nothing;
  EXPECT_TRUE(cipher.Open(AesGcmNonce{}, "", sealed, nothing));
}

TEST(AesGcmCipherTest, FailedOpenZeroesTheOutputAndTheObjectStaysUsable) {
  AesGcmCipher cipher(FromHex(kGcmKey));
  std::string sealed = FromHex(kGcmSealed);
  sealed[sealed.size() - 1] ^= 1;
  std::string opened(sealed.size() - kAesGcmTagBytes, 'x');
  EXPECT_FALSE(cipher.Open(NonceFromHex(kGcmNonce), FromHex(kGcmAssociatedData), sealed, opened));
  EXPECT_EQ(opened, std::string(opened.size(), '\0'));
  EXPECT_FALSE(cipher.Open(NonceFromHex(kGcmNonce), "other", FromHex(kGcmSealed), opened));
  EXPECT_TRUE(
      cipher.Open(NonceFromHex(kGcmNonce), FromHex(kGcmAssociatedData), FromHex(kGcmSealed), opened));
  std::string too_short(kAesGcmTagBytes - 1, '\0');
  std::string none;
  EXPECT_FALSE(cipher.Open(NonceFromHex(kGcmNonce), "", too_short, none));
}

TEST(AesGcmCipherTest, RefusesKeysThatAreNot32Bytes) {
  EXPECT_THROW(AesGcmCipher(std::string(31, 'k')), std::invalid_argument);
  EXPECT_THROW(AesGcmCipher(std::string(33, 'k')), std::invalid_argument);
  EXPECT_THROW(AesGcmCipher(""), std::invalid_argument);
}

TEST(AesGcmCipherTest, RefusesOutputBuffersOfTheWrongSize) {
  AesGcmCipher cipher(std::string(32, 'k'));
  std::string wrong(5, '\0');
  EXPECT_THROW(cipher.Seal(AesGcmNonce{}, "", "abc", wrong), std::invalid_argument);
  std::string sealed(20, '\0');
  EXPECT_THROW((void)cipher.Open(AesGcmNonce{}, "", sealed, wrong), std::invalid_argument);
}

}  // namespace
}  // namespace citadel::backup
