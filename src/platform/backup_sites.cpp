#include "platform/backup_sites.hpp"

#include <set>

#include "backup/local_directory_site.hpp"

namespace citadel::platform {

using core::ErrorCode;
using core::Fail;

namespace {

bool IsSiteName(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (!alnum && (i == 0 || (c != '_' && c != '-'))) return false;
  }
  return true;
}

}  // namespace

core::Result<void> CheckSiteRow(const SiteRow& row) {
  if (!IsSiteName(row.name)) {
    return Fail(ErrorCode::kInvalidArgument, "a site name is 1 to 40 of [a-z0-9_-], starting with a letter or digit");
  }
  if (row.region.empty() || row.region.size() > 64) {
    return Fail(ErrorCode::kInvalidArgument, "a site needs a region label of 1 to 64 characters (e.g. eu-west)");
  }
  if (row.kind == "local") {
    if (row.location.empty() || row.location.front() != '/') {
      return Fail(ErrorCode::kInvalidArgument, "a local site's location is an absolute directory");
    }
    return {};
  }
  if (row.kind == "sftp") {
    if (row.host_key.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "an SFTP site needs the server's host key pinned (--host-key 'ssh-ed25519 AAAA...'; "
                  "`citadel site hostkey HOST[:PORT]` shows the key the server presents, to compare with "
                  "the one its administrator gives you)");
    }
    if (row.private_key_path.empty() || row.private_key_path.front() != '/') {
      return Fail(ErrorCode::kInvalidArgument, "an SFTP site needs --private-key, an absolute path");
    }
    return {};
  }
  return Fail(ErrorCode::kInvalidArgument, "a site's kind is 'local' or 'sftp'");
}

core::Result<std::unique_ptr<backup::BackupSite>> OpenSite(const SiteRow& row) {
  if (row.kind == "local") return std::unique_ptr<backup::BackupSite>(std::make_unique<backup::LocalDirectorySite>(row.location));
  return Fail(ErrorCode::kInvalidArgument, "site " + row.name + " is of kind " + row.kind +
                                               ", which this server cannot open yet");
}

core::Result<OpenedSites> OpenAllSites(BackupCatalog& catalog) {
  auto rows = catalog.ListSites();
  if (!rows) return core::Unexpected(rows.error());
  OpenedSites sites;
  for (const auto& row : *rows) {
    auto site = OpenSite(row);
    if (!site) return core::Unexpected(site.error());
    sites.named.push_back({row.name, site->get()});
    sites.owned.push_back(std::move(*site));
    sites.rows.push_back(row);
  }
  return sites;
}

std::string SitePolicyProblem(const std::vector<SiteRow>& sites, const SitePolicy& policy) {
  std::set<std::string> regions;
  for (const auto& site : sites) regions.insert(site.region);
  if (static_cast<int>(sites.size()) >= policy.min_sites && static_cast<int>(regions.size()) >= policy.min_regions) {
    return {};
  }
  return "the backup policy asks for at least " + std::to_string(policy.min_sites) + " sites in " +
         std::to_string(policy.min_regions) + " regions; configured: " + std::to_string(sites.size()) +
         " site(s) in " + std::to_string(regions.size()) +
         " region(s). Add sites (`citadel site add`) or lower the policy explicitly (`citadel site policy "
         "--min-sites N --min-regions M --reason TEXT`)";
}

}  // namespace citadel::platform
