// SinkBodyStream: an http::BodyStream fed by a producer that writes into a
// backup::ByteSink on a thread of its own — how a download that is made by
// pushing (BackupService::Export decrypts and writes) is sent by pulling
// (the edge asks for the next chunk once the last one is on the wire).
//
// Memory is bounded: the producer blocks while `max_buffered` bytes wait
// for the client (chunks of at most kSinkChunkBytes), so a slow client slows
// the decryption instead of growing a buffer. Cancel (the client left, the
// server stops) makes the producer's next write fail, which ends it; the
// thread is detached and owns only the shared state, so nothing waits for it
// on an I/O thread. `on_finished` runs on the producer's thread when it ends
// (the caller's slot accounting).
//
// Thread-safe, as BodyStream requires.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "backup/byte_sink.hpp"
#include "core/result.hpp"
#include "http/body_stream.hpp"

namespace citadel::web {

inline constexpr std::size_t kSinkChunkBytes = 256 * 1024;

class SinkBodyStream final : public http::BodyStream {
 public:
  using Producer = std::function<core::Result<void>(backup::ByteSink& out)>;

  // Starts the producer's thread.
  static std::shared_ptr<SinkBodyStream> Start(Producer producer, std::function<void()> on_finished,
                                               std::size_t max_buffered = 1024 * 1024);
  ~SinkBodyStream() override;

  void Next(std::function<void(std::optional<std::string>)> deliver) override;
  void Cancel() override;

  struct State;  // shared with the producer's thread

 private:
  explicit SinkBodyStream(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

}  // namespace citadel::web
