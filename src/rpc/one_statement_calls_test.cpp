#include "rpc/one_statement_calls.hpp"

#include <gtest/gtest.h>

namespace citadel::rpc {
namespace {

TEST(OneStatementCalls, AShapeNeverSeenIsExpectedToNeedOneStatement) {
  OneStatementCalls calls;
  EXPECT_TRUE(calls.Expected("db\x1fres.partner\x1fread\x1f[\"name\"]"));
}

TEST(OneStatementCalls, AShapeThatNeededMoreIsSkippedUntilItNeedsOneStatementOftenEnough) {
  OneStatementCalls calls;
  const std::string_view shape = "db\x1fres.partner\x1fread\x1f[\"category_id\"]";
  calls.NeededMore(shape);
  EXPECT_FALSE(calls.Expected(shape));
  EXPECT_TRUE(calls.Expected("db\x1fres.partner\x1fread\x1f[\"name\"]")) << "another shape is not affected";
  for (int i = 0; i < OneStatementCalls::kSkip - 1; ++i) calls.Needed(shape, 1);
  EXPECT_FALSE(calls.Expected(shape));
  calls.Needed(shape, 3);  // needed more again: back to the full count
  for (int i = 0; i < OneStatementCalls::kSkip - 1; ++i) calls.Needed(shape, 1);
  EXPECT_FALSE(calls.Expected(shape));
  calls.Needed(shape, 1);
  EXPECT_TRUE(calls.Expected(shape));
  calls.Needed(shape, 1);  // stays at zero
  EXPECT_TRUE(calls.Expected(shape));
}

}  // namespace
}  // namespace citadel::rpc
