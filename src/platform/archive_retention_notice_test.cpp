#include "platform/archive_retention_notice.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "platform/pgbackrest_config.hpp"
#include "platform/utc_time.hpp"

namespace citadel::platform {
namespace {

class ArchiveRetentionNoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = std::filesystem::temp_directory_path().string() + "/citadel-retention-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    data_dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }

  // What `cluster init --ha` leaves: pgBackRest's configuration file.
  void ConfigureArchive() {
    std::filesystem::create_directories(data_dir_ + "/ha/pgbackrest");
    std::ofstream(data_dir_ + "/ha/pgbackrest/pgbackrest.conf") << "[global]\n";
  }

  std::string data_dir_;
  const std::chrono::system_clock::time_point dropped_at_ =
      std::chrono::sys_days{std::chrono::year{2026} / 12 / 4} + std::chrono::hours{13};
};

TEST_F(ArchiveRetentionNoticeTest, WithoutAnArchiveNoOtherCopyRemains) {
  core::ClusterConfig cluster;
  ArchiveRetentionNotice notice = ArchiveRetentionAfterDrop(cluster, data_dir_, dropped_at_);
  EXPECT_FALSE(notice.archive_configured);
  EXPECT_FALSE(notice.held_until.has_value());
  EXPECT_NE(notice.message.find("no other copy of its data remains"), std::string::npos) << notice.message;
}

TEST_F(ArchiveRetentionNoticeTest, AScheduledArchiveHoldsTheDatabaseForTwoFullBackupPeriods) {
  ASSERT_NO_FATAL_FAILURE(ConfigureArchive());
  core::ClusterConfig cluster;
  cluster.backup_full_days = 7;
  ArchiveRetentionNotice notice = ArchiveRetentionAfterDrop(cluster, data_dir_, dropped_at_);
  EXPECT_TRUE(notice.archive_configured);
  ASSERT_TRUE(notice.held_until.has_value());
  EXPECT_EQ(*notice.held_until, dropped_at_ + std::chrono::days(kArchiveRetentionFull * 7));
  EXPECT_EQ(Rfc3339(*notice.held_until), "2026-12-18T13:00:00Z");
  EXPECT_NE(notice.message.find("still holds its database"), std::string::npos) << notice.message;
  EXPECT_NE(notice.message.find("by 2026-12-18T13:00:00Z at the latest"), std::string::npos) << notice.message;
  EXPECT_NE(notice.message.find("every 7 days"), std::string::npos) << notice.message;
  EXPECT_EQ(notice.message.find("no other copy"), std::string::npos) << notice.message;

  cluster.backup_full_days = 30;
  notice = ArchiveRetentionAfterDrop(cluster, data_dir_, dropped_at_);
  ASSERT_TRUE(notice.held_until.has_value());
  EXPECT_EQ(Rfc3339(*notice.held_until), "2027-02-02T13:00:00Z");
}

TEST_F(ArchiveRetentionNoticeTest, WithoutScheduledBackupsItIsTheOperatorsScheduleThatDecides) {
  ASSERT_NO_FATAL_FAILURE(ConfigureArchive());
  core::ClusterConfig cluster;
  cluster.scheduled_backups = false;
  ArchiveRetentionNotice notice = ArchiveRetentionAfterDrop(cluster, data_dir_, dropped_at_);
  EXPECT_TRUE(notice.archive_configured);
  EXPECT_FALSE(notice.held_until.has_value());
  EXPECT_NE(notice.message.find("scheduled_backups = false"), std::string::npos) << notice.message;
  EXPECT_NE(notice.message.find(std::to_string(kArchiveRetentionFull) + " more full backups"), std::string::npos)
      << notice.message;
}

}  // namespace
}  // namespace citadel::platform
