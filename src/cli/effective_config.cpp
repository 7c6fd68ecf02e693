#include "cli/effective_config.hpp"

#include <filesystem>

namespace citadel::cli {

core::Result<core::ServerConfig> LoadEffectiveConfig(const CommonOptions& common,
                                                     const core::FileSystem& fs) {
  core::ServerConfig config;
  if (!common.config_file.empty()) {
    auto text = fs.ReadFile(common.config_file);
    if (!text) return core::Unexpected(text.error());
    auto parsed = core::ParseConfigToml(*text, config);
    if (!parsed) {
      return core::Fail(parsed.error().code, common.config_file + ": " + parsed.error().message);
    }
    config = std::move(*parsed);
  }
  if (!common.data_dir.empty()) config.data_dir = common.data_dir;
  if (config.data_dir.empty()) config.data_dir = core::DefaultDataDir();
  // Absolute, so that messages, the socket path and child processes agree.
  std::error_code ec;
  auto absolute = std::filesystem::absolute(config.data_dir, ec);
  if (!ec) config.data_dir = absolute.lexically_normal().string();
  while (config.data_dir.size() > 1 && config.data_dir.back() == '/') config.data_dir.pop_back();
  if (!common.pg_dsn.empty()) config.database.pg_dsn = common.pg_dsn;
  if (!common.log_level.empty()) config.log_level = common.log_level;
  return config;
}

void ApplyServeFlags(const ServeCommand& serve, core::ServerConfig& config) {
  if (serve.listen) config.listen = *serve.listen;
  if (serve.https_port) config.https_port = *serve.https_port;
  if (serve.http_port) config.http_port = *serve.http_port;
  if (serve.metrics_port) config.metrics_port = *serve.metrics_port;
  if (serve.tls_cert) config.tls_cert = *serve.tls_cert;
  if (serve.tls_key) config.tls_key = *serve.tls_key;
}

}  // namespace citadel::cli
