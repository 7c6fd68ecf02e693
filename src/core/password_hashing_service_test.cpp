#include "core/password_hashing_service.hpp"

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

TEST(PasswordHashingServiceTest, HashesAndVerifiesOnItsOwnThreads) {
  PasswordHashingService service(1000, 2, 16);
  std::promise<std::string> hashed;
  auto caller = std::this_thread::get_id();
  std::thread::id worker;
  ASSERT_TRUE(service.Hash("pa55word", [&](std::string h) {
    worker = std::this_thread::get_id();
    hashed.set_value(std::move(h));
  }));
  std::string hash = hashed.get_future().get();
  EXPECT_NE(worker, caller);
  std::promise<VerifyOutcome> verified;
  ASSERT_TRUE(service.Verify("pa55word", hash, [&](VerifyOutcome o) { verified.set_value(o); }));
  EXPECT_TRUE(verified.get_future().get().matches);
}

TEST(PasswordHashingServiceTest, AStormIsRefusedPastTheQueueInsteadOfGrowing) {
  // 1 thread, 4 queued: of 50 expensive requests fired at once, most are refused.
  // The counters outlive the service: its threads answer what it accepted
  // until it is gone (clang's AddressSanitizer caught the opposite order).
  std::atomic<int> done{0};
  int accepted = 0;
  {
    PasswordHashingService service(200'000, 1, 4);
    for (int i = 0; i < 50; ++i) {
      if (service.Verify("wrong", "$pbkdf2-sha512$200000$AAAAAAAAAAAAAAAAAAAAAA$" + std::string(86, 'A'),
                         [&](VerifyOutcome) { ++done; })) {
        ++accepted;
      }
    }
    EXPECT_LE(accepted, 5);  // one running plus four waiting
    EXPECT_GE(accepted, 4);
    EXPECT_LE(service.queued(), 4u);
  }
  EXPECT_EQ(done.load(), accepted) << "every accepted request is answered, none refused is";
}

}  // namespace
}  // namespace citadel::core
