#include "platform/pgbackrest_config.hpp"

#include <sstream>

namespace citadel::platform {

bool ShellSafePath(const std::string& path) {
  if (path.empty() || path.front() != '/') return false;
  for (char c : path) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string RenderPgBackRestConfig(const ClusterTopology& topology,
                                   const ClusterCredentials& credentials) {
  std::ostringstream out;
  out << "# Written by `citadel cluster init --ha`; rewritten by the next init.\n"
      << "[global]\n"
      << "log-path=" << topology.pgbackrest_dir << "/log\n"
      << "lock-path=" << topology.pgbackrest_dir << "/lock\n"
      << "spool-path=" << topology.pgbackrest_dir << "/spool\n"
      // One archive-push process sends every ready segment in a batch, and
      // archive-get prefetches the next ones during a replay: with a
      // repository host that is one SSH connection per batch, not per 16 MiB
      // segment (which bounded the DR test's archiving at ~3 s a segment).
      // PostgreSQL still hears "archived" only once a segment is in the
      // repositories (the async process marks it .ok in the spool).
      << "archive-async=y\n"
      << "log-level-console=warn\n"
      << "log-level-file=info\n"
      // A backup starts with an immediate checkpoint rather than waiting for
      // the next one; lz4 is fast enough not to bound a backup on 2 cores.
      << "start-fast=y\n"
      << "compress-type=lz4\n"
      << "process-max=2\n"
      // The archive is checked to hold every WAL a backup needs; bounded.
      << "archive-timeout=60\n";
  const std::pair<std::string, std::string> repos[] = {
      {topology.repo1_path, credentials.repo1_cipher_pass},
      {topology.repo2_path, credentials.repo2_cipher_pass}};
  int index = 0;
  for (const auto& [path, passphrase] : repos) {
    ++index;
    const std::string repo = "repo" + std::to_string(index);
    if (index == 2 && topology.Repo2IsRemote()) {
      // pgBackRest's repo-host mode: the host's pgbackrest owns the path,
      // the cipher and the retention (repo-host.conf); a command here asks it
      // for the cipher settings over the protocol when it needs them, so the
      // passphrase is not stored on the database hosts.
      const RepoHostPlan& h = topology.repo2_host;
      out << repo << "-host=" << h.host << "\n"
          << repo << "-host-user=" << h.user << "\n"
          << repo << "-host-port=" << h.port << "\n"
          << repo << "-host-config=" << h.config << "\n"
          << repo << "-host-cmd=" << h.cmd << "\n";
      continue;
    }
    out << repo << "-path=" << path << "\n"
        << repo << "-cipher-type=aes-256-cbc\n"
        << repo << "-cipher-pass=" << passphrase << "\n"
        << repo << "-retention-full=" << kArchiveRetentionFull << "\n";
  }
  // pgBackRest passes ssh no options but its own: ours go through a wrapper.
  if (topology.Repo2IsRemote()) out << "cmd-ssh=" << topology.SshWrapperPath() << "\n";
  out << "\n[" << topology.Stanza() << "]\n";
  index = 0;
  for (const auto& m : topology.members) {
    ++index;
    const std::string pg = "pg" + std::to_string(index);
    out << pg << "-path=" << m.pgdata << "\n"
        << pg << "-port=" << m.postgres_port << "\n"
        << pg << "-user=" << credentials.superuser << "\n";
  }
  return out.str();
}

std::string RenderRepoHostPgBackRestConfig(const ClusterTopology& topology,
                                           const ClusterCredentials& credentials,
                                           const std::string& pg_host_user) {
  const RepoHostPlan& h = topology.repo2_host;
  std::ostringstream out;
  out << "# pgBackRest on the repository host " << h.host << " for Citadel's cluster '"
      << topology.Stanza() << "'.\n"
      << "# Written by `citadel cluster init --ha`: install it as " << h.config << "\n"
      << "# (owner " << h.user << ", mode 0600: it holds repo2's passphrase).\n"
      << "# repo2 keeps its index here: the database hosts ask for repository 2.\n"
      << "[global]\n"
      << "repo2-path=" << topology.repo2_path << "\n"
      << "repo2-cipher-type=aes-256-cbc\n"
      << "repo2-cipher-pass=" << credentials.repo2_cipher_pass << "\n"
      << "repo2-retention-full=" << kArchiveRetentionFull << "\n"
      << "log-level-console=warn\n"
      << "log-level-file=info\n"
      << "start-fast=y\n"
      << "compress-type=lz4\n"
      << "process-max=2\n"
      << "archive-timeout=60\n";
  if (!h.cmd_ssh.empty()) out << "cmd-ssh=" << h.cmd_ssh << "\n";
  // Backups of repo2 run here (pgBackRest backs up only to a local
  // repository): each member is reached over SSH, where pg-host-cmd gives
  // pgbackrest the cluster's address and password file (no Unix socket).
  out << "\n[" << topology.Stanza() << "]\n";
  int index = 0;
  for (const auto& m : topology.members) {
    ++index;
    const std::string pg = "pg" + std::to_string(index);
    out << pg << "-host=" << topology.address << "\n"
        << pg << "-host-user=" << pg_host_user << "\n"
        << pg << "-host-port=" << h.pg_host_port << "\n"
        << pg << "-host-cmd=" << topology.PgHostCmdPath() << "\n"
        << pg << "-host-config=" << topology.PgBackRestConfigPath() << "\n"
        << pg << "-path=" << m.pgdata << "\n"
        << pg << "-port=" << m.postgres_port << "\n"
        << pg << "-user=" << credentials.superuser << "\n";
  }
  return out.str();
}

std::string RenderSshClientConfig(const ClusterTopology& topology) {
  const RepoHostPlan& h = topology.repo2_host;
  std::ostringstream out;
  out << "# Written by `citadel cluster init --ha`: pgBackRest's ssh to the repository host.\n"
      << "Host *\n"
      << "  BatchMode yes\n"
      << "  IdentitiesOnly yes\n"
      << "  IdentityFile " << h.ssh_key << "\n"
      << "  UserKnownHostsFile " << h.known_hosts << "\n"
      << "  GlobalKnownHostsFile /dev/null\n"
      << "  StrictHostKeyChecking yes\n"
      << "  UpdateHostKeys no\n"
      << "  PasswordAuthentication no\n"
      << "  KbdInteractiveAuthentication no\n"
      << "  ConnectTimeout 10\n"
      << "  ServerAliveInterval 10\n"
      << "  ServerAliveCountMax 3\n";
  return out.str();
}

std::string RenderSshWrapper(const ClusterTopology& topology) {
  return "#!/bin/sh\n# Written by `citadel cluster init --ha`: pgBackRest's cmd-ssh.\nexec /usr/bin/ssh -F " +
         topology.SshConfigPath() + " \"$@\"\n";
}

std::string RenderPgHostCmdWrapper(const ClusterTopology& topology) {
  return "#!/bin/sh\n# Written by `citadel cluster init --ha`: pgbackrest run by the repository "
         "host (pg-host-cmd).\nPGHOST=" +
         topology.address + " PGPASSFILE=" + topology.PgBackRestPgpassPath() +
         (topology.tls.enabled ? " PGSSLMODE=verify-full PGSSLROOTCERT=" + topology.tls.CaCertPath() : "") +
         " exec " +
         kPgBackRestBinary + " \"$@\"\n";
}

std::vector<std::string> RepoHostSshArgv(const ClusterTopology& topology,
                                         const std::vector<std::string>& remote_command) {
  const RepoHostPlan& h = topology.repo2_host;
  std::vector<std::string> argv{topology.SshWrapperPath(), "-p", std::to_string(h.port),
                                h.user + "@" + h.host};
  argv.insert(argv.end(), remote_command.begin(), remote_command.end());
  return argv;
}

std::vector<std::string> RepoHostBackupCommand(const ClusterTopology& topology,
                                               const std::string& type) {
  const RepoHostPlan& h = topology.repo2_host;
  return {h.cmd, "--config=" + h.config, "--stanza=" + topology.Stanza(), "--repo=2",
          "--type=" + type, "backup"};
}

std::string RenderPgBackRestPgpass(const ClusterTopology& topology,
                                   const ClusterCredentials& credentials) {
  // Generated passwords have no ':' or '\\' (core::RandomPassword's alphabet).
  return topology.address + ":*:*:" + credentials.superuser + ":" + credentials.superuser_password +
         "\n";
}

std::string PgBackRestArchiveCommand(const ClusterTopology& topology,
                                     const ClusterMemberPlan& member) {
  return std::string(kPgBackRestBinary) + " --config=" + topology.PgBackRestConfigPath() +
         " --stanza=" + topology.Stanza() + " --pg1-path=" + member.pgdata + " archive-push %p";
}

std::string PgBackRestRestoreCommand(const ClusterTopology& topology,
                                     const ClusterMemberPlan& member, int repo) {
  return std::string(kPgBackRestBinary) + " --config=" + topology.PgBackRestConfigPath() +
         " --stanza=" + topology.Stanza() + " --pg1-path=" + member.pgdata +
         " --repo=" + std::to_string(repo) + " archive-get %f \"%p\"";
}

std::vector<std::string> StanzaCreateOptions(const ClusterTopology& topology) {
  return {"--lock-path=" + topology.pgbackrest_dir + "/lock/stanza-create"};
}

std::vector<std::string> PgBackRestStopFiles(const ClusterTopology& topology) {
  const std::string lock = topology.pgbackrest_dir + "/lock/";
  return {lock + topology.Stanza() + ".stop", lock + "all.stop"};
}

std::vector<std::string> PgBackRestArgv(const ClusterTopology& topology,
                                        const std::vector<std::string>& options,
                                        const std::string& command) {
  std::vector<std::string> argv{kPgBackRestBinary, "--config=" + topology.PgBackRestConfigPath(),
                                "--stanza=" + topology.Stanza()};
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back(command);
  return argv;
}

std::vector<std::string> PgBackRestEnvironment(const ClusterTopology& topology) {
  std::vector<std::string> env{"PATH=/usr/bin:/bin", "PGHOST=" + topology.address,
                               "PGPASSFILE=" + topology.PgBackRestPgpassPath(), "LC_ALL=C.UTF-8",
                               "HOME=" + topology.pgbackrest_dir};
  // The members admit only TLS then: libpq verifies them as Citadel does.
  if (topology.tls.enabled) {
    env.push_back("PGSSLMODE=verify-full");
    env.push_back("PGSSLROOTCERT=" + topology.tls.CaCertPath());
  }
  return env;
}

}  // namespace citadel::platform
