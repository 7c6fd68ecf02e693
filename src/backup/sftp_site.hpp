// A site that is a directory on an SFTP server, usually in another data
// center. Security is not negotiable here: the server must present the host
// key pinned in the site's configuration (never trust on first use, never a
// known_hosts file), and the client logs in only with the configured private
// key (no password, no agent, no ~/.ssh/config).
//
// The connection is opened on first use and opened again on the next call
// after it failed, so a site that was down works again without a restart;
// retrying a failed copy (with back-off) is the caller's job. No request
// waits for the server longer than `timeout`, even when it hangs
// (sftp_connection.hpp). Writes are gathered into requests of up to 224 KiB,
// each waiting for its reply (libssh 0.10 has no pipelined writes), so
// throughput is about that much per round trip.
//
// Errors: kUnavailable when the server cannot be reached, presents another
// host key, or refuses the login (the message shows the key it presented, so
// an operator can compare it out of band); kTimeout when it stops answering;
// kNotFound, kAlreadyExists, kPermissionDenied as the server says;
// kResourceExhausted when a write fails and the server's free space
// (statvfs@openssh.com) is nearly gone; SFTP reports a full disk only as a
// generic failure, so without that extension it is kIo ("the site may be
// full"); kIo otherwise. Messages never hold key material.
//
// Commit syncs the temporary file (fsync@openssh.com, where offered), reads
// it back whole, and renames it; OpenSSH's rename never replaces an existing
// file, and the final name is also checked first. SFTP cannot sync a
// directory, so the rename's durability is the server's filesystem's.
//
// Thread safety: as BackupSite. The site's uploads and readers share its
// connection, which serializes their calls.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "backup/backup_site.hpp"

namespace citadel::backup {

struct SftpSiteOptions {
  std::string host;
  int port = 22;
  std::string user;
  std::string private_key_path;  // an unencrypted OpenSSH private key file
  // The server's public host key as ssh-keyscan or known_hosts print it
  // ("ssh-ed25519 AAAA...", a leading host name and a trailing comment are
  // ignored). Required: without it every connection is refused, and the
  // message shows the key the server presented.
  std::string pinned_host_key;
  std::string root;                          // an absolute directory on the server; it must exist
  std::chrono::milliseconds timeout{10000};  // for each network operation
};

class SftpConnector;

class SftpSite final : public BackupSite {
 public:
  explicit SftpSite(SftpSiteOptions options);
  ~SftpSite() override;

  SiteKind kind() const override { return SiteKind::kSftp; }
  core::Result<std::unique_ptr<SiteUpload>> BeginUpload(std::string_view path) override;
  core::Result<std::unique_ptr<SiteReader>> OpenRead(std::string_view path,
                                                     std::uint64_t offset) override;
  core::Result<std::vector<SiteEntry>> List(std::string_view directory) override;
  core::Result<SiteEntry> Stat(std::string_view path) override;
  core::Result<void> Remove(std::string_view path) override;
  SiteHealth Check() override;

  // Connects without logging in and returns the host key the server
  // presents, as a line to pin ("ssh-ed25519 AAAA..."). It is NOT verified:
  // `citadel site add` shows it with its fingerprint, and the operator
  // compares that with the server's own before pinning it.
  static core::Result<std::string> FetchHostKey(const std::string& host, int port,
                                                std::chrono::milliseconds timeout);

 private:
  // The absolute path on the server of a site path (checked).
  core::Result<std::string> Resolve(std::string_view path) const;

  std::string root_;
  std::shared_ptr<SftpConnector> connector_;
};

}  // namespace citadel::backup
