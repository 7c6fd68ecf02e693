// One backup written to every site at once: each byte is handed to every
// site's upload, so the backup is read from PostgreSQL and encrypted once,
// whatever the number of sites. A site that fails (down, full) drops out with
// its error and the others go on: one bad site never costs the backup, it
// costs that copy. The write fails only when no site is left.
//
// Each site's upload runs on a thread of its own, fed through a queue of at
// most kQueueBytes: an SFTP site waits one round trip per write request and
// a local one for the page cache, and neither holds the pipeline (pg_dump,
// zstd, AES-GCM) or the other sites while the queue has room. Close commits
// every site at once, so the sites' syncs and re-reads overlap instead of
// adding up. Memory: at most kQueueBytes per site, shared between sites
// (one copy of each piece, however many sites take it).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backup/backup_site.hpp"
#include "backup/tenant_key_store.hpp"

namespace citadel::backup {

struct CopyOutcome {
  std::string site;
  std::optional<SiteCopy> copy;  // set when committed
  std::string error;             // why not, otherwise
};

class FanOutUpload final : public ByteSink {
 public:
  static constexpr std::size_t kQueueBytes = std::size_t{8} << 20;

  // Begins an upload of `path` on every site; sites where even that fails
  // are out from the start.
  FanOutUpload(const std::vector<NamedSite>& sites, const std::string& path);
  ~FanOutUpload() override;
  // Queues `bytes` for every site still alive (waiting while a site's queue
  // is full); fails when no site is left.
  core::Result<void> Write(std::string_view bytes) override;
  // Waits for every site to take what was queued, then commits every upload
  // still alive, all at once (each syncs and re-reads its copy).
  core::Result<void> Close() override;
  // Aborts every upload not yet committed.
  void Abort();
  // After Close (or a failure): one outcome per site, in the sites' order.
  const std::vector<CopyOutcome>& outcomes() const { return outcomes_; }
  std::size_t alive() const;

 private:
  struct Lane;
  void Finish(bool commit);

  std::vector<std::unique_ptr<Lane>> lanes_;  // one per site, in order
  std::vector<CopyOutcome> outcomes_;
  bool finished_ = false;
};

}  // namespace citadel::backup
