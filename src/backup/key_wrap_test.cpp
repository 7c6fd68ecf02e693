#include "backup/key_wrap.hpp"

#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

namespace citadel::backup {
namespace {

const std::string kWrapKek(32, 'K');
const std::string kWrapContext = "citadel-backup v1|tenant 12|backup 3f2a";
constexpr std::string_view kUnwrapFailed =
    "key unwrap failed: wrong key or context, or the wrapped key was altered";

TEST(KeyWrapTest, NewDataKeysAre32FreshRandomBytes) {
  std::string a = NewDataKey();
  std::string b = NewDataKey();
  EXPECT_EQ(a.size(), kDataKeyBytes);
  EXPECT_NE(a, b);
}

TEST(KeyWrapTest, UnwrapGivesBackTheWrappedKey) {
  std::string key = NewDataKey();
  std::string wrapped = WrapKey(kWrapKek, key, kWrapContext);
  EXPECT_EQ(wrapped.size(), 1 + 12 + key.size() + 16);
  EXPECT_EQ(wrapped[0], '\x01');
  EXPECT_EQ(wrapped.find(key), std::string::npos);
  auto unwrapped = UnwrapKey(kWrapKek, wrapped, kWrapContext);
  ASSERT_TRUE(unwrapped.has_value()) << unwrapped.error().message;
  EXPECT_EQ(*unwrapped, key);
}

TEST(KeyWrapTest, EachWrapUsesAFreshNonce) {
  std::string key = NewDataKey();
  std::string a = WrapKey(kWrapKek, key, kWrapContext);
  std::string b = WrapKey(kWrapKek, key, kWrapContext);
  EXPECT_NE(a.substr(1, 12), b.substr(1, 12));
  EXPECT_NE(a, b);
}

TEST(KeyWrapTest, EmptyContextAndOtherKeySizesRoundTrip) {
  for (std::string key : {std::string(), std::string("k"), std::string(64, 'x')}) {
    auto unwrapped = UnwrapKey(kWrapKek, WrapKey(kWrapKek, key, ""), "");
    ASSERT_TRUE(unwrapped.has_value());
    EXPECT_EQ(*unwrapped, key);
  }
}

TEST(KeyWrapTest, WrongKekOrContextFails) {
  std::string wrapped = WrapKey(kWrapKek, NewDataKey(), kWrapContext);
  auto wrong_kek = UnwrapKey(std::string(32, 'L'), wrapped, kWrapContext);
  ASSERT_FALSE(wrong_kek.has_value());
  EXPECT_EQ(wrong_kek.error().code, core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong_kek.error().message, kUnwrapFailed);
  auto wrong_context = UnwrapKey(kWrapKek, wrapped, "citadel-backup v1|tenant 13|backup 3f2a");
  ASSERT_FALSE(wrong_context.has_value());
  EXPECT_EQ(wrong_context.error().message, kUnwrapFailed);
  EXPECT_FALSE(UnwrapKey(kWrapKek, WrapKey(kWrapKek, "key", ""), "x").has_value());
}

TEST(KeyWrapTest, EveryFlippedBitFails) {
  std::string wrapped = WrapKey(kWrapKek, NewDataKey(), kWrapContext);
  for (std::size_t bit = 0; bit < wrapped.size() * 8; ++bit) {
    std::string altered = wrapped;
    altered[bit / 8] = static_cast<char>(altered[bit / 8] ^ (1 << (bit % 8)));
    auto unwrapped = UnwrapKey(kWrapKek, altered, kWrapContext);
    ASSERT_FALSE(unwrapped.has_value()) << "bit " << bit;
    EXPECT_EQ(unwrapped.error().code, core::ErrorCode::kInvalidArgument);
    if (bit >= 8) {  // past the version byte, which has its own message
      EXPECT_EQ(unwrapped.error().message, kUnwrapFailed) << "bit " << bit;
    }
  }
}

TEST(KeyWrapTest, TruncatedExtendedOrForeignInputFails) {
  std::string wrapped = WrapKey(kWrapKek, NewDataKey(), kWrapContext);
  for (std::size_t size = 0; size < wrapped.size(); ++size) {
    EXPECT_FALSE(UnwrapKey(kWrapKek, wrapped.substr(0, size), kWrapContext).has_value()) << size;
  }
  EXPECT_FALSE(UnwrapKey(kWrapKek, wrapped + "x", kWrapContext).has_value());
  std::string future = wrapped;
  future[0] = 2;
  auto unwrapped = UnwrapKey(kWrapKek, future, kWrapContext);
  ASSERT_FALSE(unwrapped.has_value());
  EXPECT_EQ(unwrapped.error().message, "unsupported wrapped key version 2 (this build reads 1)");
}

TEST(KeyWrapTest, AKekThatIsNot32BytesIsAProgrammingError) {
  EXPECT_THROW(WrapKey(std::string(16, 'K'), "key", kWrapContext), std::invalid_argument);
  EXPECT_THROW((void)UnwrapKey(std::string(33, 'K'), "", kWrapContext), std::invalid_argument);
}

}  // namespace
}  // namespace citadel::backup
