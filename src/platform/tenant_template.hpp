// The template every tenant database is cloned from.
//
// Why a template: creating a tenant must be cheap (no initdb, no schema
// build), so a prepared database `citadel_template` is copied by CREATE
// DATABASE ... TEMPLATE. Its objects belong to the NOLOGIN role
// `citadel_template`, and each new tenant gets them by REASSIGN OWNED; the
// template database itself belongs to the provisioning role, never to the
// template role, because REASSIGN OWNED also moves the databases a role owns
// and would hand the template to the first tenant.
//
// "Prepare" is one explicit, idempotent step, run at every Open under the
// bootstrap lock: it makes the role, the database (IS_TEMPLATE, CONNECT
// revoked from PUBLIC) and the citadel_meta table recording the template
// schema version, then installs the modules (TemplateModules) when the
// versions the template records differ from the installed ones: in one
// transaction, as the template role, so every object belongs to it.
// Stateless functions; connections are used by one thread.
#pragma once

#include <functional>
#include <string>

#include "core/result.hpp"
#include "db/cluster_access.hpp"
#include "db/connection.hpp"

namespace citadel::platform {

inline constexpr const char* kTemplateDatabase = "citadel_template";
inline constexpr const char* kTemplateRole = "citadel_template";
inline constexpr int kTemplateSchemaVersion = 1;

// The modules to install in the template (TenantModuleHooks, tenant_service.hpp).
struct TemplateModules {
  std::string versions;  // recorded in citadel_meta as 'template_modules'
  std::function<core::Result<void>(db::Connection& template_db)> install;  // null: none
};

// `maintenance`: a provisioning connection to the maintenance database.
// `provisioner_is_superuser`: if not, the provisioning role is made a member
// of the template role so it may hand the template's objects over.
core::Result<void> PrepareTemplate(const db::ClusterAccess& access, db::Connection& maintenance,
                                   bool provisioner_is_superuser,
                                   const TemplateModules& modules = {});

}  // namespace citadel::platform
