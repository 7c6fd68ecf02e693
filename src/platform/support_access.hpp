// SupportAccess: what a server needs for support access — the catalog's
// staff accounts, grants, sessions and audit log (each a stateless view over
// TenantService's catalog pool, made per use) and the operator's policy —
// and the SupportDesk (orm/support_desk.hpp) each tenant call gets.
//
// Owned by `citadel serve`; must outlive every call. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "platform/tenant_service.hpp"
#include "platform/tenant_support_desk.hpp"

namespace citadel::platform {

struct SupportAccessOptions {
  // [support] staff_may_open_grants: staff may open a read-only grant
  // themselves, citing a ticket reference, where the customer's contract
  // says so. Off by default: only the tenant's admin opens grants.
  bool staff_may_open_grants = false;
};

class SupportAccess {
 public:
  explicit SupportAccess(TenantService& tenants, SupportAccessOptions options = {})
      : tenants_(tenants), options_(options) {}

  TenantService& tenants() const { return tenants_; }
  const SupportAccessOptions& options() const { return options_; }
  // The desk of one tenant's calls.
  std::shared_ptr<orm::SupportDesk> DeskFor(const std::string& tenant) const {
    return std::make_shared<TenantSupportDesk>(tenants_, tenant);
  }

 private:
  TenantService& tenants_;
  const SupportAccessOptions options_;
};

}  // namespace citadel::platform
