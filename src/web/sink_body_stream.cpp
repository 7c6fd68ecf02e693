#include "web/sink_body_stream.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "core/logger.hpp"

namespace citadel::web {

struct SinkBodyStream::State {
  std::mutex mutex;
  std::condition_variable room;  // the producer waits here for the client
  std::deque<std::string> chunks;
  std::size_t buffered = 0;
  std::size_t max_buffered = 0;
  bool ended = false;      // the producer closed its sink
  bool failed = false;     // the producer ended with an error
  bool cancelled = false;  // the edge stopped asking
  std::function<void(std::optional<std::string>)> waiting;  // a Next not answered yet

  // Hands the next chunk (or the end) to a waiting Next; call with the lock
  // held, returns what to call after unlocking.
  std::function<void()> AnswerWaiting() {
    if (!waiting) return {};
    if (!chunks.empty()) {
      std::string chunk = std::move(chunks.front());
      chunks.pop_front();
      buffered -= chunk.size();
      room.notify_all();
      return [deliver = std::exchange(waiting, nullptr), chunk = std::move(chunk)]() mutable {
        deliver(std::move(chunk));
      };
    }
    // The stream ended (or failed) with nothing left: the edge only asks
    // while bytes are due, so this is a failure either way.
    if (ended || failed) {
      return [deliver = std::exchange(waiting, nullptr)] { deliver(std::nullopt); };
    }
    return {};
  }
};

namespace {

// The producer's sink: chunks into the shared queue, waiting for room.
class QueueSink final : public backup::ByteSink {
 public:
  explicit QueueSink(std::shared_ptr<SinkBodyStream::State> state) : state_(std::move(state)) {}
  core::Result<void> Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const std::size_t size = std::min(bytes.size(), kSinkChunkBytes);
      std::function<void()> answer;
      {
        std::unique_lock lock(state_->mutex);
        state_->room.wait(lock, [&] { return state_->cancelled || state_->buffered < state_->max_buffered; });
        if (state_->cancelled) return core::Fail(core::ErrorCode::kUnavailable, "the download was cancelled");
        state_->chunks.emplace_back(bytes.substr(0, size));
        state_->buffered += size;
        answer = state_->AnswerWaiting();
      }
      if (answer) answer();
      bytes.remove_prefix(size);
    }
    return {};
  }
  core::Result<void> Close() override {
    std::function<void()> answer;
    {
      std::lock_guard lock(state_->mutex);
      state_->ended = true;
      answer = state_->AnswerWaiting();
    }
    if (answer) answer();
    return {};
  }

 private:
  std::shared_ptr<SinkBodyStream::State> state_;
};

}  // namespace

std::shared_ptr<SinkBodyStream> SinkBodyStream::Start(Producer producer, std::function<void()> on_finished,
                                                      std::size_t max_buffered) {
  auto state = std::make_shared<State>();
  state->max_buffered = std::max(max_buffered, kSinkChunkBytes);
  std::thread([state, producer = std::move(producer), on_finished = std::move(on_finished)] {
    QueueSink sink(state);
    auto produced = producer(sink);
    std::function<void()> answer;
    {
      std::lock_guard lock(state->mutex);
      if (!produced) {
        state->failed = true;
        if (!state->cancelled) {
          core::Log().Warn("a streamed download failed", {{"error", produced.error().message}});
        }
      }
      answer = state->AnswerWaiting();
    }
    if (answer) answer();
    if (on_finished) on_finished();
  }).detach();
  return std::shared_ptr<SinkBodyStream>(new SinkBodyStream(std::move(state)));
}

SinkBodyStream::~SinkBodyStream() { Cancel(); }

void SinkBodyStream::Next(std::function<void(std::optional<std::string>)> deliver) {
  std::function<void()> answer;
  {
    std::lock_guard lock(state_->mutex);
    if (state_->cancelled) return;
    state_->waiting = std::move(deliver);
    answer = state_->AnswerWaiting();
  }
  if (answer) answer();
}

void SinkBodyStream::Cancel() {
  std::lock_guard lock(state_->mutex);
  state_->cancelled = true;
  state_->waiting = nullptr;
  state_->chunks.clear();
  state_->buffered = 0;
  state_->room.notify_all();
}

}  // namespace citadel::web
