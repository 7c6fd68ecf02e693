// Password hashing off the I/O threads: a PasswordHasher on a bounded worker
// pool of its own, so that a storm of logins (each ~0.5 s of CPU at 600,000
// rounds) queues here and never starves request handling or other users'
// database work. Past `max_queued` requests the service refuses at once
// (callers answer "busy"), rather than letting the queue and latency grow.
//
// Callbacks run on a hashing thread; they must be quick and must not throw
// (hand the result to an I/O strand, e.g. through an http::Responder).
// Thread-safe. The destructor finishes queued work, then joins.
#pragma once

#include <functional>
#include <string>

#include "core/bounded_worker_pool.hpp"
#include "core/password_hasher.hpp"

namespace citadel::core {

class PasswordHashingService {
 public:
  PasswordHashingService(std::uint32_t rounds, std::size_t threads, std::size_t max_queued);

  // False if the queue is full: `done` is not called.
  [[nodiscard]] bool Hash(std::string password, std::function<void(std::string hash)> done);
  [[nodiscard]] bool Verify(std::string password, std::string stored,
                            std::function<void(VerifyOutcome)> done);

  const PasswordHasher& hasher() const { return hasher_; }
  std::size_t queued() const { return pool_.queued(); }

 private:
  const PasswordHasher hasher_;
  BoundedWorkerPool pool_;
};

}  // namespace citadel::core
