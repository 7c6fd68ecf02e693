#include "web/form_body.hpp"

#include <gtest/gtest.h>

namespace citadel::web {
namespace {

TEST(FormFields, DecodesBrowserEncoding) {
  auto form = FormFields::Parse("login=ann%40example.com&password=a+b%26c%3D&empty=&flag");
  ASSERT_TRUE(form) << form.error().message;
  EXPECT_EQ(form->Get("login"), "ann@example.com");
  EXPECT_EQ(form->Get("password"), "a b&c=");
  EXPECT_TRUE(form->Has("empty"));
  EXPECT_TRUE(form->Has("flag"));
  EXPECT_EQ(form->Get("absent"), "");
}

TEST(FormFields, RefusesMalformedOrUnboundedInput) {
  EXPECT_FALSE(FormFields::Parse("a=%zz"));
  EXPECT_FALSE(FormFields::Parse("a=%4"));
  EXPECT_FALSE(FormFields::Parse("a=%00"));
  EXPECT_FALSE(FormFields::Parse("a=1&a=2"));
  EXPECT_FALSE(FormFields::Parse("a=" + std::string(kMaxFormValueBytes + 1, 'x')));
  EXPECT_FALSE(FormFields::Parse(std::string(kMaxFormNameBytes + 1, 'n') + "=1"));
  std::string many;
  for (std::size_t i = 0; i <= kMaxFormFields; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_FALSE(FormFields::Parse(many));
  EXPECT_TRUE(FormFields::Parse("a=" + std::string(kMaxFormValueBytes, 'x')));
}

}  // namespace
}  // namespace citadel::web
