#include "http/request_target.hpp"

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

TEST(RequestTargetTest, SplitsPathAndQuery) {
  auto split = SplitRequestTarget("/web/login?redirect=%2Fweb&x=1");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->path, "/web/login");
  EXPECT_EQ(split->query, "redirect=%2Fweb&x=1");
  split = SplitRequestTarget("/");
  ASSERT_TRUE(split);
  EXPECT_EQ(split->path, "/");
  EXPECT_EQ(split->query, "");
}

TEST(RequestTargetTest, RefusesTargetsThatAreNotOriginForm) {
  EXPECT_FALSE(SplitRequestTarget(""));
  EXPECT_FALSE(SplitRequestTarget("*"));
  EXPECT_FALSE(SplitRequestTarget("http://example.com/"));
  EXPECT_FALSE(SplitRequestTarget("example.com:443"));
  EXPECT_FALSE(SplitRequestTarget("/a b"));
  EXPECT_FALSE(SplitRequestTarget("/a#frag"));
}

TEST(RequestTargetTest, RefusesDotSegmentsPlainOrEncoded) {
  EXPECT_FALSE(SplitRequestTarget("/static/../admin"));
  EXPECT_FALSE(SplitRequestTarget("/static/./x"));
  EXPECT_FALSE(SplitRequestTarget("/static/.."));
  EXPECT_FALSE(SplitRequestTarget("/static/%2e%2E/admin"));
  EXPECT_FALSE(SplitRequestTarget("/static/.%2e/admin"));
  EXPECT_FALSE(SplitRequestTarget("/.."));
  EXPECT_TRUE(SplitRequestTarget("/static/...")) << "three dots are a name";
  EXPECT_TRUE(SplitRequestTarget("/static/.hidden"));
  EXPECT_TRUE(SplitRequestTarget("/a?next=/../b")) << "the query is not a path";
}

}  // namespace
}  // namespace citadel::http
