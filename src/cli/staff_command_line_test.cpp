// `citadel staff ...` parsing: add and disable take one LOGIN, list takes
// --json; a password is never an argument.
#include <gtest/gtest.h>

#include "cli/command_line.hpp"

namespace citadel::cli {
namespace {

ParsedCommandLine ParseStaff(std::vector<std::string> args) {
  args.insert(args.begin(), {"citadel", "staff"});
  return ParseCommandLine(args);
}

TEST(StaffCommandLine, AddListAndDisable) {
  auto add = ParseStaff({"add", "alice"});
  ASSERT_TRUE(add.command);
  EXPECT_EQ(std::get<StaffCommand>(*add.command).action, StaffCommand::Action::kAdd);
  EXPECT_EQ(std::get<StaffCommand>(*add.command).login, "alice");
  auto list = ParseStaff({"list", "--json"});
  ASSERT_TRUE(list.command);
  EXPECT_EQ(std::get<StaffCommand>(*list.command).action, StaffCommand::Action::kList);
  EXPECT_TRUE(std::get<StaffCommand>(*list.command).json);
  auto disable = ParseStaff({"disable", "alice"});
  ASSERT_TRUE(disable.command);
  EXPECT_EQ(std::get<StaffCommand>(*disable.command).action, StaffCommand::Action::kDisable);
}

TEST(StaffCommandLine, APasswordIsNeverAnArgumentAndUsageErrorsExitTwo) {
  for (auto args : std::vector<std::vector<std::string>>{{},
                                                         {"add"},
                                                         {"add", "alice", "secret password"},
                                                         {"add", "alice", "--password", "x"},
                                                         {"disable"},
                                                         {"list", "extra"},
                                                         {"bogus"}}) {
    auto parsed = ParseStaff(args);
    EXPECT_FALSE(parsed.command);
    EXPECT_EQ(parsed.exit_code, 2);
  }
  auto help = ParseStaff({"add", "--help"});
  EXPECT_FALSE(help.command);
  EXPECT_EQ(help.exit_code, 0);
}

}  // namespace
}  // namespace citadel::cli
