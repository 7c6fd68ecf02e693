#include "core/base64.hpp"

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

std::vector<unsigned char> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

TEST(Base64Test, StandardVectorsFromRfc4648) {
  EXPECT_EQ(Base64Encode(Bytes("")), "");
  EXPECT_EQ(Base64Encode(Bytes("f")), "Zg==");
  EXPECT_EQ(Base64Encode(Bytes("fo")), "Zm8=");
  EXPECT_EQ(Base64Encode(Bytes("foobar")), "Zm9vYmFy");
  EXPECT_EQ(*Base64Decode("Zm8="), Bytes("fo"));
  EXPECT_EQ(*Base64Decode("Zg=="), Bytes("f"));
  EXPECT_FALSE(Base64Decode("Zm8"));
  EXPECT_FALSE(Base64Decode("Z!8="));
}

TEST(Base64Test, AdaptedAlphabetHasDotsAndNoPadding) {
  std::vector<unsigned char> b = {0xfb, 0xef, 0xbe};
  EXPECT_EQ(Base64Encode(b), "++++");
  EXPECT_EQ(AdaptedBase64Encode(b), "....");
  EXPECT_EQ(AdaptedBase64Encode(Bytes("f")), "Zg");
  EXPECT_EQ(*AdaptedBase64Decode("Zg"), Bytes("f"));
  EXPECT_EQ(*AdaptedBase64Decode("...."), b);
  EXPECT_FALSE(AdaptedBase64Decode("Zg=="));
  EXPECT_FALSE(AdaptedBase64Decode("++++"));
  EXPECT_FALSE(AdaptedBase64Decode("Z"));
}

}  // namespace
}  // namespace citadel::core
