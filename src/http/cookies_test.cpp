#include "http/cookies.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace citadel::http {
namespace {

Request WithCookies(std::initializer_list<std::string> headers, std::string header_name = "Cookie") {
  Request request;
  for (const auto& h : headers) request.headers.emplace_back(header_name, h);
  return request;
}

TEST(CookieValue, FindsTheNamedCookieAmongOthers) {
  auto request = WithCookies({"frontend_lang=en_US; session_id=abc-_123; cids=1"});
  EXPECT_EQ(CookieValue(request, "session_id"), "abc-_123");
  EXPECT_EQ(CookieValue(request, "cids"), "1");
  EXPECT_EQ(CookieValue(request, "missing"), std::nullopt);
}

TEST(CookieValue, ReadsEveryCookieHeaderWhateverTheHeaderNameCase) {
  auto request = WithCookies({"a=1", "session_id=second"}, "cookie");
  EXPECT_EQ(CookieValue(request, "session_id"), "second");
}

TEST(CookieValue, TheFirstOfTwoCookiesOfOneNameWins) {
  EXPECT_EQ(CookieValue(WithCookies({"s=one; s=two"}), "s"), "one");
}

TEST(CookieValue, StripsQuotesAndSpaces) {
  EXPECT_EQ(CookieValue(WithCookies({"  s = \"quoted\" ;x=1"}), "s"), "quoted");
}

TEST(CookieValue, AValueWithForbiddenCharactersIsAbsent) {
  EXPECT_EQ(CookieValue(WithCookies({"s=a\\b"}), "s"), std::nullopt);
  EXPECT_EQ(CookieValue(WithCookies({"s=a\"b"}), "s"), std::nullopt);
  EXPECT_EQ(CookieValue(WithCookies({std::string("s=a\x01") + "b"}), "s"), std::nullopt);
}

TEST(CookieValue, APrefixOfTheNameDoesNotMatch) {
  EXPECT_EQ(CookieValue(WithCookies({"session_idx=1; xsession_id=2"}), "session_id"), std::nullopt);
}

TEST(CookieValue, LooksAtABoundedNumberOfPairs) {
  std::string many;
  for (std::size_t i = 0; i < kMaxCookiePairs; ++i) many += "c" + std::to_string(i) + "=v; ";
  many += "late=1";
  EXPECT_EQ(CookieValue(WithCookies({many}), "late"), std::nullopt);
  EXPECT_EQ(CookieValue(WithCookies({many}), "c0"), "v");
}

TEST(SessionSetCookie, IsSecureHttpOnlyLaxOnTheWholeSite) {
  EXPECT_EQ(SessionSetCookie("session_id", "abc", std::chrono::seconds(604800)),
            "session_id=abc; Path=/; Max-Age=604800; Secure; HttpOnly; SameSite=Lax");
}

TEST(SessionSetCookie, ANonPositiveAgeDropsTheCookie) {
  EXPECT_EQ(SessionSetCookie("session_id", "", std::chrono::seconds(-5)),
            "session_id=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
}

TEST(SessionSetCookie, RefusesWhatCouldSplitTheHeader) {
  EXPECT_THROW(SessionSetCookie("session_id", "a;b", std::chrono::seconds(1)), std::invalid_argument);
  EXPECT_THROW(SessionSetCookie("session_id", "a\r\nX: y", std::chrono::seconds(1)), std::invalid_argument);
  EXPECT_THROW(SessionSetCookie("bad name", "v", std::chrono::seconds(1)), std::invalid_argument);
}

}  // namespace
}  // namespace citadel::http
