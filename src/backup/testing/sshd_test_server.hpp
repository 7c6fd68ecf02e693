// A real OpenSSH server for tests of the SFTP site: /usr/sbin/sshd on
// 127.0.0.1 and a free port, in a fresh temporary directory that holds its
// configuration, an ed25519 host key, a client key pair whose public half is
// the only authorized key, its log, and the directory used as the site's root.
// Only the user the test runs as may log in, with the client key, and only
// SFTP (internal-sftp) is served, unless `allow_commands`.
//
// As root (CI), sshd runs as root with PermitRootLogin prohibit-password; it
// insists on its privilege separation directory, /run/sshd, which is created
// when missing, as systemd would. As any other user, sshd runs as that user
// (OpenSSH skips privilege separation then) and can only log that user in.
// UsePAM is off in both cases, so as root the account must not be locked
// ("!" in /etc/shadow); Debian's root ("*") is not.
//
// Failures the site must survive, each working as root and non-root:
//  - down: Stop() kills sshd and every session it started (by the pids
//    found under its own), like a crashed host; Restart() brings it back on
//    the same port with the same keys.
//  - hung: Freeze() stops them all with SIGSTOP, Thaw() resumes them.
//  - read-only: `read_only` serves `internal-sftp -R`; writes are refused.
//  - full: `max_file_bytes` starts sshd with RLIMIT_FSIZE and SIGXFSZ
//    ignored, so a write past that size fails with EFBIG, which sftp-server
//    reports exactly as ENOSPC (SSH_FX_FAILURE) while the disk itself has
//    room. `filesystem_bytes` instead mounts a tmpfs of that size as the
//    site root for a genuinely full disk; that needs root with
//    CAP_SYS_ADMIN, and Start() fails with kPermissionDenied without it.
//
// The destructor stops the server and removes the directory. Not
// thread-safe; one object per test (or per suite).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backup/sftp_site.hpp"
#include "core/result.hpp"

namespace citadel::backup::testing {

struct SshdTestServerOptions {
  bool read_only = false;
  // Also run commands (no ForceCommand): a pgBackRest repository host
  // (sshd_test_server_main.cpp, for the HA e2e tests). SFTP is served as well.
  bool allow_commands = false;
  std::optional<std::uint64_t> max_file_bytes;
  std::optional<std::uint64_t> filesystem_bytes;
};

class SshdTestServer {
 public:
  // Starts the server and waits until its port accepts connections.
  static core::Result<std::unique_ptr<SshdTestServer>> Start(SshdTestServerOptions options = {});
  ~SshdTestServer();
  SshdTestServer(const SshdTestServer&) = delete;
  SshdTestServer& operator=(const SshdTestServer&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  const std::string& user() const { return user_; }
  const std::string& private_key_path() const { return private_key_path_; }
  // "ssh-ed25519 AAAA...", the line to pin.
  const std::string& host_public_key() const { return host_public_key_; }
  // An absolute, existing directory the test user owns, served by sshd and
  // also reachable on this machine's filesystem.
  const std::string& site_root() const { return site_root_; }
  // Options for an SftpSite on this server, rooted at `root` (default:
  // site_root()), with `timeout` for each operation.
  SftpSiteOptions SiteOptions(
      const std::optional<std::string>& root = std::nullopt,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) const;

  // A new key pair of `type` (as ssh-keygen -t) the server does not accept;
  // returns its private key path (the public key is beside it, ".pub").
  core::Result<std::string> MakeUnknownClientKey(const std::string& type = "ed25519");

  core::Result<void> Stop();
  core::Result<void> Restart();
  void Freeze();
  void Thaw();
  bool running() const { return pid_ > 0; }

  // sshd's log so far, to explain a failing test.
  std::string Log() const;

 private:
  explicit SshdTestServer(SshdTestServerOptions options) : options_(options) {}
  core::Result<void> Prepare();
  core::Result<void> Launch();
  core::Result<void> WriteConfig() const;
  void SignalAll(int signal) const;

  SshdTestServerOptions options_;
  std::string directory_;
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  std::string user_;
  std::string private_key_path_;
  std::string host_public_key_;
  std::string site_root_;
  bool mounted_ = false;
  int extra_keys_ = 0;
  pid_t pid_ = -1;
};

}  // namespace citadel::backup::testing
