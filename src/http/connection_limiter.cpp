#include "http/connection_limiter.hpp"

#include "http/forwarded_for.hpp"

namespace citadel::http {

ConnectionLimiter::Slot::Slot(Slot&& other) noexcept
    : limiter_(other.limiter_), key_(other.key_), per_client_(other.per_client_) {
  other.limiter_ = nullptr;
}

ConnectionLimiter::Slot& ConnectionLimiter::Slot::operator=(Slot&& other) noexcept {
  if (this != &other) {
    Release();
    limiter_ = other.limiter_;
    key_ = other.key_;
    per_client_ = other.per_client_;
    other.limiter_ = nullptr;
  }
  return *this;
}

ConnectionLimiter::Slot::~Slot() { Release(); }

void ConnectionLimiter::Slot::Release() {
  if (limiter_ != nullptr) limiter_->Release(key_, per_client_);
  limiter_ = nullptr;
}

std::expected<ConnectionLimiter::Slot, ConnectionRefusal> ConnectionLimiter::TryAdmit(
    const core::IpAddress& client) {
  const bool per_client = !IsInAnyNetwork(client, options_.exempt);
  const core::IpAddress key = ClientKeyOf(client);
  std::lock_guard lock(mutex_);
  if (total_ >= options_.max_total) return std::unexpected(ConnectionRefusal::kTotalLimit);
  if (per_client) {
    auto found = per_client_.find(key);
    std::size_t open = found == per_client_.end() ? 0 : found->second;
    if (open >= options_.max_per_client) {
      return std::unexpected(ConnectionRefusal::kPerClientLimit);
    }
    ++per_client_[key];
  }
  ++total_;
  return Slot(this, key, per_client);
}

void ConnectionLimiter::Release(const core::IpAddress& key, bool per_client) {
  std::lock_guard lock(mutex_);
  --total_;
  if (!per_client) return;
  auto found = per_client_.find(key);
  if (found != per_client_.end() && --found->second == 0) per_client_.erase(found);
}

std::size_t ConnectionLimiter::open_total() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::size_t ConnectionLimiter::open_for(const core::IpAddress& client) const {
  std::lock_guard lock(mutex_);
  auto found = per_client_.find(ClientKeyOf(client));
  return found == per_client_.end() ? 0 : found->second;
}

std::size_t ConnectionLimiter::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return per_client_.size();
}

}  // namespace citadel::http
