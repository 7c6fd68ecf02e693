// The one guard of form POSTs: a forged POST, with the victim's cookie but
// without this session's token, never reaches the handler.
#include "web/csrf_guard.hpp"

#include <gtest/gtest.h>

namespace citadel::web {
namespace {

const std::string kSessionA(64, 'a');
const std::string kSessionB(64, 'b');

class FormGuardTest : public ::testing::Test {
 protected:
  FormGuardTest()
      : csrf_(std::string(32, 'k')), templates_(*PageTemplates::LoadEmbedded()), guard_(csrf_, templates_) {
    guard_.AddFormRoute(router_, "/web/change", [this](FormRequest form, http::Responder respond) {
      ++handled_;
      last_value_ = form.fields.Get("value");
      respond(http::Response{200, "text/plain", "done", {}});
    });
  }

  http::Response Post(const std::string& cookie, const std::string& body,
                      const std::string& content_type = "application/x-www-form-urlencoded",
                      const std::string& origin = "") {
    http::Request request;
    request.method = "POST";
    request.path = "/web/change";
    request.body = body;
    request.headers = {{"Host", "erp.example.com"}, {"Content-Type", content_type}};
    if (!cookie.empty()) request.headers.emplace_back("Cookie", cookie);
    if (!origin.empty()) request.headers.emplace_back("Origin", origin);
    auto match = router_.Match("POST", "/web/change");
    http::Response got;
    match.route->handler(request, [&](http::Response response) { got = std::move(response); });
    return got;
  }

  std::string TokenOfSession(const std::string& id) { return csrf_.For("session:" + id); }

  auth::CsrfTokens csrf_;
  PageTemplates templates_;
  FormGuard guard_;
  http::Router router_;
  int handled_ = 0;
  std::string last_value_;
};

TEST_F(FormGuardTest, TheSessionsOwnTokenPasses) {
  auto response = Post("session_id=" + kSessionA, "value=1&csrf_token=" + TokenOfSession(kSessionA));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(handled_, 1);
  EXPECT_EQ(last_value_, "1");
}

TEST_F(FormGuardTest, ForgedPostsAreRefusedAndNothingRuns) {
  // The victim's cookie rides along, but the token is missing, another
  // session's, empty, or from before sign-in (the pre-session's).
  const std::string presession(64, 'c');
  for (const std::string& body : std::vector<std::string>{
           "value=1", "value=1&csrf_token=", "value=1&csrf_token=" + TokenOfSession(kSessionB),
        "value=1&csrf_token=" + csrf_.For("presession:" + presession)}) {
    auto response = Post("session_id=" + kSessionA + "; citadel_presession=" + presession, body);
    EXPECT_EQ(response.status, 403) << body;
    EXPECT_NE(response.body.find("Reload the page"), std::string::npos);
  }
  // No cookie at all: a token cannot match a binding made on the spot.
  EXPECT_EQ(Post("", "value=1&csrf_token=" + TokenOfSession(kSessionA)).status, 403);
  EXPECT_EQ(handled_, 0);
}

TEST_F(FormGuardTest, PreSessionCookieBindsBeforeSignIn) {
  const std::string presession(64, 'd');
  auto ok = Post("citadel_presession=" + presession, "csrf_token=" + csrf_.For("presession:" + presession));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(Post("citadel_presession=" + std::string(64, 'e'), "csrf_token=" + csrf_.For("presession:" + presession)).status,
            403);
  EXPECT_EQ(handled_, 1);
}

TEST_F(FormGuardTest, RefusesOtherBodiesAndForeignOrigins) {
  const std::string body = "csrf_token=" + TokenOfSession(kSessionA);
  EXPECT_EQ(Post("session_id=" + kSessionA, body, "application/json").status, 415);
  EXPECT_EQ(Post("session_id=" + kSessionA, body, "application/x-www-form-urlencoded", "https://evil.example").status,
            403);
  EXPECT_EQ(Post("session_id=" + kSessionA, body + "&a=%zz").status, 400);
  EXPECT_EQ(handled_, 0);
}

TEST_F(FormGuardTest, BindingPrefersTheSessionAndMakesAPreSessionWhenNone) {
  http::Request request;
  request.headers = {{"Cookie", "session_id=" + kSessionA}};
  EXPECT_EQ(guard_.BindingOf(request).value, "session:" + kSessionA);
  http::Request bare;
  const BrowserBinding fresh = guard_.BindingOf(bare);
  ASSERT_TRUE(fresh.set_cookie);
  EXPECT_NE(fresh.set_cookie->find("citadel_presession="), std::string::npos);
  EXPECT_NE(fresh.set_cookie->find("HttpOnly"), std::string::npos);
}

}  // namespace
}  // namespace citadel::web
