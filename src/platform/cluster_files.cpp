#include "platform/cluster_files.hpp"

#include <sys/stat.h>

#include "db/cluster_layout.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/patroni_config.hpp"
#include "platform/pgbackrest_config.hpp"

namespace citadel::platform {

namespace {

// Ours, with `mode`: the ssh configuration and the wrappers hold no secret,
// and ssh refuses a configuration file owned by another user than the one
// running it or root (the repository host's pgbackrest may run it as
// another account on a single-machine set-up).
core::Result<void> WriteOwnFile(const std::string& path, const std::string& text, mode_t mode) {
  const db::ServiceUser self{};
  if (auto w = WriteOwnerOnlyFile(path, text, self); !w) return w;
  if (::chmod(path.c_str(), mode) != 0)
    return core::Fail(core::ErrorCode::kIo, "cannot chmod " + path);
  return {};
}

core::Result<void> WriteRepoHostFiles(const ClusterTopology& topology,
                                      const ClusterCredentials& credentials,
                                      const db::ServiceUser& user) {
  if (auto w = WriteOwnFile(topology.SshConfigPath(), RenderSshClientConfig(topology), 0644); !w) return w;
  if (auto w = WriteOwnFile(topology.SshWrapperPath(), RenderSshWrapper(topology), 0755); !w) return w;
  if (auto w = WriteOwnFile(topology.PgHostCmdPath(), RenderPgHostCmdWrapper(topology), 0755); !w) return w;
  // For the operator to install on the repository host: it holds repo2's
  // passphrase, so 0600 and ours, like credentials.json.
  const std::string pg_host_user =
      topology.repo2_host.pg_host_user.empty() ? user.name : topology.repo2_host.pg_host_user;
  return WriteOwnerOnlyFile(topology.RepoHostConfigPath(),
                            RenderRepoHostPgBackRestConfig(topology, credentials, pg_host_user),
                            db::ServiceUser{});
}

}  // namespace

core::Result<ClusterFilesReport> PrepareClusterFiles(const core::ClusterConfig& config,
                                                     const ClusterTopology& topology,
                                                     const std::string& pg_bin_dir,
                                                     const db::ServiceUser& user,
                                                     int restore_repo) {
  ClusterFilesReport report;
  // PostgreSQL runs archive_command through a shell: its paths must be inert.
  std::vector<std::string> inert{topology.PgBackRestConfigPath()};
  // A remote repo2's path is the repository host's, written only there.
  if (!topology.Repo2IsRemote()) inert.push_back(topology.repo2_path);
  for (const std::string& path : inert) {
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
  std::vector<std::string> dirs{topology.pgbackrest_dir, topology.pgbackrest_dir + "/log",
                                topology.pgbackrest_dir + "/lock", topology.pgbackrest_dir + "/spool",
                                topology.repo1_path};
  if (!topology.Repo2IsRemote()) dirs.push_back(topology.repo2_path);
  // The certificates themselves are cli's (cli/cluster_certificates.hpp).
  if (topology.tls.enabled) dirs.push_back(topology.tls.dir);
  for (const std::string& dir : dirs) {
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
    if (credentials.repo1_cipher_pass.empty() || credentials.repo2_cipher_pass.empty() ||
        !credentials.HasEtcdPasswords()) {
      // A cluster made before archiving (or etcd's users): its repositories
      // and etcd's users get passwords now.
      const ClusterCredentials fresh = GenerateClusterCredentials();
      if (credentials.repo1_cipher_pass.empty()) credentials.repo1_cipher_pass = fresh.repo1_cipher_pass;
      if (credentials.repo2_cipher_pass.empty()) credentials.repo2_cipher_pass = fresh.repo2_cipher_pass;
      if (!credentials.HasEtcdPasswords()) {
        credentials.etcd_root_password = fresh.etcd_root_password;
        credentials.etcd_patroni_password = fresh.etcd_patroni_password;
      }
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
  if (topology.Repo2IsRemote()) {
    if (auto w = WriteRepoHostFiles(topology, credentials, user); !w) return core::Unexpected(w.error());
  }
  return report;
}

}  // namespace citadel::platform
