// The configuration a command runs with: defaults, then the --config file,
// then command-line flags, then the data directory resolved. One pure merge,
// so every subcommand sees the same precedence.
#pragma once

#include "cli/command_line.hpp"
#include "core/config.hpp"
#include "core/file_system.hpp"
#include "core/result.hpp"

namespace citadel::cli {

core::Result<core::ServerConfig> LoadEffectiveConfig(const CommonOptions& common,
                                                     const core::FileSystem& fs);

// Applies serve's own flags over a loaded configuration.
void ApplyServeFlags(const ServeCommand& serve, core::ServerConfig& config);

}  // namespace citadel::cli
