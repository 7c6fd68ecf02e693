#include "core/buffered_log_sink.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <utility>

#include "core/logger.hpp"

namespace citadel::core {
namespace {

// Bumped in every child of fork(): a sink made before it has no writer thread
// there, and its mutex may be held forever by a thread that does not exist.
std::atomic<std::uint64_t> fork_generation{0};

std::uint64_t CurrentForkGeneration() {
  static const bool registered = [] {
    ::pthread_atfork(nullptr, nullptr,
                     [] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)registered;
  return fork_generation.load(std::memory_order_relaxed);
}

// A burst (a slow consumer) may grow a buffer to the capacity; an idle server
// need not keep that much.
constexpr std::size_t kKeptBufferBytes = 256 << 10;

}  // namespace

BufferedLogSink::WriteFunction BufferedLogSink::FileDescriptorWriter(int fd) {
  return [fd](std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd, bytes.data(), bytes.size());
      if (n >= 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN) {  // a non-blocking stderr shared with a parent
        pollfd writable{fd, POLLOUT, 0};
        if (::poll(&writable, 1, -1) >= 0 || errno == EINTR) continue;
      }
      return;  // EPIPE, EBADF...: nowhere left to say so
    }
  };
}

BufferedLogSink::BufferedLogSink(WriteFunction write, BufferedLogSinkOptions options)
    : write_(std::move(write)), options_(options), fork_generation_(CurrentForkGeneration()) {
  // The thread starts with every signal blocked: the server takes SIGTERM
  // with sigwait() on its main thread, and the logger may be made first.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);
  writer_ = std::thread([this] { Run(); });
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ::pthread_setname_np(writer_.native_handle(), "log-writer");
}

BufferedLogSink::~BufferedLogSink() {
  Stop();
  if (writer_.joinable()) writer_.detach();  // a forked child's copy: no such thread here
}

bool BufferedLogSink::InForkedChild() const {
  return fork_generation_ != fork_generation.load(std::memory_order_relaxed);
}

void BufferedLogSink::Append(std::string_view line, bool urgent) {
  if (InForkedChild()) {
    write_(line);
    return;
  }
  bool wake = false;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) {
      write_(line);  // under the mutex, as the logger did before: order is kept
      return;
    }
    if (pending_.size() + line.size() > options_.capacity_bytes) {
      ++dropped_;
      return;
    }
    pending_.append(line);
    if (writer_idle_) {
      writer_idle_ = false;
      wake = true;
    }
    if (!flush_now_ && (urgent || pending_.size() >= options_.high_water_bytes)) {
      flush_now_ = true;
      wake = true;  // no futex call if the writer is busy writing rather than waiting
    }
  }
  if (wake) wake_.notify_one();
}

void BufferedLogSink::Run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (pending_.empty() && dropped_ == 0) {
      if (stopping_) return;
      writer_idle_ = true;
      wake_.wait(lock, [this] { return !writer_idle_ || stopping_; });
      writer_idle_ = false;
      continue;
    }
    if (!flush_now_ && !stopping_) {
      wake_.wait_for(lock, options_.coalescing_interval,
                     [this] { return flush_now_ || stopping_; });
    }
    flush_now_ = false;
    batch_.swap(pending_);
    const std::uint64_t dropped = std::exchange(dropped_, 0);
    lock.unlock();
    WriteBatch(batch_, dropped);
    lock.lock();
  }
}

void BufferedLogSink::WriteBatch(std::string& batch, std::uint64_t dropped) {
  if (dropped > 0) {
    const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    batch.insert(
        0, Logger::Format(LogLevel::kWarn, "log lines dropped: stderr was slower than the server",
                          {{"dropped", static_cast<std::int64_t>(dropped)}}, now));
  }
  if (!batch.empty()) write_(batch);
  batch.clear();
  if (batch.capacity() > kKeptBufferBytes) std::string().swap(batch);
}

void BufferedLogSink::Stop() {
  if (InForkedChild()) return;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_one();
  writer_.join();
  std::lock_guard lock(mutex_);
  stopped_ = true;
  // Lines appended after the writer's last look.
  const std::uint64_t dropped = std::exchange(dropped_, 0);
  batch_.swap(pending_);
  WriteBatch(batch_, dropped);
}

}  // namespace citadel::core
