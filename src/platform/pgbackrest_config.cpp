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
    out << repo << "-path=" << path << "\n"
        << repo << "-cipher-type=aes-256-cbc\n"
        << repo << "-cipher-pass=" << passphrase << "\n"
        << repo << "-retention-full=2\n";
  }
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

std::string PgBackRestRestoreCommand(const ClusterTopology& topology, int repo) {
  return std::string(kPgBackRestBinary) + " --config=" + topology.PgBackRestConfigPath() +
         " --stanza=" + topology.Stanza() + " --repo=" + std::to_string(repo) +
         " archive-get %f \"%p\"";
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
  return {"PATH=/usr/bin:/bin", "PGHOST=" + topology.address,
          "PGPASSFILE=" + topology.PgBackRestPgpassPath(), "LC_ALL=C.UTF-8",
          "HOME=" + topology.pgbackrest_dir};
}

}  // namespace citadel::platform
