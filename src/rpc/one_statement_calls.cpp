#include "rpc/one_statement_calls.hpp"

#include <functional>

namespace citadel::rpc {

std::atomic<std::uint8_t>& OneStatementCalls::Slot(std::string_view shape) {
  return skip_[std::hash<std::string_view>{}(shape) % skip_.size()];
}

const std::atomic<std::uint8_t>& OneStatementCalls::Slot(std::string_view shape) const {
  return skip_[std::hash<std::string_view>{}(shape) % skip_.size()];
}

bool OneStatementCalls::Expected(std::string_view shape) const {
  return Slot(shape).load(std::memory_order_relaxed) == 0;
}

void OneStatementCalls::NeededMore(std::string_view shape) { Slot(shape).store(kSkip, std::memory_order_relaxed); }

void OneStatementCalls::Needed(std::string_view shape, std::uint64_t statements) {
  auto& slot = Slot(shape);
  if (statements > 1) {
    slot.store(kSkip, std::memory_order_relaxed);
    return;
  }
  const std::uint8_t now = slot.load(std::memory_order_relaxed);
  if (now > 0) slot.store(static_cast<std::uint8_t>(now - 1), std::memory_order_relaxed);
}

}  // namespace citadel::rpc
