#include "http/router.hpp"

#include <stdexcept>

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

Handler Named(std::string* called, std::string name) {
  return [called, name](const Request&, Responder) { *called = name; };
}

void CallHandler(const RouteMatch& match) {
  ASSERT_EQ(match.kind, RouteMatch::Kind::kFound);
  match.route->handler(Request{}, [](Response) {});
}

TEST(RouterTest, ExactPathsMatchExactly) {
  std::string called;
  Router router;
  router.Add("POST", "/jsonrpc", Named(&called, "jsonrpc"));
  auto match = router.Match("POST", "/jsonrpc");
  CallHandler(match);
  EXPECT_EQ(called, "jsonrpc");
  EXPECT_EQ(match.pattern, "/jsonrpc");
  EXPECT_EQ(router.Match("POST", "/jsonrpc/").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match("POST", "/json").kind, RouteMatch::Kind::kNotFound);
}

TEST(RouterTest, UnknownPathsAreNotFoundAndLabelledUnmatched) {
  Router router;
  router.Add("GET", "/a", [](const Request&, Responder) {});
  auto match = router.Match("GET", "/b");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(match.pattern, "unmatched");
}

TEST(RouterTest, AKnownPathWithTheWrongMethodListsTheAllowedOnes) {
  Router router;
  router.Add("POST", "/a", [](const Request&, Responder) {});
  router.Add("GET", "/a", [](const Request&, Responder) {});
  auto match = router.Match("DELETE", "/a");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(match.allow, "GET, HEAD, POST");
  EXPECT_EQ(match.pattern, "/a");
}

TEST(RouterTest, GetRoutesAnswerHead) {
  Router router;
  router.Add("GET", "/a", [](const Request&, Responder) {});
  auto match = router.Match("HEAD", "/a");
  EXPECT_EQ(match.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(match.route->method, "GET");
}

TEST(RouterTest, PrefixRoutesMatchEverythingBelowThem) {
  std::string called;
  Router router;
  router.Add("GET", "/web/*", Named(&called, "web"));
  router.Add("GET", "/web/static/*", Named(&called, "static"));
  router.Add("GET", "/web/login", Named(&called, "login"));
  CallHandler(router.Match("GET", "/web/"));
  EXPECT_EQ(called, "web");
  CallHandler(router.Match("GET", "/web/a/b"));
  EXPECT_EQ(called, "web");
  CallHandler(router.Match("GET", "/web/static/app.js"));
  EXPECT_EQ(called, "static");
  EXPECT_EQ(router.Match("GET", "/web/static/app.js").pattern, "/web/static/*");
  CallHandler(router.Match("GET", "/web/login"));
  EXPECT_EQ(called, "login");
  EXPECT_EQ(router.Match("GET", "/web").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match("GET", "/webby").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.Match("POST", "/web/x").kind, RouteMatch::Kind::kMethodNotAllowed);
}

TEST(RouterTest, WiringMistakesFailAtOnce) {
  Router router;
  router.Add("GET", "/a", [](const Request&, Responder) {});
  EXPECT_THROW(router.Add("GET", "/a", [](const Request&, Responder) {}), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "a", [](const Request&, Responder) {}), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/a*b", [](const Request&, Responder) {}), std::invalid_argument);
  EXPECT_THROW(router.Add("GET", "/b", Handler{}), std::invalid_argument);
}

TEST(RouterTest, RouteOptionsAreKept) {
  Router router;
  router.Add("POST", "/upload", [](const Request&, Responder) {}, RouteOptions{std::size_t{64} << 20});
  EXPECT_EQ(router.Match("POST", "/upload").route->options.max_body_bytes, std::size_t{64} << 20);
}

TEST(RequestTest, HeaderLookupIgnoresCase) {
  Request request;
  request.headers = {{"Content-Type", "text/plain"}, {"X-A", "1"}, {"x-a", "2"}};
  EXPECT_EQ(request.Header("content-type"), "text/plain");
  EXPECT_EQ(request.Header("X-A"), "1");
  EXPECT_EQ(request.Header("Cookie"), std::nullopt);
}

TEST(RequestTest, JsonErrorsAreEscaped) {
  auto response = JsonErrorResponse(404, "no \"such\" page");
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, R"({"error":"no \"such\" page"})");
  EXPECT_EQ(response.content_type, "application/json");
}

}  // namespace
}  // namespace citadel::http
