// A site that is a directory of this machine (a mounted disk of another
// failure domain, or a directory that another tool ships elsewhere). Files are
// written with plain POSIX calls, synced before the rename that publishes them
// (renameat2 with RENAME_NOREPLACE, so an existing backup is never replaced)
// and the directory synced after it, so a crash leaves either the whole file
// or a ".partial" that nothing reads.
#pragma once

#include <string>

#include "backup/backup_site.hpp"

namespace citadel::backup {

class LocalDirectorySite final : public BackupSite {
 public:
  // `root` is an absolute directory; it is created (mode 0700) on first use.
  explicit LocalDirectorySite(std::string root);

  SiteKind kind() const override { return SiteKind::kLocalDirectory; }
  core::Result<std::unique_ptr<SiteUpload>> BeginUpload(std::string_view path) override;
  core::Result<std::unique_ptr<SiteReader>> OpenRead(std::string_view path,
                                                     std::uint64_t offset) override;
  core::Result<std::vector<SiteEntry>> List(std::string_view directory) override;
  core::Result<SiteEntry> Stat(std::string_view path) override;
  core::Result<void> Remove(std::string_view path) override;
  SiteHealth Check() override;

  const std::string& root() const { return root_; }

 private:
  core::Result<std::string> Resolve(std::string_view path) const;
  std::string root_;
};

}  // namespace citadel::backup
