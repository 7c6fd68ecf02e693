// The backup sites of the catalog, opened: a local directory or an SFTP
// server per row (backup/local_directory_site.hpp, backup/sftp_site.hpp),
// and the placement policy check that every backup passes first.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backup/backup_site.hpp"
#include "backup/tenant_key_store.hpp"
#include "platform/backup_catalog.hpp"

namespace citadel::platform {

struct OpenedSites {
  std::vector<std::unique_ptr<backup::BackupSite>> owned;
  std::vector<backup::NamedSite> named;  // views of `owned`, in the catalog's order
  std::vector<SiteRow> rows;
};

core::Result<std::unique_ptr<backup::BackupSite>> OpenSite(const SiteRow& row);
core::Result<OpenedSites> OpenAllSites(BackupCatalog& catalog);

// Empty when `sites` meet `policy`; otherwise what is missing and how to fix
// it, for the operator.
std::string SitePolicyProblem(const std::vector<SiteRow>& sites, const SitePolicy& policy);

// "USER@HOST[:PORT]/ROOT" (ROOT absolute, e.g. backup@10.0.0.5:2222/srv/citadel)
// into its parts; the message says what is wrong.
struct SftpLocation {
  std::string user;
  std::string host;
  int port = 22;
  std::string root;
};
core::Result<SftpLocation> ParseSftpLocation(const std::string& location);

// Checks a site row an operator gives (name, kind, region, location) before
// it is stored; the message says what is wrong.
core::Result<void> CheckSiteRow(const SiteRow& row);

}  // namespace citadel::platform
