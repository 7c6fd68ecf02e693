// Reading an SFTP file with several requests in flight (libssh 0.10's
// sftp_async_read_begin / sftp_async_read), for the commit's re-read and for
// restores: with one request at a time, each piece costs a round trip (3.7 s
// of a 1 GiB tenant's backup over loopback; far more to another data
// center), while the server could be reading and sending the next ones.
//
// Read-ahead covers [offset, expected_end): the size the caller knows (what
// it wrote, or what fstat said). After that, and after any reply shorter
// than asked (a server with a smaller read limit, a file cut short), the rest
// is read one request at a time from where the data stopped, to the end of
// the file: a file of another size than expected still reads whole and in
// order, so a digest over it tells.
//
// Private to the SFTP site. Every call must be made inside a
// SftpConnection::Call on the file's connection; call Drain before closing
// the file (libssh keeps the replies still due otherwise).
#pragma once

#include <libssh/sftp.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace citadel::backup {

class SftpReadAhead {
 public:
  static constexpr std::size_t kDepth = 8;  // requests in flight

  SftpReadAhead(sftp_file file, std::uint64_t offset, std::uint64_t expected_end, std::size_t chunk);

  // The next piece (valid until the next call), empty at the end of the
  // file; nullopt when a libssh call failed (Call::Failure says why; ask it
  // before Drain).
  std::optional<std::string_view> Next();
  // Reads and drops the replies still due; false if one fails.
  bool Drain();
  // Bytes returned so far, from the start of the file.
  std::uint64_t position() const { return position_; }

 private:
  struct Request {
    int id;
    std::uint32_t length;
  };

  sftp_file file_;
  std::uint64_t position_;
  std::uint64_t requested_;
  std::uint64_t expected_end_;
  std::string buffer_;
  std::deque<Request> in_flight_;
  bool ahead_ = true;       // still in the read-ahead range, all replies full
  bool seek_needed_ = true;  // the file's offset must be set before the next request
};

}  // namespace citadel::backup
