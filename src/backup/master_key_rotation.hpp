// Rotating the master key: every tenant key re-wrapped under a new master
// key, here and on every site, without touching a single backup (a backup's
// data key is wrapped by the tenant key, which does not change).
//
// In steps that survive a crash or a site that is down, and that a rerun
// finishes with the same new key:
//   1. the new key is written 0600 to a staging file (default: beside the
//      old, "<master key file>.next"), or read back from it if a previous
//      run left it;
//   2. every tenant key, wrapped by the new key, is written to every site
//      next to the current records. A site that fails stops the rotation
//      here: nothing local changed, the old key stays in use, and a rerun
//      (once the site is back) resumes from the staged key;
//   3. the local records are re-wrapped by the new key;
//   4. the staging file replaces the old key file (one rename): the old
//      key is kept until every site holds the new records, then gone;
//   5. the records wrapped by earlier master keys are removed from every
//      site (a site that fails here keeps records only the old key opens;
//      any later key replication — `citadel site add`, a rerun — removes them).
// A key given by CITADEL_MASTER_KEY cannot be replaced here: the new key
// stays in the staging file, and the operator puts it in the environment.
//
// Servers load the master key when they start: restart them afterwards.
// Blocks on the sites. Not thread-safe; one rotation at a time (the
// staging file is created exclusively).
#pragma once

#include <string>
#include <vector>

#include "backup/tenant_key_store.hpp"

namespace citadel::backup {

struct MasterKeyRotation {
  std::string old_key_id;
  std::string new_key_id;
  std::string staged_path;   // where the new key was staged
  bool resumed = false;      // the staged key came from an earlier, interrupted run
  int tenant_keys = 0;
  std::vector<SiteOutcome> pushed;   // step 2, per site
  std::vector<SiteOutcome> cleaned;  // step 5, per site
  bool complete = false;     // steps 1-4 done: the new key is the key
  bool in_environment = false;  // the old key came from CITADEL_MASTER_KEY
};

// `master_key_path`: the key file in use; `staged_path`: where the new key
// is written (empty: master_key_path + ".next").
core::Result<MasterKeyRotation> RotateMasterKey(const std::string& key_directory,
                                                const std::string& master_key_path, std::string staged_path,
                                                const std::vector<NamedSite>& sites);

}  // namespace citadel::backup
