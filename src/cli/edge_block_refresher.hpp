// Keeps the edge's copy of blocked sources (http/edge_block_list.hpp) in step
// with the catalog (platform/login_failure_store.hpp), every two seconds, so
// that a block decided by any Citadel server, or lifted with `citadel
// security unblock`, takes effect on this one within that time. Once an
// hour it also deletes sign-in counters idle for a day. One thread of its
// own; a catalog error keeps the last list and is logged once per outage.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "http/edge_block_list.hpp"
#include "platform/login_failure_store.hpp"

namespace citadel::cli {

class EdgeBlockRefresher {
 public:
  EdgeBlockRefresher(platform::LoginFailureStore& store, std::shared_ptr<http::EdgeBlockList> list);
  ~EdgeBlockRefresher();
  EdgeBlockRefresher(const EdgeBlockRefresher&) = delete;
  EdgeBlockRefresher& operator=(const EdgeBlockRefresher&) = delete;

 private:
  void Run();
  void Refresh();

  platform::LoginFailureStore& store_;
  const std::shared_ptr<http::EdgeBlockList> list_;
  bool failing_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace citadel::cli
