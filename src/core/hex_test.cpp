#include "core/hex.hpp"

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

TEST(Hex, EncodesEveryByteInLowerCase) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xa5\xff", 4)), "000fa5ff");
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  const std::string text = HexEncode(all);
  ASSERT_EQ(text.size(), 512u);
  EXPECT_EQ(text.substr(0, 6), "000102");
  EXPECT_EQ(text.substr(506), "fdfeff");
  EXPECT_EQ(HexDecode(text), all);
}

TEST(Hex, DecodingRefusesWhatWeNeverWrite) {
  EXPECT_EQ(HexDecode(""), std::string());
  EXPECT_EQ(HexDecode("00ff"), std::string("\x00\xff", 2));
  EXPECT_EQ(HexDecode("abc"), std::nullopt);   // odd length
  EXPECT_EQ(HexDecode("00FF"), std::nullopt);  // upper case
  EXPECT_EQ(HexDecode("0g"), std::nullopt);
  EXPECT_EQ(HexDecode(std::string("0\0", 2)), std::nullopt);
}

}  // namespace
}  // namespace citadel::core
