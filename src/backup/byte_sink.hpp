// The seam between the stages of a backup's pipeline (dump -> zstd ->
// AES-256-GCM -> sites): each stage writes its output to the next through a
// ByteSink, so nothing is ever held whole in memory and each stage is tested
// alone with a sink that collects.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"

namespace citadel::backup {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  // Takes the next bytes of the stream. An error ends the stream: the caller
  // stops writing and does not call Close.
  virtual core::Result<void> Write(std::string_view bytes) = 0;
  // The stream is complete: flush what is buffered and pass the end on.
  virtual core::Result<void> Close() = 0;
};

// A sink that keeps everything it is given, for tests and small payloads
// (a manifest, a wrapped key).
class StringSink final : public ByteSink {
 public:
  core::Result<void> Write(std::string_view bytes) override {
    data_.append(bytes);
    return {};
  }
  core::Result<void> Close() override {
    closed_ = true;
    return {};
  }
  const std::string& data() const { return data_; }
  bool closed() const { return closed_; }

 private:
  std::string data_;
  bool closed_ = false;
};

}  // namespace citadel::backup
