#include "core/password_hashing_service.hpp"

#include <utility>

namespace citadel::core {

PasswordHashingService::PasswordHashingService(std::uint32_t rounds, std::size_t threads,
                                               std::size_t max_queued)
    // Nice 10: a thread at nice 0 outweighs a hashing thread ~9 to 1, so a
    // storm of sign-ins queues behind other users' calls instead of beside them.
    : hasher_(rounds), pool_("password-hash", threads, max_queued, /*nice_increment=*/10) {}

bool PasswordHashingService::Hash(std::string password,
                                  std::function<void(std::string hash)> done) {
  return pool_.Submit([this, password = std::move(password), done = std::move(done)] {
    done(hasher_.Hash(password));
  });
}

bool PasswordHashingService::Verify(std::string password, std::string stored,
                                    std::function<void(VerifyOutcome)> done) {
  return pool_.Submit(
      [this, password = std::move(password), stored = std::move(stored), done = std::move(done)] {
        done(hasher_.Verify(password, stored));
      });
}

}  // namespace citadel::core
