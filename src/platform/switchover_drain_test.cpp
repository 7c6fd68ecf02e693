// The switchover's drain handshake files (switchover_drain.hpp): what the CLI
// writes the server reads back; an acknowledgement counts only for its own
// request; a file that is not a request (garbage, too large) is ignored.
#include "platform/switchover_drain.hpp"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace citadel::platform {
namespace {

class SwitchoverDrainFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    topology_.ha_dir = (std::filesystem::temp_directory_path() /
                        ("citadel-drain-" + std::to_string(::getpid())))
                           .string();
    std::filesystem::create_directories(topology_.ha_dir);
  }
  void TearDown() override { std::filesystem::remove_all(topology_.ha_dir); }
  ClusterTopology topology_;
};

TEST_F(SwitchoverDrainFiles, RequestAndAcknowledgementRoundTrip) {
  EXPECT_FALSE(ReadDrainRequest(topology_));
  const auto until = std::chrono::system_clock::now() + std::chrono::seconds(30);
  auto request = WriteDrainRequest(topology_, until);
  ASSERT_TRUE(request);
  auto read = ReadDrainRequest(topology_);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->id, request->id);
  EXPECT_LT(std::chrono::abs(read->until - until), std::chrono::milliseconds(2));
  EXPECT_EQ(std::filesystem::status(DrainRequestPath(topology_)).permissions() &
                std::filesystem::perms::others_all,
            std::filesystem::perms::none);

  EXPECT_FALSE(DrainAcknowledged(topology_, request->id));
  ASSERT_TRUE(WriteDrainAck(topology_, "someone-else"));
  EXPECT_FALSE(DrainAcknowledged(topology_, request->id));
  ASSERT_TRUE(WriteDrainAck(topology_, request->id));
  EXPECT_TRUE(DrainAcknowledged(topology_, request->id));

  // A new request forgets the old acknowledgement; removing clears both.
  auto second = WriteDrainRequest(topology_, until);
  ASSERT_TRUE(second);
  EXPECT_NE(second->id, request->id);
  EXPECT_FALSE(DrainAcknowledged(topology_, request->id));
  RemoveDrainRequest(topology_);
  EXPECT_FALSE(ReadDrainRequest(topology_));
}

TEST_F(SwitchoverDrainFiles, AFileThatIsNotARequestIsIgnored) {
  for (const std::string& text :
       {std::string("not json"), std::string("{\"id\": 5, \"until_ms\": 1}"),
        std::string("{\"id\": \"\", \"until_ms\": 1}"), std::string("[1, 2]"),
        "{\"id\": \"" + std::string(5000, 'a') + "\", \"until_ms\": 1}"}) {
    std::ofstream(DrainRequestPath(topology_)) << text;
    EXPECT_FALSE(ReadDrainRequest(topology_)) << text.substr(0, 40);
  }
}

}  // namespace
}  // namespace citadel::platform
