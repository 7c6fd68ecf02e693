#include "rpc/secret_check.hpp"

#include <memory>

namespace citadel::rpc {
namespace {

struct Chain {
  core::PasswordHashingService& hashing;
  std::string secret;
  std::vector<std::string> hashes;
  std::function<void(SecretVerdict)> done;
};

void Step(std::shared_ptr<Chain> chain, std::size_t next) {
  // No hash at all: one verification against nothing (the hasher's dummy).
  const std::string stored = chain->hashes.empty() ? std::string() : chain->hashes[next];
  auto on_verified = [chain, next, stored](core::VerifyOutcome outcome) {
    if (outcome.matches && !stored.empty()) return chain->done({false, stored});
    if (next + 1 < chain->hashes.size()) return Step(chain, next + 1);
    chain->done({false, std::nullopt});
  };
  if (!chain->hashing.Verify(chain->secret, stored, std::move(on_verified))) chain->done({true, std::nullopt});
}

}  // namespace

void VerifyAgainstAny(core::PasswordHashingService& hashing, std::string secret, std::vector<std::string> hashes,
                      std::function<void(SecretVerdict)> done) {
  auto chain = std::make_shared<Chain>(Chain{hashing, std::move(secret), std::move(hashes), std::move(done)});
  Step(std::move(chain), 0);
}

}  // namespace citadel::rpc
