#include "platform/restore_lock.hpp"

#include <limits>

#include "platform/catalog_schema.hpp"

namespace citadel::platform {
namespace {

// "rest" in ASCII: the advisory lock class of restores onto the live database.
constexpr std::int32_t kRestoreLockClass = 0x72657374;

}  // namespace

core::Result<TenantRestoreLock> TenantRestoreLock::TryAcquire(TenantService& tenants, std::int64_t tenant_id) {
  if (tenant_id <= 0 || tenant_id > std::numeric_limits<std::int32_t>::max()) {
    return core::Fail(core::ErrorCode::kInvalidArgument, "tenant id out of the restore lock's range");
  }
  auto connection = db::Connection::Open(tenants.ProvisioningDsn(kCatalogDatabase));
  if (!connection) return core::Unexpected(connection.error());
  auto taken = connection->Execute("SELECT pg_try_advisory_lock($1::int, $2::int) AS taken", kRestoreLockClass,
                                   static_cast<std::int32_t>(tenant_id));
  if (!taken) return core::Unexpected(taken.error());
  if (taken->Text(0, "taken") != "t") {
    return core::Fail(core::ErrorCode::kAlreadyExists,
                      "another restore of this tenant is running (here or on another server); try again when it "
                      "has finished");
  }
  return TenantRestoreLock(std::move(*connection), tenant_id);
}

TenantRestoreLock::~TenantRestoreLock() {
  if (!connection_) return;
  // Closing the session releases the lock anyway; unlocking first says so
  // at once even if the connection object lingered.
  (void)connection_->Execute("SELECT pg_advisory_unlock($1::int, $2::int)", kRestoreLockClass,
                             static_cast<std::int32_t>(tenant_id_));
}

}  // namespace citadel::platform
