#include "backup/zstd_stage.hpp"

#include <gtest/gtest.h>

#include <string>

namespace citadel::backup {
namespace {

std::string Compress(const std::string& plain) {
  StringSink compressed;
  ZstdCompressSink zstd(compressed);
  for (std::size_t at = 0; at < plain.size(); at += 70'001) {
    EXPECT_TRUE(zstd.Write(std::string_view(plain).substr(at, 70'001)).has_value());
  }
  EXPECT_TRUE(zstd.Close().has_value());
  EXPECT_TRUE(compressed.closed());
  return compressed.data();
}

TEST(ZstdStage, RoundTripsAndCompresses) {
  std::string plain;
  for (int i = 0; i < 200'000; ++i) plain += "invoice line " + std::to_string(i % 977) + "\n";
  std::string compressed = Compress(plain);
  EXPECT_LT(compressed.size(), plain.size() / 5);

  StringSink restored;
  ZstdDecompressSink unzstd(restored);
  for (char c : compressed.substr(0, 1000)) ASSERT_TRUE(unzstd.Write(std::string_view(&c, 1)).has_value());
  ASSERT_TRUE(unzstd.Write(std::string_view(compressed).substr(1000)).has_value());
  ASSERT_TRUE(unzstd.Close().has_value());
  EXPECT_EQ(restored.data(), plain);
}

TEST(ZstdStage, EmptyStreamRoundTrips) {
  std::string compressed = Compress("");
  StringSink restored;
  ZstdDecompressSink unzstd(restored);
  ASSERT_TRUE(unzstd.Write(compressed).has_value());
  ASSERT_TRUE(unzstd.Close().has_value());
  EXPECT_EQ(restored.data(), "");
}

TEST(ZstdStage, TruncatedOrCorruptStreamsFail) {
  std::string compressed = Compress(std::string(100'000, 'x') + "end");
  {
    StringSink restored;
    ZstdDecompressSink unzstd(restored);
    ASSERT_TRUE(unzstd.Write(compressed.substr(0, compressed.size() - 3)).has_value());
    auto closed = unzstd.Close();
    ASSERT_FALSE(closed.has_value());
    EXPECT_NE(closed.error().message.find("truncated"), std::string::npos);
  }
  {
    StringSink restored;
    ZstdDecompressSink unzstd(restored);
    auto written = unzstd.Write("definitely not zstd");
    EXPECT_FALSE(written.has_value());
  }
  {
    StringSink restored;
    ZstdDecompressSink unzstd(restored);
    EXPECT_FALSE(unzstd.Close().has_value());  // nothing at all is not a stream
  }
}

}  // namespace
}  // namespace citadel::backup
