#include "backup/sftp_read_ahead.hpp"

#include <algorithm>

namespace citadel::backup {

SftpReadAhead::SftpReadAhead(sftp_file file, std::uint64_t offset, std::uint64_t expected_end, std::size_t chunk)
    : file_(file), position_(offset), requested_(offset), expected_end_(expected_end), buffer_(chunk, '\0') {}

std::optional<std::string_view> SftpReadAhead::Next() {
  const auto capacity = static_cast<std::uint32_t>(buffer_.size());
  if (seek_needed_) {
    // libssh requests from the file's own offset, which a short reply leaves
    // wrong while later requests are in flight.
    if (sftp_seek64(file_, position_) != 0) return std::nullopt;
    seek_needed_ = false;
  }
  if (ahead_) {
    while (in_flight_.size() < kDepth && requested_ < expected_end_) {
      auto length = static_cast<std::uint32_t>(std::min<std::uint64_t>(capacity, expected_end_ - requested_));
      int id = sftp_async_read_begin(file_, length);
      if (id < 0) return std::nullopt;
      in_flight_.push_back(Request{id, length});
      requested_ += length;
    }
    if (!in_flight_.empty()) {
      Request request = in_flight_.front();
      in_flight_.pop_front();
      // Asked with the request's own length: libssh moves the file's offset
      // back by what a reply lacks against the length given here.
      int n = sftp_async_read(file_, buffer_.data(), request.length, static_cast<std::uint32_t>(request.id));
      if (n < 0) return std::nullopt;
      position_ += static_cast<std::uint64_t>(n);
      if (static_cast<std::uint32_t>(n) < request.length) {
        ahead_ = false;
        seek_needed_ = true;
        if (!Drain()) return std::nullopt;
      }
      if (n > 0) return std::string_view(buffer_.data(), static_cast<std::size_t>(n));
    } else {
      ahead_ = false;  // the expected size is read: the rest, if any, one request at a time
    }
    if (sftp_seek64(file_, position_) != 0) return std::nullopt;
    seek_needed_ = false;
  }
  ssize_t n = sftp_read(file_, buffer_.data(), buffer_.size());
  if (n < 0) return std::nullopt;
  position_ += static_cast<std::uint64_t>(n);
  return std::string_view(buffer_.data(), static_cast<std::size_t>(n));
}

bool SftpReadAhead::Drain() {
  if (in_flight_.empty()) return true;
  bool ok = true;
  // Not into buffer_: it may hold the piece Next is about to return.
  std::string scratch(buffer_.size(), '\0');
  for (const auto& request : in_flight_) {
    ok = sftp_async_read(file_, scratch.data(), request.length, static_cast<std::uint32_t>(request.id)) >= 0 && ok;
  }
  in_flight_.clear();
  return ok;
}

}  // namespace citadel::backup
