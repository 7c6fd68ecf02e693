#include <gtest/gtest.h>

#include "auth/csrf_token.hpp"
#include "auth/reset_token.hpp"
#include "auth/server_secret.hpp"
#include "core/fake_file_system.hpp"

namespace citadel::auth {
namespace {

const ServerSecret kSecret = ServerSecret::FromBytes(std::string(32, 'k'));
constexpr std::int64_t kNow = 1'800'000'000;

TEST(CsrfTokens, BoundToTheSessionItWasMadeFor) {
  CsrfTokens csrf(kSecret.KeyFor("csrf"));
  const std::string token = csrf.For("session-a");
  EXPECT_EQ(token.size(), 64u);
  EXPECT_TRUE(csrf.Matches("session-a", token));
  EXPECT_FALSE(csrf.Matches("session-b", token));  // another session's token
  EXPECT_FALSE(csrf.Matches("session-a", ""));     // no token
  EXPECT_FALSE(csrf.Matches("", token));
  EXPECT_FALSE(csrf.Matches("session-a", token.substr(0, 63) + (token[63] == '0' ? "1" : "0")));
  // Another server key (another purpose) signs differently.
  EXPECT_FALSE(CsrfTokens(kSecret.KeyFor("password-reset")).Matches("session-a", token));
}

TEST(ResetToken, VerifiesForItsTenantUserAndPasswordOnly) {
  ResetTokenSigner signer(kSecret.KeyFor("password-reset"));
  const std::string token = signer.Issue("acme", 7, "fingerprint-1", kNow + 3600);
  auto claims = ResetTokenSigner::Parse(token);
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->uid, 7);
  EXPECT_EQ(claims->expires_unix, kNow + 3600);
  EXPECT_TRUE(signer.Verify(token, "acme", "fingerprint-1", kNow));
  EXPECT_FALSE(signer.Verify(token, "other", "fingerprint-1", kNow));        // another tenant
  EXPECT_FALSE(signer.Verify(token, "acme", "fingerprint-2", kNow));         // password changed since
  EXPECT_FALSE(signer.Verify(token, "acme", "fingerprint-1", kNow + 3600));  // expired
  EXPECT_FALSE(ResetTokenSigner(kSecret.KeyFor("csrf")).Verify(token, "acme", "fingerprint-1", kNow));
}

TEST(ResetToken, TamperedFieldsFail) {
  ResetTokenSigner signer(kSecret.KeyFor("password-reset"));
  const std::string token = signer.Issue("acme", 7, "fp", kNow + 3600);
  // Another uid or a later expiry with the same MAC.
  std::string other_uid = "8" + token.substr(token.find('.'));
  EXPECT_FALSE(signer.Verify(other_uid, "acme", "fp", kNow));
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  std::string later = token.substr(0, first + 1) + std::to_string(kNow + 999'999) + token.substr(second);
  EXPECT_FALSE(signer.Verify(later, "acme", "fp", kNow));
}

TEST(ResetToken, ParseRefusesWhatIsNotAToken) {
  for (const char* text : {"", "1.2.3.4", "7.1800003600.zz.00", "-1.5.00000000000000000000000000000000.",
                           "07.1800003600.00000000000000000000000000000000."
                           "0000000000000000000000000000000000000000000000000000000000000000"}) {
    EXPECT_FALSE(ResetTokenSigner::Parse(text)) << text;
  }
  EXPECT_FALSE(ResetTokenSigner::Parse(std::string(kMaxResetTokenChars + 1, '1')));
}

TEST(ResetToken, TwoIssuesDiffer) {
  ResetTokenSigner signer(kSecret.KeyFor("password-reset"));
  EXPECT_NE(signer.Issue("acme", 7, "fp", kNow), signer.Issue("acme", 7, "fp", kNow));
}

TEST(ServerSecret, CreatedOnceWithMode0600AndReadBack) {
  core::FakeFileSystem fs;
  auto first = ServerSecret::LoadOrCreate(fs, "/data");
  ASSERT_TRUE(first) << first.error().message;
  auto second = ServerSecret::LoadOrCreate(fs, "/data");
  ASSERT_TRUE(second);
  EXPECT_EQ(first->KeyFor("csrf"), second->KeyFor("csrf"));
  EXPECT_NE(first->KeyFor("csrf"), first->KeyFor("password-reset"));
  EXPECT_EQ(fs.ModeOf("/data/secrets/web-token-key"), 0600u);
  EXPECT_EQ(fs.ModeOf("/data/secrets"), 0700u);
}

TEST(ServerSecret, DamagedFileIsAnError) {
  core::FakeFileSystem fs;
  ASSERT_TRUE(fs.CreateDirectories("/data/secrets", 0700));
  ASSERT_TRUE(fs.WriteFileAtomic("/data/secrets/web-token-key", "short", 0600));
  EXPECT_FALSE(ServerSecret::LoadOrCreate(fs, "/data"));
}

}  // namespace
}  // namespace citadel::auth
