#include "modules/base/password_reset_delivery.hpp"

#include <mutex>

namespace citadel::modules::base {
namespace {

std::mutex& DeliveryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::shared_ptr<PasswordResetDelivery>& DeliverySlot() {
  static std::shared_ptr<PasswordResetDelivery> slot;
  return slot;
}

}  // namespace

void SetPasswordResetDelivery(std::shared_ptr<PasswordResetDelivery> delivery) {
  std::lock_guard lock(DeliveryMutex());
  DeliverySlot() = std::move(delivery);
}

std::shared_ptr<PasswordResetDelivery> PasswordResetDeliveryInUse() {
  std::lock_guard lock(DeliveryMutex());
  return DeliverySlot();
}

}  // namespace citadel::modules::base
