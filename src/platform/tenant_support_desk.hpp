// TenantSupportDesk: orm::SupportDesk (orm/support_desk.hpp) over the
// catalog, bound to one tenant: what citadel.support.grant and
// citadel.support.audit do for that tenant's admin. The tenant comes from
// the call (rpc/caller_environment), never from the client's arguments, so
// an admin reaches their own tenant's grants and audit only.
//
// Opening and revoking a grant are written to the tenant's audit chain too
// (the customer's record of who let support in). Catalog writes commit on
// their own, whatever becomes of the tenant call.
//
// One object per call; blocks on PostgreSQL (a db worker's call).
#pragma once

#include <memory>
#include <string>

#include "orm/support_desk.hpp"
#include "platform/support_audit_log.hpp"
#include "platform/support_grants.hpp"

namespace citadel::platform {

class TenantSupportDesk : public orm::SupportDesk {
 public:
  TenantSupportDesk(TenantService& tenants, std::string tenant)
      : tenants_(tenants), tenant_(std::move(tenant)) {}

  orm::Value OpenGrant(std::int64_t uid, const orm::SupportGrantRequest& request) override;
  orm::Value ListGrants(bool include_ended) override;
  bool RevokeGrant(std::int64_t grant_id, std::int64_t uid) override;
  orm::Value AuditPage(std::int64_t after_seq, int limit) override;
  orm::Value VerifyAudit() override;

 private:
  std::int64_t TenantId();

  TenantService& tenants_;
  const std::string tenant_;
};

// A grant as the API shows it.
orm::Value SupportGrantValue(const SupportGrant& grant);

}  // namespace citadel::platform
