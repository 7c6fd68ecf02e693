#include "backup/testing/sshd_test_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "backup/testing/test_process.hpp"

namespace citadel::backup::testing {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr const char* kSshd = "/usr/sbin/sshd";
constexpr const char* kSshKeygen = "/usr/bin/ssh-keygen";
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr int kPortAttempts = 5;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

core::Result<void> WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Fail(ErrorCode::kIo, "cannot write " + path);
  ::chmod(path.c_str(), 0600);
  return {};
}

// A port nobody listens on now. Another process may take it before sshd
// does; Launch then tries another.
core::Result<int> FreeLoopbackPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    int error = errno;
    ::close(fd);
    return Fail(ErrorCode::kIo, std::string("cannot find a free port: ") + std::strerror(error));
  }
  ::close(fd);
  return static_cast<int>(ntohs(address.sin_port));
}

bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return connected;
}

core::Result<void> MakeKeyPair(const std::string& path, const std::string& log_path,
                               const std::string& type = "ed25519") {
  TestProcessSpec keygen{
      {kSshKeygen, "-q", "-t", type, "-N", "", "-C", "citadel-test", "-f", path}, log_path, {}};
  return RunTestProcess(keygen, std::chrono::seconds(30));
}

// "ssh-ed25519 AAAA..." from a .pub file, without its comment.
std::string KeyLine(const std::string& public_key_file) {
  std::istringstream in(ReadFile(public_key_file));
  std::string type, base64;
  in >> type >> base64;
  return type + " " + base64;
}

// As root, sshd refuses to start without its privilege separation directory.
core::Result<void> EnsurePrivilegeSeparationDirectory() {
  if (::geteuid() != 0) return {};
  if (::mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) {
    return Fail(ErrorCode::kIo, std::string("cannot create /run/sshd: ") + std::strerror(errno));
  }
  return {};
}

}  // namespace

core::Result<std::unique_ptr<SshdTestServer>> SshdTestServer::Start(SshdTestServerOptions options) {
  std::unique_ptr<SshdTestServer> server(new SshdTestServer(options));
  if (auto prepared = server->Prepare(); !prepared) return core::Unexpected(prepared.error());
  if (auto launched = server->Launch(); !launched) return core::Unexpected(launched.error());
  return server;
}

SshdTestServer::~SshdTestServer() {
  (void)Stop();
  if (mounted_) ::umount2(site_root_.c_str(), MNT_DETACH);
  if (!directory_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
  }
}

core::Result<void> SshdTestServer::Prepare() {
  passwd* account = ::getpwuid(::geteuid());
  if (account == nullptr) return Fail(ErrorCode::kInternal, "the test's user has no name");
  user_ = account->pw_name;
  std::string pattern = std::filesystem::temp_directory_path().string() + "/citadel-sshd-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Fail(ErrorCode::kIo,
                "cannot create a temporary directory: " + std::string(std::strerror(errno)));
  }
  directory_ = pattern;
  if (auto made = EnsurePrivilegeSeparationDirectory(); !made) return made;
  std::string log = directory_ + "/keygen.log";
  if (auto made = MakeKeyPair(directory_ + "/host_ed25519_key", log); !made) return made;
  private_key_path_ = directory_ + "/client_ed25519_key";
  if (auto made = MakeKeyPair(private_key_path_, log); !made) return made;
  host_public_key_ = KeyLine(directory_ + "/host_ed25519_key.pub");
  if (auto written =
          WriteFile(directory_ + "/authorized_keys", ReadFile(private_key_path_ + ".pub"));
      !written) {
    return written;
  }
  site_root_ = directory_ + "/site";
  if (::mkdir(site_root_.c_str(), 0700) != 0)
    return Fail(ErrorCode::kIo, "cannot create " + site_root_);
  if (options_.filesystem_bytes) {
    std::string data = "size=" + std::to_string(*options_.filesystem_bytes) + ",mode=0700";
    if (::geteuid() != 0 ||
        ::mount("tmpfs", site_root_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data.c_str()) != 0) {
      return Fail(ErrorCode::kPermissionDenied,
                  "cannot mount a small tmpfs (needs root with CAP_SYS_ADMIN): " +
                      std::string(std::strerror(errno)));
    }
    mounted_ = true;
  }
  return {};
}

core::Result<void> SshdTestServer::WriteConfig() const {
  std::string sftp = options_.read_only ? "internal-sftp -R" : "internal-sftp";
  std::ostringstream config;
  config << "ListenAddress " << host_ << ":" << port_ << "\n"
         << "HostKey " << directory_ << "/host_ed25519_key\n"
         << "PidFile " << directory_ << "/sshd.pid\n"
         << "AuthorizedKeysFile " << directory_ << "/authorized_keys\n"
         << "AllowUsers " << user_ << "\n"
         << "AuthenticationMethods publickey\n"
         << "PubkeyAuthentication yes\n"
         << "PasswordAuthentication no\n"
         << "KbdInteractiveAuthentication no\n"
         << "HostbasedAuthentication no\n"
         << "UsePAM no\n"
         // The temporary directory sits in /tmp, which StrictModes rejects.
         << "StrictModes no\n"
         << "PermitRootLogin prohibit-password\n"
         << "PermitTTY no\n"
         << "PermitUserRC no\n"
         << "PrintMotd no\n"
         << "PrintLastLog no\n"
         << "AllowTcpForwarding no\n"
         << "AllowAgentForwarding no\n"
         << "X11Forwarding no\n"
         << "MaxStartups 100\n"
         << "LogLevel VERBOSE\n"
         << "Subsystem sftp " << sftp << "\n";
  if (!options_.allow_commands) config << "ForceCommand " << sftp << "\n";
  return WriteFile(directory_ + "/sshd_config", config.str());
}

core::Result<void> SshdTestServer::Launch() {
  bool fixed_port = port_ != 0;
  std::string log_path = directory_ + "/sshd.log";
  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    if (!fixed_port) {
      auto port = FreeLoopbackPort();
      if (!port) return core::Unexpected(port.error());
      port_ = *port;
    }
    if (auto written = WriteConfig(); !written) return written;
    std::size_t log_start = ReadFile(log_path).size();
    TestProcessSpec spec{
        {kSshd, "-D", "-e", "-f", directory_ + "/sshd_config"}, log_path, options_.max_file_bytes};
    auto pid = StartTestProcess(spec);
    if (!pid) return core::Unexpected(pid.error());
    pid_ = *pid;
    std::string listening = "Server listening on " + host_ + " port " + std::to_string(port_);
    auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
      if (ReadFile(log_path).find(listening, log_start) != std::string::npos && Accepts(port_))
        return {};
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (pid_ > 0) {
      (void)Stop();
      return Fail(ErrorCode::kTimeout, "sshd did not start listening in time; its log:\n" + Log());
    }
    if (fixed_port) break;
  }
  return Fail(ErrorCode::kUnavailable, "sshd exited at start; its log:\n" + Log());
}

SftpSiteOptions SshdTestServer::SiteOptions(const std::optional<std::string>& root,
                                            std::chrono::milliseconds timeout) const {
  SftpSiteOptions options;
  options.host = host_;
  options.port = port_;
  options.user = user_;
  options.private_key_path = private_key_path_;
  options.pinned_host_key = host_public_key_;
  options.root = root.value_or(site_root_);
  options.timeout = timeout;
  return options;
}

core::Result<std::string> SshdTestServer::MakeUnknownClientKey(const std::string& type) {
  std::string path = directory_ + "/unknown_" + std::to_string(++extra_keys_) + "_" + type + "_key";
  if (auto made = MakeKeyPair(path, directory_ + "/keygen.log", type); !made)
    return core::Unexpected(made.error());
  return path;
}

void SshdTestServer::SignalAll(int signal) const {
  if (pid_ <= 0) return;
  std::vector<pid_t> tree = DescendantsOf(pid_);
  tree.push_back(pid_);
  for (pid_t pid : tree) ::kill(pid, signal);
}

core::Result<void> SshdTestServer::Stop() {
  if (pid_ <= 0) return {};
  // The sessions as well as the listener: a site that is down has no
  // connection left either. They are reaped by init, not by us, but once
  // they ended their sockets are closed, so the site sees the server gone.
  std::vector<pid_t> sessions = DescendantsOf(pid_);
  SignalAll(SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  if (!WaitUntilEnded(sessions, std::chrono::seconds(5))) {
    return Fail(ErrorCode::kTimeout, "sshd's sessions did not end after SIGKILL");
  }
  return {};
}

core::Result<void> SshdTestServer::Restart() {
  if (auto stopped = Stop(); !stopped) return stopped;
  return Launch();
}

void SshdTestServer::Freeze() { SignalAll(SIGSTOP); }
void SshdTestServer::Thaw() { SignalAll(SIGCONT); }

std::string SshdTestServer::Log() const { return ReadFile(directory_ + "/sshd.log"); }

}  // namespace citadel::backup::testing
