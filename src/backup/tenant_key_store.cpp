#include "backup/tenant_key_store.hpp"

#include <openssl/crypto.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <utility>

#include "backup/key_wrap.hpp"
#include "core/base64.hpp"
#include "core/file_system.hpp"
#include "core/random.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr const char* kRecordFormat = "citadel-tenant-key/1";
constexpr std::size_t kMaxRecordBytes = 4096;

std::string WrapContext(const std::string& tenant, const std::string& key_id) {
  return std::string(kRecordFormat) + "|" + tenant + "|" + key_id;
}

std::string SiteRecordPath(const std::string& tenant, const std::string& master_id) {
  return "keys/" + tenant + "." + master_id + ".key";
}

std::string MakeRecord(const TenantKey& key, const MasterKey& master) {
  std::string wrapped = WrapKey(master.bytes(), key.bytes, WrapContext(key.tenant, key.key_id));
  nlohmann::json record = {
      {"format", kRecordFormat},
      {"tenant", key.tenant},
      {"key_id", key.key_id},
      {"master_key_id", master.id()},
      {"wrapped", core::Base64Encode(std::vector<unsigned char>(wrapped.begin(), wrapped.end()))},
  };
  return record.dump() + "\n";
}

// Parses and unwraps a record; `expected_tenant` guards against a record
// stored under another tenant's name (the wrap context would catch it too).
core::Result<TenantKey> OpenRecord(std::string_view text, const std::string& expected_tenant,
                                   const MasterKey& master) {
  auto refuse = [&](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument, "tenant key record of " + expected_tenant + " refused: " + why);
  };
  if (text.size() > kMaxRecordBytes) return refuse("too large");
  nlohmann::json record = nlohmann::json::parse(text, nullptr, false);
  if (!record.is_object() || record.value("format", "") != kRecordFormat) return refuse("not a tenant key record");
  if (record.value("tenant", "") != expected_tenant) return refuse("it names another tenant");
  std::string master_id = record.value("master_key_id", "");
  if (master_id != master.id()) {
    return Fail(ErrorCode::kPermissionDenied, "the key of " + expected_tenant + " is wrapped by master key " +
                                                  master_id + ", this server has master key " + master.id());
  }
  auto wrapped = core::Base64Decode(record.value("wrapped", ""));
  if (!wrapped) return refuse("its wrapped key is not base64");
  TenantKey key{expected_tenant, record.value("key_id", ""), {}};
  auto bytes = UnwrapKey(master.bytes(), std::string(wrapped->begin(), wrapped->end()),
                         WrapContext(key.tenant, key.key_id));
  if (!bytes) return refuse(bytes.error().message);
  key.bytes = std::move(*bytes);
  return key;
}

core::Result<std::string> ReadWholeSiteFile(BackupSite& site, const std::string& path) {
  auto reader = site.OpenRead(path, 0);
  if (!reader) return core::Unexpected(reader.error());
  std::string content;
  while (content.size() <= kMaxRecordBytes) {
    auto piece = (*reader)->Read(kMaxRecordBytes);
    if (!piece) return core::Unexpected(piece.error());
    if (piece->empty()) break;
    content += *piece;
  }
  return content;
}

SiteOutcome Outcome(const NamedSite& site, const core::Result<void>& result) {
  return SiteOutcome{site.name, result.has_value(), result ? "" : result.error().message};
}

// Removes every record of `tenant` on a site, whatever master key wrapped it.
core::Result<void> RemoveFromSite(const NamedSite& site, const std::string& tenant,
                                  const std::string& keep_master_id = "") {
  auto entries = site.site->List("keys");
  if (!entries && entries.error().code == ErrorCode::kNotFound) return {};
  if (!entries) return core::Unexpected(entries.error());
  std::string prefix = tenant + ".";
  for (const auto& entry : *entries) {
    if (entry.name.rfind(prefix, 0) != 0) continue;
    if (!keep_master_id.empty() && entry.name == tenant + "." + keep_master_id + ".key") continue;
    auto removed = site.site->Remove("keys/" + entry.name);
    if (!removed && removed.error().code != ErrorCode::kNotFound) return removed;
  }
  return {};
}

}  // namespace

core::Result<void> CheckKeyTenantName(const std::string& tenant) {
  bool ok = !tenant.empty() && tenant.size() <= 63;
  for (char c : tenant) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
  if (!ok) return Fail(ErrorCode::kInvalidArgument, "a tenant key name is 1..63 characters of [a-z0-9_]");
  return {};
}

TenantKeyStore::TenantKeyStore(std::string local_directory, MasterKey master, std::vector<NamedSite> sites)
    : local_directory_(std::move(local_directory)), master_(std::move(master)), sites_(std::move(sites)) {}

std::string TenantKeyStore::LocalPath(const std::string& tenant, const char* suffix) const {
  return local_directory_ + "/" + tenant + suffix;
}

bool TenantKeyStore::Destroyed(const std::string& tenant) const {
  return std::filesystem::exists(LocalPath(tenant, ".destroyed"));
}

core::Result<void> TenantKeyStore::PushToSite(const NamedSite& site, const std::string& tenant,
                                              const std::string& record) {
  std::string path = SiteRecordPath(tenant, master_.id());
  auto existing = site.site->Stat(path);
  if (existing) return {};
  auto upload = site.site->BeginUpload(path);
  if (!upload) return core::Unexpected(upload.error());
  if (auto written = (*upload)->Write(record); !written) return written;
  auto committed = (*upload)->Commit();
  if (!committed) return core::Unexpected(committed.error());
  return {};
}

core::Result<TenantKey> TenantKeyStore::Create(const std::string& tenant, std::vector<SiteOutcome>* outcomes) {
  if (auto valid = CheckKeyTenantName(tenant); !valid) return core::Unexpected(valid.error());
  if (Destroyed(tenant)) {
    return Fail(ErrorCode::kPermissionDenied, "the key of " + tenant + " was destroyed; a tenant key is never recreated");
  }
  if (std::filesystem::exists(LocalPath(tenant, ".key"))) {
    return Fail(ErrorCode::kAlreadyExists, "tenant " + tenant + " already has a key");
  }
  core::RealFileSystem files;
  if (auto made = files.CreateDirectories(local_directory_, 0700); !made) return core::Unexpected(made.error());
  TenantKey key{tenant, core::RandomHex(8), NewDataKey()};
  std::string record = MakeRecord(key, master_);
  if (auto written = files.WriteFileAtomic(LocalPath(tenant, ".key"), record, 0600); !written) {
    return core::Unexpected(written.error());
  }
  for (const auto& site : sites_) {
    auto pushed = PushToSite(site, tenant, record);
    if (outcomes != nullptr) outcomes->push_back(Outcome(site, pushed));
  }
  return key;
}

core::Result<TenantKey> TenantKeyStore::Get(const std::string& tenant) {
  if (auto valid = CheckKeyTenantName(tenant); !valid) return core::Unexpected(valid.error());
  if (Destroyed(tenant)) {
    return Fail(ErrorCode::kPermissionDenied, "the key of " + tenant + " was destroyed: its backups cannot be read");
  }
  core::RealFileSystem files;
  auto local = files.ReadFile(LocalPath(tenant, ".key"));
  core::Error last{ErrorCode::kNotFound, "no key for tenant " + tenant + " here or on any site"};
  bool rotating = false;
  if (local) {
    auto key = OpenRecord(*local, tenant, master_);
    // Wrapped by another master key: a rotation under way (or this server
    // has not loaded the new key yet); a site may still hold our record.
    if (key || key.error().code != ErrorCode::kPermissionDenied) return key;
    last = key.error();
    rotating = true;
  }
  for (const auto& site : sites_) {
    auto remote = ReadWholeSiteFile(*site.site, SiteRecordPath(tenant, master_.id()));
    if (!remote) {
      if (remote.error().code != ErrorCode::kNotFound) last = remote.error();
      continue;
    }
    auto key = OpenRecord(*remote, tenant, master_);
    if (!key) {
      last = key.error();
      continue;
    }
    // The local copy comes back, so the next read needs no site.
    if (!rotating) {
      (void)files.CreateDirectories(local_directory_, 0700);
      (void)files.WriteFileAtomic(LocalPath(tenant, ".key"), *remote, 0600);
    }
    return key;
  }
  return core::Unexpected(last);
}

core::Result<std::vector<SiteOutcome>> TenantKeyStore::Destroy(const std::string& tenant) {
  if (auto valid = CheckKeyTenantName(tenant); !valid) return core::Unexpected(valid.error());
  core::RealFileSystem files;
  if (auto made = files.CreateDirectories(local_directory_, 0700); !made) return core::Unexpected(made.error());
  // The tombstone first: from here on, no path can use or push the key.
  if (auto marked = files.WriteFileAtomic(LocalPath(tenant, ".destroyed"), tenant + "\n", 0600); !marked) {
    return core::Unexpected(marked.error());
  }
  std::string local = LocalPath(tenant, ".key");
  if (auto content = files.ReadFile(local); content) {
    // Overwrite before unlinking, so the record is not left in free blocks
    // of an ordinary file system (best effort: SSDs and copy-on-write file
    // systems keep old blocks; the sites' copies are the real exposure).
    std::string zeros(content->size(), '\0');
    (void)files.WriteFileAtomic(local, zeros, 0600);
    (void)files.RemoveFile(local);
    (void)files.SyncDirectory(local_directory_);
  }
  std::vector<SiteOutcome> outcomes;
  for (const auto& site : sites_) outcomes.push_back(Outcome(site, RemoveFromSite(site, tenant)));
  return outcomes;
}

core::Result<std::vector<std::string>> TenantKeyStore::Tenants() const {
  std::vector<std::string> tenants;
  std::error_code ec;
  if (!std::filesystem::exists(local_directory_, ec)) return tenants;
  for (const auto& entry : std::filesystem::directory_iterator(local_directory_, ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.ends_with(".key")) tenants.push_back(name.substr(0, name.size() - 4));
  }
  if (ec) return Fail(ErrorCode::kIo, "cannot list " + local_directory_ + ": " + ec.message());
  return tenants;
}

std::vector<SiteOutcome> TenantKeyStore::Replicate() {
  std::vector<SiteOutcome> outcomes;
  core::RealFileSystem files;
  auto tenants = Tenants();
  std::vector<std::string> destroyed;
  std::error_code ec;
  if (std::filesystem::exists(local_directory_, ec)) {
    for (const auto& entry : std::filesystem::directory_iterator(local_directory_, ec)) {
      std::string name = entry.path().filename().string();
      if (name.ends_with(".destroyed")) destroyed.push_back(name.substr(0, name.size() - 10));
    }
  }
  for (const auto& site : sites_) {
    core::Result<void> result;
    for (const auto& tenant : tenants ? *tenants : std::vector<std::string>{}) {
      if (!result) break;
      auto record = files.ReadFile(LocalPath(tenant, ".key"));
      if (!record) continue;
      result = PushToSite(site, tenant, *record);
      // Records wrapped by an earlier master key (a rotation that could not
      // reach this site) go once the current one is there.
      if (result) result = RemoveFromSite(site, tenant, master_.id());
    }
    for (const auto& tenant : destroyed) {
      if (!result) break;
      result = RemoveFromSite(site, tenant);
    }
    outcomes.push_back(Outcome(site, result));
  }
  return outcomes;
}

core::Result<std::vector<TenantKey>> TenantKeyStore::KeysForRotation(const MasterKey& next) {
  auto tenants = Tenants();
  if (!tenants) return core::Unexpected(tenants.error());
  core::RealFileSystem files;
  std::vector<TenantKey> keys;
  for (const auto& tenant : *tenants) {
    auto key = Get(tenant);
    if (!key && key.error().code == ErrorCode::kPermissionDenied) {
      auto local = files.ReadFile(LocalPath(tenant, ".key"));
      if (local) key = OpenRecord(*local, tenant, next);
    }
    if (!key) {
      for (auto& done : keys) OPENSSL_cleanse(done.bytes.data(), done.bytes.size());
      return core::Unexpected(key.error());
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

std::vector<SiteOutcome> TenantKeyStore::PushWrappedBy(const MasterKey& next) {
  std::vector<SiteOutcome> outcomes;
  auto keys = KeysForRotation(next);
  if (!keys) {
    for (const auto& site : sites_) outcomes.push_back(SiteOutcome{site.name, false, keys.error().message});
    return outcomes;
  }
  for (const auto& site : sites_) {
    core::Result<void> result;
    for (const auto& key : *keys) {
      if (!result) break;
      std::string path = SiteRecordPath(key.tenant, next.id());
      if (site.site->Stat(path)) continue;
      auto upload = site.site->BeginUpload(path);
      if (!upload) {
        result = core::Unexpected(upload.error());
        break;
      }
      result = (*upload)->Write(MakeRecord(key, next));
      if (result) {
        auto committed = (*upload)->Commit();
        if (!committed) result = core::Unexpected(committed.error());
      }
    }
    outcomes.push_back(Outcome(site, result));
  }
  for (auto& key : *keys) OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
  return outcomes;
}

core::Result<void> TenantKeyStore::RewrapLocal(const MasterKey& next) {
  auto keys = KeysForRotation(next);
  if (!keys) return core::Unexpected(keys.error());
  core::RealFileSystem files;
  core::Result<void> result;
  for (const auto& key : *keys) {
    if (!result) break;
    result = files.WriteFileAtomic(LocalPath(key.tenant, ".key"), MakeRecord(key, next), 0600);
  }
  for (auto& key : *keys) OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
  if (result) master_ = next;
  return result;
}

core::Result<std::vector<SiteOutcome>> TenantKeyStore::RotateMaster(const MasterKey& next) {
  auto tenants = Tenants();
  if (!tenants) return core::Unexpected(tenants.error());
  // Every key must open under the current master before anything changes.
  std::vector<TenantKey> keys;
  for (const auto& tenant : *tenants) {
    auto key = Get(tenant);
    if (!key) return core::Unexpected(key.error());
    keys.push_back(std::move(*key));
  }
  core::RealFileSystem files;
  std::vector<SiteOutcome> outcomes;
  master_ = next;
  for (const auto& key : keys) {
    std::string record = MakeRecord(key, master_);
    if (auto written = files.WriteFileAtomic(LocalPath(key.tenant, ".key"), record, 0600); !written) {
      return core::Unexpected(written.error());
    }
  }
  for (const auto& site : sites_) {
    core::Result<void> result;
    for (const auto& key : keys) {
      if (!result) break;
      result = PushToSite(site, key.tenant, MakeRecord(key, master_));
      if (result) result = RemoveFromSite(site, key.tenant, master_.id());
    }
    outcomes.push_back(Outcome(site, result));
  }
  for (auto& key : keys) OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
  return outcomes;
}

}  // namespace citadel::backup
