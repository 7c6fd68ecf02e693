#include "platform/backup_sites.hpp"

#include <set>

#include "backup/local_directory_site.hpp"
#include "backup/sftp_site.hpp"

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

core::Result<SftpLocation> ParseSftpLocation(const std::string& location) {
  auto refuse = [&](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument, "an SFTP location is USER@HOST[:PORT]/ROOT (e.g. "
                                             "backup@10.0.0.5:22/srv/citadel): " + why);
  };
  auto at = location.find('@');
  if (at == std::string::npos || at == 0) return refuse("no USER@");
  auto slash = location.find('/', at);
  if (slash == std::string::npos) return refuse("no /ROOT after the host");
  SftpLocation parsed;
  parsed.user = location.substr(0, at);
  std::string host_port = location.substr(at + 1, slash - at - 1);
  parsed.root = location.substr(slash);
  auto colon = host_port.rfind(':');
  auto bracket = host_port.find(']');
  if (bracket == std::string::npos && colon != std::string::npos && host_port.find(':') != colon) {
    return refuse("write an IPv6 address in brackets, [::1]:22");
  }
  if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
    std::string port = host_port.substr(colon + 1);
    host_port.resize(colon);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
      return refuse("the port is not a number");
    }
    parsed.port = std::stoi(port);
    if (parsed.port < 1 || parsed.port > 65535) return refuse("the port is out of range");
  }
  if (host_port.size() > 2 && host_port.front() == '[' && host_port.back() == ']') {
    host_port = host_port.substr(1, host_port.size() - 2);
  }
  if (host_port.empty()) return refuse("no host");
  parsed.host = host_port;
  for (char c : parsed.user + parsed.host) {
    if (c <= ' ' || c == '/' || c == '\\' || c == 0x7f) return refuse("the user or host has a forbidden character");
  }
  if (parsed.root.size() > 1 && parsed.root.back() == '/') parsed.root.pop_back();
  return parsed;
}

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
    auto location = ParseSftpLocation(row.location);
    if (!location) return core::Unexpected(location.error());
    return {};
  }
  return Fail(ErrorCode::kInvalidArgument, "a site's kind is 'local' or 'sftp'");
}

core::Result<std::unique_ptr<backup::BackupSite>> OpenSite(const SiteRow& row) {
  if (row.kind == "local") return std::unique_ptr<backup::BackupSite>(std::make_unique<backup::LocalDirectorySite>(row.location));
  if (row.kind == "sftp") {
    auto location = ParseSftpLocation(row.location);
    if (!location) return core::Unexpected(location.error());
    backup::SftpSiteOptions options;
    options.host = location->host;
    options.port = location->port;
    options.user = location->user;
    options.root = location->root;
    options.private_key_path = row.private_key_path;
    options.pinned_host_key = row.host_key;
    return std::unique_ptr<backup::BackupSite>(std::make_unique<backup::SftpSite>(std::move(options)));
  }
  return Fail(ErrorCode::kInvalidArgument, "site " + row.name + " is of unknown kind " + row.kind);
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
