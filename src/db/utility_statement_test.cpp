#include "db/utility_statement.hpp"

#include <gtest/gtest.h>

#include "db/connection.hpp"

namespace citadel::db {
namespace {

TEST(UtilityStatement, SnapshotNamesMustHavePostgresShape) {
  Connection unconnected;
  for (const char* good : {"00000003-0000001B-1", "00000003-0000001B", "0A-FF-12"}) {
    UtilityStatementBuilder builder(unconnected);
    builder.Sql("SET TRANSACTION SNAPSHOT ").SnapshotName(good);
    auto built = builder.Build();
    ASSERT_TRUE(built) << good;
    EXPECT_EQ(built->text(), std::string("SET TRANSACTION SNAPSHOT '") + good + "'");
  }
  for (const char* bad : {"", "x", "1'; DROP TABLE t; --", "00000003", "-1-2", "1--2", "1-2-3-4", "1-2 ",
                          "00000003-0000001B-1'"}) {
    UtilityStatementBuilder builder(unconnected);
    builder.Sql("SET TRANSACTION SNAPSHOT ").SnapshotName(bad);
    EXPECT_FALSE(builder.Build()) << bad;
  }
}

}  // namespace
}  // namespace citadel::db
