// Where the process-wide logger's lines go once `citadel serve` starts
// (Logger::StartBuffering; other commands write each line at once): a bounded
// in-memory buffer that a writer thread of its own empties to stderr.
//
// Why: the HTTPS edge writes one access-log line per request on its I/O
// thread. Written at once, (1) every request paid a write(2) on that thread
// (on the VMs we run on a system call costs more than the work around it, and
// per-request system calls bound throughput), and (2) a slow stderr consumer
// (a full pipe to journald, a terminal) stalled the I/O thread and every
// connection it serves.
//
// How: Append() copies the line under a short mutex and never waits for I/O.
// The writer sleeps until the first line after it went idle, waits a short
// coalescing interval, writes everything pending in one write(2) (more only on
// a partial write), and sleeps again: no wake-up per line and none when idle.
// An urgent line (the logger's error level) or a buffer past its high-water
// mark cuts the interval short.
//
// What is traded: a line reaches stderr up to the coalescing interval later;
// lines still in the buffer are lost if the process is killed (SIGKILL) or
// crashes (abort, a fatal signal); when the buffer is full a line is dropped
// and counted, and the next write starts with one warn line giving the count.
// Only a consumer slower than the server fills 4 MiB.
//
// Thread-safe. The destructor (or Stop()) writes what is pending and joins the
// writer; after that Append() writes each line at once, under the mutex, so a
// line logged late in process exit is still written, in order. The writer
// thread blocks every signal (a process that sigwait()s keeps them for its
// own thread). In a child of fork() there is no writer thread: Append() there
// writes at once without taking the mutex (another thread of the parent may
// have held it at fork time), and Stop() does nothing.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace citadel::core {

struct BufferedLogSinkOptions {
  // Pending bytes beyond which a line is dropped (the batch being written is
  // not counted: memory is at most about twice this).
  std::size_t capacity_bytes = 4 << 20;
  // Pending bytes that make the writer write without finishing its interval.
  std::size_t high_water_bytes = 64 << 10;
  std::chrono::milliseconds coalescing_interval{30};
};

class BufferedLogSink {
 public:
  // Writes a batch (whole lines) completely, or gives up on it. Called on the
  // writer thread outside the sink's mutex; after Stop() on the caller's
  // thread under it; in a forked child on the caller's thread.
  using WriteFunction = std::function<void(std::string_view bytes)>;

  // Writes to `fd` with write(2), retrying on EINTR and after a partial write;
  // gives up on the batch on any other error (nowhere to report it).
  static WriteFunction FileDescriptorWriter(int fd);

  explicit BufferedLogSink(WriteFunction write = FileDescriptorWriter(2),
                           BufferedLogSinkOptions options = {});
  ~BufferedLogSink();
  BufferedLogSink(const BufferedLogSink&) = delete;
  BufferedLogSink& operator=(const BufferedLogSink&) = delete;

  // `line` ends with '\n'. `urgent` wakes the writer without the interval.
  void Append(std::string_view line, bool urgent = false);

  // Writes everything pending, joins the writer; later lines are written at
  // once. Idempotent; the destructor calls it.
  void Stop();

 private:
  void Run();
  // Prepends the dropped-lines warning, if any, and writes.
  void WriteBatch(std::string& batch, std::uint64_t dropped);
  bool InForkedChild() const;

  const WriteFunction write_;
  const BufferedLogSinkOptions options_;
  const std::uint64_t fork_generation_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::string pending_;
  std::uint64_t dropped_ = 0;
  bool writer_idle_ = false;  // waiting with nothing pending: the next line wakes it
  bool flush_now_ = false;    // an urgent line or the high-water mark: no interval
  bool stopping_ = false;
  bool stopped_ = false;  // joined: Append() writes at once
  std::string batch_;     // the writer's; swapped with pending_ under the mutex
  std::thread writer_;
};

}  // namespace citadel::core
