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
  auto end = text.find_last_not_of("\n ");
  if (end == std::string::npos) return "(no output)";
  auto start = text.rfind('\n', end);
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

core::Result<PgBackRestOutcome> RunPgBackRest(const ClusterTopology& topology,
                                              const db::ServiceUser& user,
                                              const std::vector<std::string>& options,
                                              const std::string& command,
                                              std::chrono::milliseconds timeout) {
  db::ChildSpec spec;
  spec.argv = PgBackRestArgv(topology, options, command);
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

}  // namespace citadel::platform
