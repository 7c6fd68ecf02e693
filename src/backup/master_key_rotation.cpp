#include "backup/master_key_rotation.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/file_system.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

// The staged key replaces the key file; across file systems, by a copy
// written atomically, then the staged file goes.
core::Result<void> ReplaceKeyFile(const std::string& staged, const std::string& target) {
  if (std::rename(staged.c_str(), target.c_str()) == 0) {
    return core::RealFileSystem::Instance().SyncDirectory(std::filesystem::path(target).parent_path().string());
  }
  auto content = core::RealFileSystem::Instance().ReadFile(staged);
  if (!content) return core::Unexpected(content.error());
  if (auto written = core::RealFileSystem::Instance().WriteFileAtomic(target, *content, 0600); !written) {
    return written;
  }
  std::error_code ec;
  std::filesystem::remove(staged, ec);
  return {};
}

}  // namespace

core::Result<MasterKeyRotation> RotateMasterKey(const std::string& key_directory,
                                                const std::string& master_key_path, std::string staged_path,
                                                const std::vector<NamedSite>& sites) {
  MasterKeyRotation rotation;
  if (staged_path.empty()) staged_path = master_key_path + ".next";
  rotation.staged_path = staged_path;
  const char* environment = std::getenv(kMasterKeyEnvironmentVariable);
  rotation.in_environment = environment != nullptr && *environment != '\0';
  auto current = LoadMasterKey(master_key_path);
  if (!current) return core::Unexpected(current.error());
  rotation.old_key_id = current->id();

  // 1. The new key, staged (or the one an interrupted run staged).
  auto next = LoadMasterKeyFile(staged_path);
  if (next) {
    rotation.resumed = true;
  } else if (next.error().code == ErrorCode::kNotFound) {
    next = CreateMasterKeyFile(staged_path);
  }
  if (!next) return core::Unexpected(next.error());
  if (next->id() == current->id()) {
    return Fail(ErrorCode::kInvalidArgument, "the staged key " + staged_path + " is the key in use already");
  }
  rotation.new_key_id = next->id();

  TenantKeyStore store(key_directory, *current, sites);
  auto tenants = store.Tenants();
  if (!tenants) return core::Unexpected(tenants.error());
  rotation.tenant_keys = static_cast<int>(tenants->size());

  // 2. Every site holds every key wrapped by the new key, or nothing moves on.
  rotation.pushed = store.PushWrappedBy(*next);
  for (const auto& outcome : rotation.pushed) {
    if (!outcome.ok) return rotation;
  }
  // 3. Here.
  if (auto rewrapped = store.RewrapLocal(*next); !rewrapped) return core::Unexpected(rewrapped.error());
  // 4. The new key is the key.
  if (!rotation.in_environment) {
    if (auto replaced = ReplaceKeyFile(staged_path, master_key_path); !replaced) {
      return core::Unexpected(replaced.error());
    }
  }
  rotation.complete = true;
  // 5. Records only the old key opens go from every site.
  rotation.cleaned = store.Replicate();
  return rotation;
}

}  // namespace citadel::backup
