#include "http/request_id.hpp"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace citadel::http {
namespace {

TEST(RequestId, SixteenLowercaseHexCharacters) {
  for (int i = 0; i < 100; ++i) {
    const std::string id = NextRequestId();
    ASSERT_EQ(id.size(), 16u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
}

TEST(RequestId, DistinctAcrossRequestsAndThreads) {
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& mine : drawn) {
    threads.emplace_back([&mine] {
      for (int i = 0; i < 5000; ++i) mine.push_back(NextRequestId());
    });
  }
  for (auto& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& mine : drawn) all.insert(mine.begin(), mine.end());
  EXPECT_EQ(all.size(), 20000u);
}

}  // namespace
}  // namespace citadel::http
