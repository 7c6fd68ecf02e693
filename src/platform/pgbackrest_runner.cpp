#include "platform/pgbackrest_runner.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "core/random.hpp"
#include "db/child_process.hpp"
#include "platform/pgbackrest_config.hpp"

namespace citadel::platform {
namespace {

constexpr std::size_t kPgBackRestOutputLimit = 64 * 1024;

std::string ReadPgBackRestOutput(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text(kPgBackRestOutputLimit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

std::string LastLine(const std::string& text) {
  auto end = text.find_last_not_of("\r\n ");
  if (end == std::string::npos) return "(no output)";
  auto start = text.find_last_of("\r\n", end);
  return text.substr(start == std::string::npos ? 0 : start + 1, end + 1 - (start == std::string::npos ? 0 : start + 1));
}

// Never throws: pgBackRest writes null where a value is unknown.
std::string PgBackRestJsonText(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return {};
  return object[key].get<std::string>();
}

long long PgBackRestJsonInteger(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number_integer()) return 0;
  return object[key].get<long long>();
}

const nlohmann::json& PgBackRestJsonChild(const nlohmann::json& object, const char* key) {
  static const nlohmann::json kNone;
  if (!object.is_object() || !object.contains(key)) return kNone;
  return object[key];
}

int PgBackRestRepoKey(const nlohmann::json& entry) {
  return static_cast<int>(PgBackRestJsonInteger(PgBackRestJsonChild(entry, "database"), "repo-key"));
}

}  // namespace

namespace {

core::Result<PgBackRestOutcome> RunAsServiceUser(const ClusterTopology& topology,
                                                 const db::ServiceUser& user,
                                                 std::vector<std::string> argv,
                                                 std::chrono::milliseconds timeout) {
  db::ChildSpec spec;
  spec.argv = std::move(argv);
  spec.env = PgBackRestEnvironment(topology);
  spec.run_as = user;
  spec.working_dir = topology.pgbackrest_dir;
  // In the service user's directory: the child opens it after dropping privileges.
  spec.output_path = topology.pgbackrest_dir + "/run-" + core::RandomHex(8) + ".out";
  auto status = db::RunChild(spec, timeout);
  PgBackRestOutcome outcome;
  outcome.output = ReadPgBackRestOutput(spec.output_path);
  ::unlink(spec.output_path.c_str());
  if (!status) return core::Unexpected(status.error());
  outcome.exit_code = WIFEXITED(*status) ? WEXITSTATUS(*status) : 128;
  return outcome;
}

bool Contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

}  // namespace

core::Result<PgBackRestOutcome> RunPgBackRest(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& options,
                                              const std::string& command,
                                              std::chrono::milliseconds timeout) {
  return RunAsServiceUser(topology, user, PgBackRestArgv(topology, options, command), timeout);
}

core::Result<std::string> RunOnRepoHostOrFail(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& remote_command,
                                              std::chrono::milliseconds timeout) {
  auto outcome =
      RunAsServiceUser(topology, user, RepoHostSshArgv(topology, remote_command), timeout);
  if (!outcome) return core::Unexpected(outcome.error());
  if (outcome->exit_code != 0) {
    return core::Fail(core::ErrorCode::kUnavailable,
                      "on the repository host " + topology.repo2_host.host + ": exited " +
                          std::to_string(outcome->exit_code) + ": " + LastLine(outcome->output));
  }
  return std::move(outcome->output);
}

std::string ExplainRepoHostCheck(const RepoHostPlan& host, int exit_code, const std::string& output,
                                 const std::string& local_version) {
  const std::string where = host.user + "@" + host.host + ":" + std::to_string(host.port);
  const std::string said = " (ssh said: " + LastLine(output) + ")";
  if (Contains(output, "Host key verification failed") || Contains(output, "host key is known") ||
      Contains(output, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
      Contains(output, "No matching host key")) {
    return "the repository host " + where + " did not present a host key pinned in " +
           host.known_hosts + " (StrictHostKeyChecking=yes: add its key, checked out of band, " +
           "as \"[" + host.host + "]:" + std::to_string(host.port) + " <type> <key>\")" + said;
  }
  if (Contains(output, "Permission denied") || Contains(output, "Too many authentication failures")) {
    return "ssh authentication to " + where + " refused: the public half of " + host.ssh_key +
           " must be in " + host.user + "'s authorized_keys there" + said;
  }
  if (Contains(output, "Load key") || Contains(output, "UNPROTECTED PRIVATE KEY") ||
      Contains(output, "no such identity") || Contains(output, "bad permissions")) {
    return "the service user cannot use the key " + host.ssh_key + said;
  }
  if (Contains(output, "Connection refused") || Contains(output, "timed out") ||
      Contains(output, "Could not resolve") || Contains(output, "No route to host") ||
      Contains(output, "Network is unreachable")) {
    return "cannot reach the repository host " + where + said;
  }
  if (exit_code == 127 || Contains(output, "not found") || Contains(output, "No such file")) {
    return "pgbackrest is missing on the repository host " + where + ": " + host.cmd +
           " (install the same pgBackRest version as here, " + local_version + ")" + said;
  }
  if (exit_code != 0) {
    return "the repository host " + where + " refused `" + host.cmd + " version`: exit " +
           std::to_string(exit_code) + said;
  }
  const std::string remote_version = LastLine(output);
  if (remote_version != local_version) {
    return "pgBackRest differs on the repository host " + where + ": \"" + remote_version +
           "\" there, \"" + local_version + "\" here (pgBackRest requires the same version)";
  }
  return {};
}

core::Result<void> CheckRepoHost(const ClusterTopology& topology, const db::ServiceUser& user,
                                 std::chrono::milliseconds timeout) {
  const RepoHostPlan& host = topology.repo2_host;
  for (const std::string& file : {host.ssh_key, host.known_hosts}) {
    if (::access(file.c_str(), F_OK) != 0) {
      return core::Fail(core::ErrorCode::kNotFound,
                        file + " does not exist ([cluster] repo2_ssh_key / repo2_known_hosts)");
    }
  }
  auto local = RunAsServiceUser(topology, user, {kPgBackRestBinary, "version"}, timeout);
  if (!local) return core::Unexpected(local.error());
  const std::string local_version = LastLine(local->output);
  auto remote = RunAsServiceUser(topology, user, RepoHostSshArgv(topology, {host.cmd, "version"}),
                                 timeout);
  if (!remote) return core::Unexpected(remote.error());
  std::string why = ExplainRepoHostCheck(host, remote->exit_code, remote->output, local_version);
  if (!why.empty()) return core::Fail(core::ErrorCode::kUnavailable, why);
  return {};
}

core::Result<std::string> RunPgBackRestOrFail(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& options,
                                              const std::string& command,
                                              std::chrono::milliseconds timeout) {
  auto outcome = RunPgBackRest(topology, user, options, command, timeout);
  if (!outcome) return core::Unexpected(outcome.error());
  if (outcome->exit_code != 0) {
    return core::Fail(core::ErrorCode::kUnavailable, "pgbackrest " + command + " exited " +
                                                         std::to_string(outcome->exit_code) + ": " +
                                                         LastLine(outcome->output));
  }
  return std::move(outcome->output);
}

core::Result<std::vector<RepositoryInfo>> ParsePgBackRestInfo(const std::string& json,
                                                              const std::string& stanza) {
  auto j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array()) return core::Fail(core::ErrorCode::kInvalidArgument, "pgbackrest info: not a list");
  std::vector<RepositoryInfo> repos;
  for (const auto& s : j) {
    if (PgBackRestJsonText(s, "name") != stanza) continue;
    const auto& repo_list = PgBackRestJsonChild(s, "repo");
    if (repo_list.is_array()) {
      for (const auto& r : repo_list) {
        RepositoryInfo info;
        info.repo = static_cast<int>(PgBackRestJsonInteger(r, "key"));
        info.status = PgBackRestJsonText(PgBackRestJsonChild(r, "status"), "message");
        if (info.repo < 1) continue;  // pgBackRest numbers repositories from 1
        repos.push_back(std::move(info));
      }
    }
    const auto& backups = PgBackRestJsonChild(s, "backup");
    for (const auto& b : backups.is_array() ? backups : nlohmann::json::array()) {
      for (auto& info : repos) {
        if (info.repo != PgBackRestRepoKey(b)) continue;
        RepositoryBackup backup;
        backup.label = PgBackRestJsonText(b, "label");
        backup.type = PgBackRestJsonText(b, "type");
        backup.stopped_at = PgBackRestJsonInteger(PgBackRestJsonChild(b, "timestamp"), "stop");
        info.backups.push_back(std::move(backup));
      }
    }
    const auto& archives = PgBackRestJsonChild(s, "archive");
    for (const auto& a : archives.is_array() ? archives : nlohmann::json::array()) {
      for (auto& info : repos) {
        if (info.repo != PgBackRestRepoKey(a)) continue;
        const std::string min = PgBackRestJsonText(a, "min"), max = PgBackRestJsonText(a, "max");
        if (info.archive_min.empty() || (!min.empty() && min < info.archive_min)) info.archive_min = min;
        if (max > info.archive_max) info.archive_max = max;
      }
    }
  }
  return repos;
}

core::Result<std::vector<RepositoryInfo>> ReadRepositories(const ClusterTopology& topology,
                                                           const db::ServiceUser& user,
                                                           const std::vector<int>& repos,
                                                           std::chrono::milliseconds timeout) {
  std::vector<RepositoryInfo> all;
  for (int repo : repos) {
    const std::string selected = "--repo=" + std::to_string(repo);
    // pgBackRest 2.45's info reads a repository's cipher settings before it
    // connects to a repository host, so it cannot read an encrypted remote
    // repository whose passphrase is only there: that host answers for it.
    auto text = repo == 2 && topology.Repo2IsRemote()
                    ? RunOnRepoHostOrFail(topology, user,
                                          {topology.repo2_host.cmd, "--config=" + topology.repo2_host.config,
                                           "--stanza=" + topology.Stanza(), selected, "--output=json", "info"},
                                          timeout)
                    : RunPgBackRestOrFail(topology, user, {selected, "--output=json"}, "info", timeout);
    if (!text) return core::Unexpected(text.error());
    auto parsed = ParsePgBackRestInfo(*text, topology.Stanza());
    if (!parsed) return core::Unexpected(parsed.error());
    for (auto& r : *parsed) {
      if (r.repo == repo) all.push_back(std::move(r));
    }
  }
  return all;
}

}  // namespace citadel::platform
