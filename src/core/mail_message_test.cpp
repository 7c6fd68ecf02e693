#include "core/mail_message.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"

namespace citadel::core {
namespace {

MailMessage Sample() { return {"erp@example.com", "ann@example.org", "Password reset", "Hello\nline two"}; }

TEST(MailMessage, ComposesHeadersAndCrlfBody) {
  auto text = ComposeMail(Sample(), "Thu, 03 Dec 2026 09:30:00 +0000", "abc@example.com");
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_NE(text->find("From: erp@example.com\r\nTo: ann@example.org\r\nSubject: Password reset\r\n"),
            std::string::npos);
  EXPECT_NE(text->find("Message-ID: <abc@example.com>\r\n"), std::string::npos);
  EXPECT_TRUE(text->ends_with("\r\n\r\nHello\r\nline two\r\n"));
}

TEST(MailMessage, RefusesHeaderInjectionInAddressesAndSubject) {
  MailMessage m = Sample();
  m.to = "ann@example.org\r\nBcc: eve@evil.example";
  EXPECT_FALSE(ComposeMail(m, "d", "id"));
  m = Sample();
  m.to = "ann@example.org, eve@evil.example";
  EXPECT_FALSE(ComposeMail(m, "d", "id"));
  m = Sample();
  m.subject = "Hi\r\nBcc: eve@evil.example";
  EXPECT_FALSE(ComposeMail(m, "d", "id"));
  m = Sample();
  m.from = "<erp@example.com>";
  EXPECT_FALSE(ComposeMail(m, "d", "id"));
}

TEST(MailMessage, PlainAddressShape) {
  EXPECT_TRUE(IsPlainMailAddress("a.b+c@sub.example.com"));
  EXPECT_FALSE(IsPlainMailAddress("no-at-sign"));
  EXPECT_FALSE(IsPlainMailAddress("@example.com"));
  EXPECT_FALSE(IsPlainMailAddress("a@"));
  EXPECT_FALSE(IsPlainMailAddress("a@b@c"));
  EXPECT_FALSE(IsPlainMailAddress("a b@example.com"));
  EXPECT_FALSE(IsPlainMailAddress(std::string(250, 'a') + "@example.com"));
}

TEST(MailMessage, RefusesOverlongLinesAndBodies) {
  MailMessage m = Sample();
  m.body = std::string(999, 'x');
  EXPECT_FALSE(ComposeMail(m, "d", "id"));
  m.body = std::string(kMaxMailBodyBytes + 1, '\n');
  EXPECT_FALSE(ComposeMail(m, "d", "id"));
}

TEST(MailConfig, ParsesTheMailTableAndRequiresFrom) {
  auto config = ParseConfigToml("[mail]\nhost = \"smtp.example.com\"\nfrom = \"erp@example.com\"\nport = 2525\n");
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->mail.host, "smtp.example.com");
  EXPECT_EQ(config->mail.port, 2525);
  EXPECT_TRUE(config->mail.starttls);  // required unless turned off
  EXPECT_EQ(config->mail.timeout_seconds, 30);
  EXPECT_FALSE(ParseConfigToml("[mail]\nhost = \"smtp.example.com\"\n"));
  EXPECT_FALSE(ParseConfigToml("[mail]\nhots = \"smtp.example.com\"\n"));
}

}  // namespace
}  // namespace citadel::core
