// Tenant keys: one random 256-bit key per tenant, which wraps the data key of
// every backup of that tenant. Destroying it makes all of them unreadable, on
// every site, by anyone (crypto-shredding) — so the keys live here, outside
// PostgreSQL: no database backup, standby or point-in-time recovery can bring
// a destroyed key back.
//
// Each key is kept wrapped by the master key (AES-256-GCM, key_wrap.hpp) in a
// small JSON record, in the local directory (<data dir>/keys/<tenant>.key)
// and on every backup site (keys/<tenant>.<master key id>.key), so that
// losing this machine or the catalog loses no key: `citadel dr` reads them
// back from any site. The wrap binds the tenant and the key id as associated
// data: a record altered, or copied under another tenant's name, fails to
// unwrap (integrity without a separate MAC).
//
// Destroying writes a tombstone (<tenant>.destroyed) before removing the
// copies, so a site that was unreachable is cleaned by the next Replicate and
// a destroyed key is never pushed to a site again.
//
// Rotation re-wraps every key under a new master key: new site records are
// written first, old ones removed after, so a crash in between leaves both
// (each readable with its own master key), never neither.
//
// Not thread-safe: the platform serialises calls (one store per server).
#pragma once

#include <string>
#include <vector>

#include "backup/backup_site.hpp"
#include "backup/master_key.hpp"
#include "core/result.hpp"

namespace citadel::backup {

struct NamedSite {
  std::string name;
  BackupSite* site = nullptr;
};

struct TenantKey {
  std::string tenant;  // the tenant's database name (unique, never reused)
  std::string key_id;  // 16 hex digits
  std::string bytes;   // 32 bytes: never logged, never stored unwrapped
};

// What happened on each site, for the operator.
struct SiteOutcome {
  std::string site;
  bool ok = false;
  std::string detail;
};

class TenantKeyStore {
 public:
  TenantKeyStore(std::string local_directory, MasterKey master, std::vector<NamedSite> sites);

  // A new key for `tenant`: written locally (required) and to every site
  // (failures reported, repaired by Replicate). kAlreadyExists if the tenant
  // has a key; kPermissionDenied if the tenant's key was destroyed.
  core::Result<TenantKey> Create(const std::string& tenant, std::vector<SiteOutcome>* sites = nullptr);
  // The tenant's key: from the local directory, else from the first site that
  // has a record that unwraps (the local copy is then restored, unless the
  // local record is wrapped by another master key: a rotation under way).
  core::Result<TenantKey> Get(const std::string& tenant);
  bool Destroyed(const std::string& tenant) const;
  // Removes the key everywhere. Sites that could not be reached are listed
  // (not ok); Replicate removes it from them later.
  core::Result<std::vector<SiteOutcome>> Destroy(const std::string& tenant);
  // Makes every site hold every live key, and no destroyed one.
  std::vector<SiteOutcome> Replicate();
  // Re-wraps every key under `next`; afterwards the store uses `next`.
  core::Result<std::vector<SiteOutcome>> RotateMaster(const MasterKey& next);
  // A rotation in steps that a crash or a site that is down can interrupt
  // and a rerun finishes (master_key_rotation.hpp):
  // 1. every key, wrapped by `next`, written to every site beside the
  //    current records (nothing removed); one outcome per site;
  std::vector<SiteOutcome> PushWrappedBy(const MasterKey& next);
  // 2. the local records re-wrapped by `next`; afterwards the store uses it.
  //    Then Replicate() removes the records of earlier master keys.
  // Both accept keys whose local record is already wrapped by `next` (an
  // interrupted earlier run).
  core::Result<void> RewrapLocal(const MasterKey& next);
  // The tenants with a live key, from the local directory.
  core::Result<std::vector<std::string>> Tenants() const;

  const MasterKey& master() const { return master_; }

 private:
  std::string LocalPath(const std::string& tenant, const char* suffix) const;
  // Every live key, opened with the current master or, for a record already
  // re-wrapped locally, with `next`.
  core::Result<std::vector<TenantKey>> KeysForRotation(const MasterKey& next);
  core::Result<void> PushToSite(const NamedSite& site, const std::string& tenant, const std::string& record);
  std::string local_directory_;
  MasterKey master_;
  std::vector<NamedSite> sites_;
};

// Checks a tenant name usable in key file names ([a-z0-9_], 1..63).
core::Result<void> CheckKeyTenantName(const std::string& tenant);

}  // namespace citadel::backup
