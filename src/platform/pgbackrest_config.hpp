// pgBackRest for a high-availability cluster (docs/ha.md): its configuration
// file, the archive_command and restore_command that PostgreSQL runs, and the
// argv of the commands Citadel runs itself (stanza-create, backup, info,
// restore).
//
// One stanza (the cluster's scope) lists every member's data directory as
// pg1..pgN, so a backup finds the primary wherever it is. Two repositories,
// each encrypted with aes-256-cbc under its own generated passphrase
// (credentials.json): repo1 on this site's disk, repo2 at
// [cluster] archive_repo2_path (another disk or a mounted remote site), or on
// a repository host over SSH ([cluster] repo2_host: repo2-host-* here, the
// path and passphrase only in the host's own configuration).
//
// pgBackRest reaches PostgreSQL over TCP on the cluster's address (the
// members have no Unix socket): it sets no host of its own, so libpq takes
// PGHOST from the environment Citadel gives it, and the password from
// PGPASSFILE (PgBackRestEnvironment).
//
// archive_command and restore_command are run by PostgreSQL through a shell,
// so every path in them must be shell-inert: ShellSafePath checks it, and
// RenderPatroniConfig refuses a data directory that is not.
//
// Pure functions; thread-safe. The configuration holds the passphrases:
// written 0600 for the service user.
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "platform/cluster_credentials.hpp"
#include "platform/cluster_topology.hpp"

namespace citadel::platform {

inline constexpr const char* kPgBackRestBinary = "/usr/bin/pgbackrest";
// Full backups each repository keeps (repo-retention-full); older ones expire
// with their WAL. `tenant drop` counts on it (archive_retention_notice.hpp).
inline constexpr int kArchiveRetentionFull = 2;

// Only [A-Za-z0-9/._-], absolute: safe unquoted in a shell command and in
// pgBackRest's INI file.
bool ShellSafePath(const std::string& path);

std::string RenderPgBackRestConfig(const ClusterTopology& topology,
                                   const ClusterCredentials& credentials);
// With [cluster] repo2_host (pgBackRest's repo-host mode, docs/ha.md):
// The configuration to install on the repository host: repo2's path, cipher
// and passphrase (only there), and every member as pgN-host for the backups
// of repo2, which pgBackRest 2.45 runs only where the repository is local.
std::string RenderRepoHostPgBackRestConfig(const ClusterTopology& topology,
                                           const ClusterCredentials& credentials,
                                           const std::string& pg_host_user);
// ssh_config for pgBackRest's ssh: the operator's key and known_hosts,
// StrictHostKeyChecking=yes, BatchMode (never a prompt, never TOFU).
std::string RenderSshClientConfig(const ClusterTopology& topology);
// The cmd-ssh wrapper (ssh -F ssh_config "$@") and the pg-host-cmd wrapper
// (PGHOST, PGPASSFILE, then pgbackrest) as /bin/sh scripts.
std::string RenderSshWrapper(const ClusterTopology& topology);
std::string RenderPgHostCmdWrapper(const ClusterTopology& topology);
// argv running `remote_command` on the repository host through the wrapper.
std::vector<std::string> RepoHostSshArgv(const ClusterTopology& topology,
                                         const std::vector<std::string>& remote_command);
// The repository host's `pgbackrest ... --repo=2 --type=TYPE backup`.
std::vector<std::string> RepoHostBackupCommand(const ClusterTopology& topology,
                                               const std::string& type);

// A libpq password file for the superuser on the cluster's address.
std::string RenderPgBackRestPgpass(const ClusterTopology& topology,
                                   const ClusterCredentials& credentials);

// PostgreSQL's archive_command on `member` (pushes to every repository).
std::string PgBackRestArchiveCommand(const ClusterTopology& topology,
                                     const ClusterMemberPlan& member);
// restore_command on `member` reading WAL from repository `repo` only. It
// names the member's data directory (--pg1-path), as archive_command does:
// PostgreSQL passes %p relative to it, and the stanza's pg1 is member-0, so
// without it every other member's archive-get failed ("unable to chdir() to
// .../member-0/data") and its restore bootstrap with it (docs/ha.md).
std::string PgBackRestRestoreCommand(const ClusterTopology& topology,
                                     const ClusterMemberPlan& member, int repo);

// Options of Citadel's own `stanza-create` (ArchiveBackupScheduler): its
// locks in a directory of their own, <lock-path>/stanza-create. pgBackRest's
// stanza-create takes the archive lock (lock-type all) that archive-push's
// asynchronous process needs too, and PostgreSQL archives from its start, so
// they met: an archive-push whose async child lost that lock to stanza-create
// (between its parent's release and its own take) died without a status
// file, and the archive_command waited archive-timeout (60 s) for nothing,
// stalling archiving and failing the first backups (docs/ha.md). Sound because
// stanza-create only writes a repository's archive.info and backup.info
// (atomically, and only those missing) and archive-push writes nothing to a
// repository without its archive.info; the scheduler runs the backups after
// stanza-create, on the same thread. The stop files stay the operator's say:
// PgBackRestStopFiles.
std::vector<std::string> StanzaCreateOptions(const ClusterTopology& topology);
// The files `pgbackrest stop` leaves in the lock path (this stanza's, all
// stanzas'): while one exists Citadel does not run stanza-create either.
std::vector<std::string> PgBackRestStopFiles(const ClusterTopology& topology);

// argv: pgbackrest --config=... --stanza=... <options...> <command>.
std::vector<std::string> PgBackRestArgv(const ClusterTopology& topology,
                                        const std::vector<std::string>& options,
                                        const std::string& command);
// The whole environment for Citadel's own pgbackrest runs.
std::vector<std::string> PgBackRestEnvironment(const ClusterTopology& topology);

}  // namespace citadel::platform
