#include "platform/cluster_files.hpp"

#include <sys/stat.h>

#include "db/cluster_layout.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/patroni_config.hpp"
#include "platform/pgbackrest_config.hpp"

namespace citadel::platform {

core::Result<ClusterFilesReport> PrepareClusterFiles(const core::ClusterConfig& config,
                                                     const ClusterTopology& topology,
                                                     const std::string& pg_bin_dir,
                                                     const db::ServiceUser& user,
                                                     int restore_repo) {
  ClusterFilesReport report;
  // PostgreSQL runs archive_command through a shell: its paths must be inert.
  for (const std::string& path : {topology.PgBackRestConfigPath(), topology.repo2_path}) {
    if (!ShellSafePath(path)) {
      return core::Fail(core::ErrorCode::kInvalidArgument,
                        path + ": the cluster's paths may hold only letters, digits, '/', '.', '_' and '-'");
    }
  }
  for (const std::string& dir : {topology.ha_dir, topology.etcd_dir}) {
    if (auto made = db::PrepareDirectory(dir, 0700, user); !made)
      return core::Unexpected(made.error());
  }
  for (const auto& m : topology.members) {
    if (auto made = db::PrepareDirectory(m.dir, 0700, user); !made)
      return core::Unexpected(made.error());
  }
  for (const std::string& dir :
       {topology.pgbackrest_dir, topology.pgbackrest_dir + "/log", topology.pgbackrest_dir + "/lock",
        topology.pgbackrest_dir + "/spool",
        topology.repo1_path, topology.repo2_path}) {
    if (auto made = db::PrepareDirectory(dir, 0700, user); !made)
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
    if (credentials.repo1_cipher_pass.empty() || credentials.repo2_cipher_pass.empty()) {
      // A cluster made before archiving: its repositories get passphrases now.
      const ClusterCredentials fresh = GenerateClusterCredentials();
      if (credentials.repo1_cipher_pass.empty()) credentials.repo1_cipher_pass = fresh.repo1_cipher_pass;
      if (credentials.repo2_cipher_pass.empty()) credentials.repo2_cipher_pass = fresh.repo2_cipher_pass;
      auto written = WriteOwnerOnlyFile(topology.CredentialsPath(),
                                        SerializeClusterCredentials(credentials), self);
      if (!written) return core::Unexpected(written.error());
    }
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
        m.ConfigPath(),
        RenderPatroniConfig(config, topology, m, credentials, pg_bin_dir, restore_repo), user);
    if (!w) return core::Unexpected(w.error());
  }
  if (auto w = WriteOwnerOnlyFile(topology.PgBackRestConfigPath(),
                                  RenderPgBackRestConfig(topology, credentials), user);
      !w) {
    return core::Unexpected(w.error());
  }
  if (auto w = WriteOwnerOnlyFile(topology.PgBackRestPgpassPath(),
                                  RenderPgBackRestPgpass(topology, credentials), user);
      !w) {
    return core::Unexpected(w.error());
  }
  return report;
}

}  // namespace citadel::platform
