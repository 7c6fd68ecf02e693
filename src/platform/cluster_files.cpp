#include "platform/cluster_files.hpp"

#include <sys/stat.h>

#include "db/cluster_layout.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/patroni_config.hpp"

namespace citadel::platform {

core::Result<ClusterFilesReport> PrepareClusterFiles(const core::ClusterConfig& config,
                                                     const ClusterTopology& topology,
                                                     const std::string& pg_bin_dir,
                                                     const db::ServiceUser& user) {
  ClusterFilesReport report;
  for (const std::string& dir : {topology.ha_dir, topology.etcd_dir}) {
    if (auto made = db::PrepareDirectory(dir, 0700, user); !made)
      return core::Unexpected(made.error());
  }
  for (const auto& m : topology.members) {
    if (auto made = db::PrepareDirectory(m.dir, 0700, user); !made)
      return core::Unexpected(made.error());
  }

  // Ours (the invoking user's), not the service user's: only Citadel reads it.
  const db::ServiceUser self{};
  ClusterCredentials credentials;
  struct stat st {};
  if (::stat(topology.CredentialsPath().c_str(), &st) == 0) {
    auto loaded = LoadClusterCredentials(topology.CredentialsPath());
    if (!loaded) return core::Unexpected(loaded.error());
    credentials = std::move(*loaded);
  } else {
    credentials = GenerateClusterCredentials();
    auto written = WriteOwnerOnlyFile(topology.CredentialsPath(),
                                      SerializeClusterCredentials(credentials), self);
    if (!written) return core::Unexpected(written.error());
    report.generated_credentials = true;
  }

  if (auto w = WriteOwnerOnlyFile(topology.EtcdConfigPath(), RenderEtcdConfig(topology), user);
      !w) {
    return core::Unexpected(w.error());
  }
  for (const auto& m : topology.members) {
    auto w = WriteOwnerOnlyFile(
        m.ConfigPath(), RenderPatroniConfig(config, topology, m, credentials, pg_bin_dir), user);
    if (!w) return core::Unexpected(w.error());
  }
  return report;
}

}  // namespace citadel::platform
