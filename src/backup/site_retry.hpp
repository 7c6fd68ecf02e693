// Retrying the copies a fan-out upload (fan_out_upload.hpp) could not make:
// a site that was down or full during the backup gets the same bytes later,
// copied from a site that holds a committed copy, a bounded number of times
// with exponential back-off.
//
// A retried copy is made like any other: written under the temporary name,
// synced, re-read whole by the target's Commit and renamed only then; and
// its SHA-256 must equal the source copy's recorded one, so a source that
// reads back differently is never propagated. A copy that still fails after
// the last attempt stays failed: its error says how many attempts were made.
// Nothing here touches a site that already holds its copy.
//
// Blocks (sleeps between attempts). Not thread-safe; the sites' rules apply.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "backup/fan_out_upload.hpp"

namespace citadel::backup {

struct CopyRetryPolicy {
  int attempts = 3;                              // per failed site; 0: no retry
  std::chrono::milliseconds first_delay{2000};   // before the first retry; doubles each time
  std::chrono::milliseconds max_delay{60000};    // the doubling stops here
  // How to wait; tests may record instead. Unset: std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Checked before each wait and each attempt: true gives up (a server stopping).
  std::function<bool()> stop;
};

// The wait before retry `attempt` (0-based): first_delay * 2^attempt, capped.
std::chrono::milliseconds RetryDelay(const CopyRetryPolicy& policy, int attempt);

// `expected`'s bytes at `path` on `source` copied to `target` (see above).
// A copy already at `path` on the target with the expected digest counts
// (an earlier attempt that committed but was not told so).
core::Result<SiteCopy> CopyBetweenSites(BackupSite& source, BackupSite& target, const std::string& path,
                                        const SiteCopy& expected);

// For every outcome without a copy, retries per `policy` from any site whose
// outcome has one (the next source when one cannot be read). Updates the
// outcomes in place; returns how many copies were made.
int RetryFailedCopies(const std::vector<NamedSite>& sites, const std::string& path,
                      std::vector<CopyOutcome>& outcomes, const CopyRetryPolicy& policy);

}  // namespace citadel::backup
