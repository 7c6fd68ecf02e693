#include "backup/read_back_digest.hpp"

#include <gtest/gtest.h>

#include <string>

namespace citadel::backup {
namespace {

std::string DigestOfPieces(const std::string& content, std::size_t piece) {
  ReadBackDigest digest;
  for (std::size_t at = 0; at < content.size(); at += piece) digest.Update(std::string_view(content).substr(at, piece));
  return digest.HexDigest();
}

TEST(ReadBackDigest, DependsOnTheBytesNotOnHowTheyWereSliced) {
  std::string content(1'000'003, '\0');
  for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 7919) % 256);
  const std::string whole = DigestOfPieces(content, content.size());
  EXPECT_EQ(whole.size(), 32u);
  EXPECT_EQ(whole.find_first_not_of("0123456789abcdef"), std::string::npos) << whole;
  EXPECT_EQ(DigestOfPieces(content, 1), DigestOfPieces(content, content.size()));
  EXPECT_EQ(DigestOfPieces(content, 4093), whole);
  EXPECT_EQ(DigestOfPieces(content, 1 << 20), whole);
}

TEST(ReadBackDigest, TellsAnyChangeAndCountsTheBytes) {
  std::string content(70'000, 'x');
  ReadBackDigest original;
  original.Update(content);
  EXPECT_EQ(original.bytes(), content.size());
  std::string flipped = content;
  flipped[69'999] = 'y';
  EXPECT_NE(DigestOfPieces(flipped, 1000), original.HexDigest());
  EXPECT_NE(DigestOfPieces(content.substr(0, 69'999), 1000), original.HexDigest());
  EXPECT_NE(DigestOfPieces(content + "x", 1000), original.HexDigest());
  EXPECT_NE(ReadBackDigest().HexDigest(), original.HexDigest());
  // The digest can be taken and the stream go on.
  original.Update("z");
  EXPECT_EQ(original.HexDigest(), DigestOfPieces(content + "z", 7));
}

}  // namespace
}  // namespace citadel::backup
