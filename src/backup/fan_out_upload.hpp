// One backup written to every site at once: each byte is handed to every
// site's upload in turn, so the backup is read from PostgreSQL and encrypted
// once, whatever the number of sites. A site that fails (down, full) drops
// out with its error and the others go on: one bad site never costs the
// backup, it costs that copy. The write fails only when no site is left.
#pragma once

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
  // Begins an upload of `path` on every site; sites where even that fails
  // are out from the start.
  FanOutUpload(const std::vector<NamedSite>& sites, const std::string& path);
  ~FanOutUpload() override;
  core::Result<void> Write(std::string_view bytes) override;
  // Commits every upload still alive (each re-reads its copy).
  core::Result<void> Close() override;
  // Aborts every upload not yet committed.
  void Abort();
  // After Close (or a failure): one outcome per site, in the sites' order.
  const std::vector<CopyOutcome>& outcomes() const { return outcomes_; }
  std::size_t alive() const;

 private:
  std::vector<std::unique_ptr<SiteUpload>> uploads_;  // null once failed
  std::vector<CopyOutcome> outcomes_;
};

}  // namespace citadel::backup
