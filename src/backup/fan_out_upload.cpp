#include "backup/fan_out_upload.hpp"

namespace citadel::backup {

FanOutUpload::FanOutUpload(const std::vector<NamedSite>& sites, const std::string& path) {
  for (const auto& site : sites) {
    outcomes_.push_back(CopyOutcome{site.name, std::nullopt, {}});
    auto upload = site.site->BeginUpload(path);
    if (upload) {
      uploads_.push_back(std::move(*upload));
    } else {
      uploads_.push_back(nullptr);
      outcomes_.back().error = upload.error().message;
    }
  }
}

FanOutUpload::~FanOutUpload() { Abort(); }

std::size_t FanOutUpload::alive() const {
  std::size_t count = 0;
  for (const auto& upload : uploads_) count += upload != nullptr;
  return count;
}

core::Result<void> FanOutUpload::Write(std::string_view bytes) {
  for (std::size_t i = 0; i < uploads_.size(); ++i) {
    if (!uploads_[i]) continue;
    if (auto written = uploads_[i]->Write(bytes); !written) {
      outcomes_[i].error = written.error().message;
      uploads_[i]->Abort();
      uploads_[i].reset();
    }
  }
  if (alive() == 0) return core::Fail(core::ErrorCode::kUnavailable, "no site could take the backup");
  return {};
}

core::Result<void> FanOutUpload::Close() {
  for (std::size_t i = 0; i < uploads_.size(); ++i) {
    if (!uploads_[i]) continue;
    auto committed = uploads_[i]->Commit();
    if (committed) {
      outcomes_[i].copy = *committed;
    } else {
      outcomes_[i].error = committed.error().message;
      uploads_[i]->Abort();
    }
    uploads_[i].reset();
  }
  for (const auto& outcome : outcomes_) {
    if (outcome.copy) return {};
  }
  return core::Fail(core::ErrorCode::kUnavailable, "no site holds a committed copy of the backup");
}

void FanOutUpload::Abort() {
  for (auto& upload : uploads_) {
    if (upload) upload->Abort();
    upload.reset();
  }
}

}  // namespace citadel::backup
