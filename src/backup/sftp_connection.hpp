// One logged-in SFTP session to a site's server (SftpConnection), and the
// handle that opens one on first use and a new one after a failure
// (SftpConnector). Private to the SFTP site (sftp_site.cpp).
//
// Opening a connection: the private key is read, the TCP connection and key
// exchange are made with libssh reading no configuration of its own (no
// ~/.ssh/config, no known_hosts, no agent), the host key the server presents
// must equal the pinned one, and only then does the client log in.
//
// Time: libssh 0.10 bounds connecting by SSH_OPTIONS_TIMEOUT, but its SFTP
// calls retry a channel read that timed out without end, so a server that
// hangs would hold a backup forever. Each connection therefore has a
// watchdog thread: every use runs as a Call with a deadline armed, and when
// the deadline passes the socket is shut down, which makes libssh fail the
// call at once. A connection that failed at the transport level is broken
// for good; the connector opens a new one on the next Get.
//
// Thread safety: libssh sessions are not thread-safe, so a Call holds the
// connection's mutex; any thread may make Calls. SftpConnector is
// thread-safe. Uploads and readers keep their connection alive (shared_ptr)
// for as long as their file handle is open on it.
#pragma once

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>

#include "backup/sftp_site.hpp"
#include "core/result.hpp"

namespace citadel::backup {

class SocketDeadline;

class SftpConnection {
 public:
  // kUnavailable when the server cannot be reached, presents a host key other
  // than the pinned one, or refuses the login; kInvalidArgument when the
  // options are incomplete.
  static core::Result<std::shared_ptr<SftpConnection>> Open(const SftpSiteOptions& options);
  ~SftpConnection();
  SftpConnection(const SftpConnection&) = delete;
  SftpConnection& operator=(const SftpConnection&) = delete;

  // One exclusive, time-bounded use of the connection. Make the libssh calls
  // with sftp(); when one fails, Failure() says why.
  class Call {
   public:
    explicit Call(SftpConnection& connection);
    ~Call();
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

    sftp_session sftp() const { return connection_.sftp_; }
    // Starts the deadline again, for each step of a long transfer.
    void Renew();
    // Why the libssh call just made failed: kTimeout when the deadline cut
    // it, kUnavailable when the connection is lost (it is then broken),
    // otherwise the server's SFTP status as a code. `what` says what was
    // being done, e.g. "cannot open /srv/backups/x".
    core::Error Failure(const std::string& what) const;
    // The SFTP status of the last reply (SSH_FX_*).
    int status() const;

   private:
    SftpConnection& connection_;
    std::unique_lock<std::mutex> lock_;
  };

  bool broken() const { return broken_.load(); }
  // False, and broken from then on, when the server closed the connection
  // while it was idle (a restart): checked without waiting, before reuse.
  bool StillOpen();
  bool can_fsync() const { return can_fsync_; }
  bool can_statvfs() const { return can_statvfs_; }
  // Bytes per read or write request the server is known to accept.
  std::size_t transfer_chunk() const { return transfer_chunk_; }
  // "user@host:port", for messages.
  const std::string& label() const { return label_; }

 private:
  SftpConnection(std::string label, std::chrono::milliseconds timeout);
  core::Result<void> Connect(const SftpSiteOptions& options);

  std::string label_;
  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::unique_ptr<SocketDeadline> deadline_;
  ssh_session session_ = nullptr;
  sftp_session sftp_ = nullptr;
  std::atomic<bool> broken_{false};
  bool can_fsync_ = false;
  bool can_statvfs_ = false;
  std::size_t transfer_chunk_ = 32 * 1024;
};

class SftpConnector {
 public:
  explicit SftpConnector(SftpSiteOptions options) : options_(std::move(options)) {}
  // The live connection: the current one, or a new one when there is none,
  // the last one broke, or the server closed it. A connection that died
  // unnoticed fails one call with kUnavailable; the next call makes a new one.
  core::Result<std::shared_ptr<SftpConnection>> Get();
  const SftpSiteOptions& options() const { return options_; }

 private:
  const SftpSiteOptions options_;
  std::mutex mutex_;
  std::shared_ptr<SftpConnection> current_;
};

// The host key a server presents, as "type base64", without verifying it.
core::Result<std::string> FetchPresentedHostKey(const std::string& host, int port,
                                                std::chrono::milliseconds timeout);

}  // namespace citadel::backup
