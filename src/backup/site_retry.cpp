#include "backup/site_retry.hpp"

#include <algorithm>
#include <thread>

#include "core/sha256.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr std::size_t kRetryCopyChunk = 1 << 20;

// The digest and size of what `site` holds at `path`.
core::Result<SiteCopy> DigestOfSiteFile(BackupSite& site, const std::string& path) {
  auto reader = site.OpenRead(path, 0);
  if (!reader) return core::Unexpected(reader.error());
  core::Sha256Stream digest;
  while (true) {
    auto piece = (*reader)->Read(kRetryCopyChunk);
    if (!piece) return core::Unexpected(piece.error());
    if (piece->empty()) break;
    digest.Update(*piece);
  }
  return SiteCopy{path, digest.bytes(), digest.HexDigest()};
}

}  // namespace

std::chrono::milliseconds RetryDelay(const CopyRetryPolicy& policy, int attempt) {
  auto delay = policy.first_delay;
  for (int i = 0; i < attempt && delay < policy.max_delay; ++i) delay *= 2;
  return std::min(delay, policy.max_delay);
}

core::Result<SiteCopy> CopyBetweenSites(BackupSite& source, BackupSite& target, const std::string& path,
                                        const SiteCopy& expected) {
  auto reader = source.OpenRead(path, 0);
  if (!reader) return core::Unexpected(reader.error());
  auto upload = target.BeginUpload(path);
  if (!upload) {
    if (upload.error().code != ErrorCode::kAlreadyExists) return core::Unexpected(upload.error());
  } else {
    core::Sha256Stream digest;
    auto copied = [&]() -> core::Result<void> {
      while (true) {
        auto piece = (*reader)->Read(kRetryCopyChunk);
        if (!piece) return core::Unexpected(piece.error());
        if (piece->empty()) break;
        digest.Update(*piece);
        if (auto written = (*upload)->Write(*piece); !written) return written;
      }
      // Checked before the commit: a source that reads back wrong is
      // never published on another site.
      if (digest.HexDigest() != expected.sha256_hex || digest.bytes() != expected.size) {
        return Fail(ErrorCode::kInternal, "the source copy read back differs from its record");
      }
      return {};
    }();
    if (!copied) {
      (*upload)->Abort();
      return core::Unexpected(copied.error());
    }
    auto committed = (*upload)->Commit();
    if (committed) {
      if (committed->sha256_hex != expected.sha256_hex) {
        return Fail(ErrorCode::kInternal, "the retried copy's digest differs from the backup's");
      }
      return committed;
    }
    (*upload)->Abort();
    if (committed.error().code != ErrorCode::kAlreadyExists) return core::Unexpected(committed.error());
  }
  // A file is already there: it counts only if it is this very backup.
  auto existing = DigestOfSiteFile(target, path);
  if (!existing) return core::Unexpected(existing.error());
  if (existing->sha256_hex != expected.sha256_hex) {
    return Fail(ErrorCode::kAlreadyExists, "another file is already at " + path);
  }
  return existing;
}

int RetryFailedCopies(const std::vector<NamedSite>& sites, const std::string& path,
                      std::vector<CopyOutcome>& outcomes, const CopyRetryPolicy& policy) {
  auto sleep = policy.sleep ? policy.sleep : [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
  auto site_named = [&](const std::string& name) -> BackupSite* {
    for (const auto& site : sites) {
      if (site.name == name) return site.site;
    }
    return nullptr;
  };
  int made = 0;
  for (int attempt = 0; attempt < policy.attempts; ++attempt) {
    bool missing = false;
    for (const auto& outcome : outcomes) missing = missing || !outcome.copy;
    bool any_source = false;
    for (const auto& outcome : outcomes) any_source = any_source || outcome.copy.has_value();
    if (!missing || !any_source) break;
    if (policy.stop && policy.stop()) break;
    sleep(RetryDelay(policy, attempt));
    if (policy.stop && policy.stop()) break;
    for (auto& target : outcomes) {
      if (target.copy) continue;
      BackupSite* target_site = site_named(target.site);
      if (target_site == nullptr) continue;
      std::string errors;
      for (const auto& source : outcomes) {
        if (!source.copy) continue;
        BackupSite* source_site = site_named(source.site);
        if (source_site == nullptr) continue;
        auto copied = CopyBetweenSites(*source_site, *target_site, path, *source.copy);
        if (copied) {
          target.copy = *copied;
          target.error.clear();
          ++made;
          break;
        }
        errors += (errors.empty() ? "" : "; ") + ("from " + source.site + ": ") + copied.error().message;
      }
      if (!target.copy) {
        target.error = errors + " (after " + std::to_string(attempt + 1) + " retr" + (attempt == 0 ? "y" : "ies") +
                       " with back-off)";
      }
    }
  }
  return made;
}

}  // namespace citadel::backup
