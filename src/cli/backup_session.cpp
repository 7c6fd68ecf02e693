#include "cli/backup_session.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <chrono>
#include <cstdio>

#include "cli/effective_config.hpp"
#include "core/file_system.hpp"

namespace citadel::cli {

backup::RetentionPlans RetentionPlansOf(const core::ServerConfig& config) {
  backup::RetentionPlans plans;
  plans.fallback = {config.backup.keep_daily, config.backup.keep_weekly, config.backup.keep_monthly};
  for (const auto& [name, keep] : config.backup.plans) {
    plans.named[name] = {keep.keep_daily, keep.keep_weekly, keep.keep_monthly};
  }
  return plans;
}

platform::BackupServiceOptions BackupOptions(const core::ServerConfig& config) {
  platform::BackupServiceOptions options;
  options.pg_bin_dir = config.database.pg_bin_dir;
  options.key_directory = config.data_dir + "/keys";
  options.master_key_path =
      config.backup.master_key_file.empty() ? config.data_dir + "/master.key" : config.backup.master_key_file;
  // The embedded default makes its master key at first use, as it makes its
  // CA; `citadel keys init` does it explicitly.
  options.create_master_key = config.backup.master_key_file.empty();
  options.file_store_root = config.data_dir + "/filestore";
  options.copy_retry.attempts = config.backup.copy_retries;
  options.copy_retry.first_delay = std::chrono::milliseconds(config.backup.copy_retry_delay_ms);
  return options;
}

core::Result<std::unique_ptr<BackupSession>> OpenBackups(const CommonOptions& common) {
  auto config = LoadEffectiveConfig(common, core::RealFileSystem::Instance());
  if (!config) return core::Unexpected(config.error());
  auto session = std::make_unique<BackupSession>();
  session->config = *config;
  auto tenants = OpenTenants(common);
  if (!tenants) return core::Unexpected(tenants.error());
  session->tenants = std::move(*tenants);
  auto backups = platform::BackupService::Open(*session->tenants->tenants, BackupOptions(*config));
  if (!backups) return core::Unexpected(backups.error());
  session->backups = std::move(*backups);
  return session;
}

namespace {

class FileSink final : public backup::ByteSink {
 public:
  explicit FileSink(int fd) : fd_(fd) {}
  core::Result<void> Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return core::Fail(core::ErrorCode::kIo, std::string("cannot write: ") + std::strerror(errno));
      bytes.remove_prefix(static_cast<std::size_t>(n));
      written_ += static_cast<std::uint64_t>(n);
    }
    return {};
  }
  core::Result<void> Close() override {
    if (::fsync(fd_) != 0) return core::Fail(core::ErrorCode::kIo, std::string("cannot sync: ") + std::strerror(errno));
    return {};
  }
  std::uint64_t written() const { return written_; }

 private:
  int fd_;
  std::uint64_t written_ = 0;
};

}  // namespace

core::Result<std::uint64_t> ExportToFile(platform::BackupService& backups, const std::string& backup_id,
                                         const std::string& path) {
  std::string partial = path + ".partial";
  if (::access(path.c_str(), F_OK) == 0) {
    return core::Fail(core::ErrorCode::kAlreadyExists, path + " exists; it is never overwritten");
  }
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::Fail(core::ErrorCode::kIo, "cannot create " + partial + ": " + std::strerror(errno));
  FileSink sink(fd);
  auto exported = backups.Export(backup_id, sink, StderrProgress());
  ::close(fd);
  if (!exported) {
    ::unlink(partial.c_str());
    return core::Unexpected(exported.error());
  }
  if (::rename(partial.c_str(), path.c_str()) != 0) {
    ::unlink(partial.c_str());
    return core::Fail(core::ErrorCode::kIo, "cannot rename to " + path + ": " + std::strerror(errno));
  }
  return sink.written();
}

std::string HumanBytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
  }
  return text;
}

platform::ProgressReporter StderrProgress() {
  bool terminal = ::isatty(STDERR_FILENO) != 0;
  auto last_line = std::make_shared<std::chrono::steady_clock::time_point>();
  return [terminal, last_line](const platform::BackupProgress& progress) {
    double seconds = static_cast<double>(progress.elapsed.count()) / 1000.0;
    double rate = seconds > 0 ? static_cast<double>(progress.bytes) / seconds : 0;
    std::string line = progress.stage + ": " + HumanBytes(progress.bytes) + ", " +
                       HumanBytes(static_cast<std::uint64_t>(rate)) + "/s";
    if (terminal) {
      std::fprintf(stderr, "\r%-60s", line.c_str());
      std::fflush(stderr);
      return;
    }
    auto now = std::chrono::steady_clock::now();
    if (now - *last_line < std::chrono::seconds(5)) return;
    *last_line = now;
    std::fprintf(stderr, "%s\n", line.c_str());
  };
}

}  // namespace citadel::cli
