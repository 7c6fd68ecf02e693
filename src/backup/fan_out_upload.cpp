#include "backup/fan_out_upload.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace citadel::backup {

// One site's upload and the thread that feeds it. The upload is used by the
// thread only, from its start until it is joined (uploads are used from one
// thread at a time); the queue and flags are shared under `mutex`.
struct FanOutUpload::Lane {
  std::unique_ptr<SiteUpload> upload;  // null when BeginUpload failed
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::shared_ptr<const std::string>> queue;
  std::size_t queued_bytes = 0;
  bool closing = false;  // no more bytes: commit once the queue is empty
  bool aborting = false;  // stop now, drop the queue
  bool failed = false;   // a write or the commit failed; `error` says why
  std::string error;
  std::optional<SiteCopy> copy;
  std::thread thread;

  void Run() {
    while (true) {
      std::shared_ptr<const std::string> piece;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return aborting || !queue.empty() || closing; });
        if (aborting) return;
        if (queue.empty()) break;  // closing, and everything written
        piece = std::move(queue.front());
        queue.pop_front();
        queued_bytes -= piece->size();
      }
      changed.notify_all();  // room for the producer
      if (auto written = upload->Write(*piece); !written) {
        Fail(written.error().message);
        return;
      }
    }
    auto committed = upload->Commit();
    std::lock_guard lock(mutex);
    if (committed) {
      copy = std::move(*committed);
    } else {
      failed = true;
      error = committed.error().message;
    }
  }

  void Fail(std::string message) {
    {
      std::lock_guard lock(mutex);
      failed = true;
      error = std::move(message);
      queue.clear();
      queued_bytes = 0;
    }
    changed.notify_all();
  }

  bool Failed() {
    std::lock_guard lock(mutex);
    return failed;
  }
};

FanOutUpload::FanOutUpload(const std::vector<NamedSite>& sites, const std::string& path) {
  for (const auto& site : sites) {
    outcomes_.push_back(CopyOutcome{site.name, std::nullopt, {}});
    auto lane = std::make_unique<Lane>();
    auto upload = site.site->BeginUpload(path);
    if (upload) {
      lane->upload = std::move(*upload);
      lane->thread = std::thread([raw = lane.get()] { raw->Run(); });
    } else {
      lane->failed = true;
      lane->error = upload.error().message;
    }
    lanes_.push_back(std::move(lane));
  }
}

FanOutUpload::~FanOutUpload() { Abort(); }

std::size_t FanOutUpload::alive() const {
  std::size_t count = 0;
  for (const auto& lane : lanes_) count += !lane->Failed();
  return count;
}

core::Result<void> FanOutUpload::Write(std::string_view bytes) {
  if (finished_) return core::Fail(core::ErrorCode::kInternal, "upload already finished");
  auto piece = std::make_shared<const std::string>(bytes);
  bool any = false;
  for (auto& lane : lanes_) {
    std::unique_lock lock(lane->mutex);
    // A piece larger than the whole queue still goes, alone.
    lane->changed.wait(lock, [&] {
      return lane->failed || lane->queue.empty() || lane->queued_bytes + piece->size() <= kQueueBytes;
    });
    if (lane->failed) continue;
    lane->queue.push_back(piece);
    lane->queued_bytes += piece->size();
    any = true;
    lock.unlock();
    lane->changed.notify_all();
  }
  if (!any) return core::Fail(core::ErrorCode::kUnavailable, "no site could take the backup");
  return {};
}

void FanOutUpload::Finish(bool commit) {
  if (finished_) return;
  finished_ = true;
  for (auto& lane : lanes_) {
    {
      std::lock_guard lock(lane->mutex);
      (commit ? lane->closing : lane->aborting) = true;
    }
    lane->changed.notify_all();
  }
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    Lane& lane = *lanes_[i];
    if (lane.thread.joinable()) lane.thread.join();
    // The thread is gone: the upload is this thread's now.
    if (lane.upload && !lane.copy) lane.upload->Abort();
    lane.upload.reset();
    outcomes_[i].copy = lane.copy;
    if (lane.failed) outcomes_[i].error = lane.error;
  }
}

core::Result<void> FanOutUpload::Close() {
  Finish(true);
  for (const auto& outcome : outcomes_) {
    if (outcome.copy) return {};
  }
  return core::Fail(core::ErrorCode::kUnavailable, "no site holds a committed copy of the backup");
}

void FanOutUpload::Abort() { Finish(false); }

}  // namespace citadel::backup
