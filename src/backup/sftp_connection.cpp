#include "backup/sftp_connection.hpp"

#include <sys/socket.h>

#include <condition_variable>
#include <optional>
#include <sstream>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

namespace citadel::backup {

using core::ErrorCode;
using core::Fail;

// Shuts a socket down when an armed deadline passes (see the header: libssh
// would otherwise wait forever for a hung server). Disarm and Watch take the
// same mutex as the firing, so once Disarm returns the socket is not touched.
class SocketDeadline {
 public:
  explicit SocketDeadline(std::chrono::milliseconds timeout)
      : timeout_(timeout), thread_([this](const std::stop_token& stop) { Run(stop); }) {}

  void Watch(int fd) {
    std::lock_guard lock(mutex_);
    fd_ = fd;
  }
  void Arm() {
    std::lock_guard lock(mutex_);
    deadline_ = std::chrono::steady_clock::now() + timeout_;
    wake_.notify_one();
  }
  void Disarm() {
    std::lock_guard lock(mutex_);
    deadline_.reset();
    wake_.notify_one();
  }
  bool Fired() const {
    std::lock_guard lock(mutex_);
    return fired_;
  }

 private:
  void Run(const std::stop_token& stop) {
    std::unique_lock lock(mutex_);
    while (!stop.stop_requested()) {
      if (!deadline_) {
        wake_.wait(lock, stop, [&] { return deadline_.has_value(); });
        continue;
      }
      auto until = *deadline_;
      bool moved = wake_.wait_until(lock, stop, until, [&] { return deadline_ != until; });
      if (moved || stop.stop_requested()) continue;
      fired_ = true;
      deadline_.reset();
      if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
    }
  }

  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::condition_variable_any wake_;
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  int fd_ = -1;
  bool fired_ = false;
  std::jthread thread_;  // last: stopped and joined before the rest is destroyed
};

namespace {

// Host key algorithms asked for when no usable key is pinned, strongest first.
constexpr const char* kAnyHostKeyAlgorithm =
    "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,"
    "rsa-sha2-512,rsa-sha2-256";

struct KeyFree {
  void operator()(ssh_key key) const { ssh_key_free(key); }
};
using KeyPtr = std::unique_ptr<std::remove_pointer_t<ssh_key>, KeyFree>;

struct SessionFree {
  void operator()(ssh_session session) const {
    ssh_disconnect(session);
    ssh_free(session);
  }
};
using SessionPtr = std::unique_ptr<std::remove_pointer_t<ssh_session>, SessionFree>;

std::string TypeName(const ssh_key key) { return ssh_key_type_to_char(ssh_key_type(key)); }

// "ssh-ed25519 AAAA...": the form an operator pins.
std::string PublicKeyLine(const ssh_key key) {
  char* base64 = nullptr;
  if (ssh_pki_export_pubkey_base64(key, &base64) != SSH_OK)
    return TypeName(key) + " (cannot be shown)";
  std::string line = TypeName(key) + " " + base64;
  ssh_string_free_char(base64);
  return line;
}

// "SHA256:...", as `ssh-keygen -lf` prints it, to compare out of band.
std::string Fingerprint(const ssh_key key) {
  unsigned char* hash = nullptr;
  std::size_t length = 0;
  if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &length) != 0)
    return "SHA256:?";
  char* text = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, length);
  ssh_clean_pubkey_hash(&hash);
  std::string fingerprint = text != nullptr ? text : "SHA256:?";
  ssh_string_free_char(text);
  return fingerprint;
}

// The pinned key, or why there is none usable.
struct PinnedKey {
  KeyPtr key;
  std::string problem;
};

// Accepts "type base64 [comment]" and a known_hosts or ssh-keyscan line with
// a host name in front. Certificates and @markers are not pins.
PinnedKey ParsePinnedKey(const std::string& text) {
  std::istringstream stream(text);
  std::vector<std::string> tokens;
  for (std::string token; stream >> token && tokens.size() < 3;) tokens.push_back(token);
  if (tokens.empty()) return {nullptr, "no host key is pinned for this site"};
  if (tokens.front().front() == '@')
    return {nullptr, "the pinned host key has a known_hosts marker"};
  for (std::size_t i = 0; i < 2 && i + 1 < tokens.size(); ++i) {
    enum ssh_keytypes_e type = ssh_key_type_from_name(tokens[i].c_str());
    if (type == SSH_KEYTYPE_UNKNOWN) continue;
    if (tokens[i].find("-cert-") != std::string::npos)
      return {nullptr, "the pinned host key is a certificate"};
    ssh_key key = nullptr;
    if (ssh_pki_import_pubkey_base64(tokens[i + 1].c_str(), type, &key) != SSH_OK) {
      return {nullptr, "the pinned host key's base64 is not a " + tokens[i] + " key"};
    }
    return {KeyPtr(key), ""};
  }
  return {nullptr, "the pinned host key is not a line like 'ssh-ed25519 AAAA...'"};
}

// Asks the server for the pinned key's type, so a server with several host
// keys presents the one that was pinned.
std::string AlgorithmsFor(const PinnedKey& pinned) {
  if (!pinned.key) return kAnyHostKeyAlgorithm;
  if (ssh_key_type(pinned.key.get()) == SSH_KEYTYPE_RSA) return "rsa-sha2-512,rsa-sha2-256";
  return TypeName(pinned.key.get());
}

std::string Label(const std::string& user, const std::string& host, int port) {
  return (user.empty() ? "" : user + "@") + host + ":" + std::to_string(port);
}

// A session that reads nothing from the user's environment: no ssh config,
// no known_hosts files, no default identities.
core::Result<SessionPtr> NewSession(const std::string& host, int port, const std::string& user,
                                    const std::string& host_key_algorithms,
                                    std::chrono::milliseconds timeout) {
  SessionPtr session(ssh_new());
  if (!session) return Fail(ErrorCode::kInternal, "libssh cannot create a session");
  bool process_config = false;
  unsigned int port_number = static_cast<unsigned int>(port);
  long seconds = static_cast<long>(timeout.count() / 1000);
  long microseconds = static_cast<long>(timeout.count() % 1000) * 1000;
  int verbosity = SSH_LOG_NOLOG;
  int no_delay = 1;  // every SFTP request waits for its reply: Nagle would add 40 ms to each
  const char* no_file = "/dev/null";
  bool ok =
      ssh_options_set(session.get(), SSH_OPTIONS_PROCESS_CONFIG, &process_config) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_LOG_VERBOSITY, &verbosity) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_HOST, host.c_str()) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_PORT, &port_number) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_KNOWNHOSTS, no_file) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_GLOBAL_KNOWNHOSTS, no_file) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_HOSTKEYS, host_key_algorithms.c_str()) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_NODELAY, &no_delay) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_TIMEOUT, &seconds) == 0 &&
      ssh_options_set(session.get(), SSH_OPTIONS_TIMEOUT_USEC, &microseconds) == 0 &&
      (user.empty() || ssh_options_set(session.get(), SSH_OPTIONS_USER, user.c_str()) == 0);
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument, "cannot set up SSH to " + Label(user, host, port) +
                                                 ": " + ssh_get_error(session.get()));
  }
  return session;
}

core::Result<void> CheckOptions(const SftpSiteOptions& options) {
  auto refuse = [](const std::string& why) {
    return Fail(ErrorCode::kInvalidArgument, "SFTP site: " + why);
  };
  if (options.host.empty()) return refuse("no host");
  if (options.port < 1 || options.port > 65535) return refuse("port out of range");
  if (options.user.empty()) return refuse("no user");
  if (options.private_key_path.empty()) return refuse("no private key file");
  if (options.root.empty() || options.root.front() != '/')
    return refuse("the root must be an absolute directory");
  if (options.timeout <= std::chrono::milliseconds(0))
    return refuse("the timeout must be positive");
  return {};
}

std::string StatusText(int status) {
  switch (status) {
    case SSH_FX_EOF:
      return "unexpected end of file";
    case SSH_FX_NO_SUCH_FILE:
      return "no such file or directory";
    case SSH_FX_PERMISSION_DENIED:
      return "permission denied";
    case SSH_FX_FAILURE:
      return "the server reported a failure without saying why";
    case SSH_FX_BAD_MESSAGE:
      return "the server did not understand the request";
    case SSH_FX_OP_UNSUPPORTED:
      return "the server does not support this operation";
    case SSH_FX_NO_SUCH_PATH:
      return "no such path";
    case SSH_FX_FILE_ALREADY_EXISTS:
      return "already exists";
    case SSH_FX_WRITE_PROTECT:
      return "write-protected";
    default:
      return "SFTP status " + std::to_string(status);
  }
}

ErrorCode StatusCode(int status) {
  switch (status) {
    case SSH_FX_NO_SUCH_FILE:
    case SSH_FX_NO_SUCH_PATH:
      return ErrorCode::kNotFound;
    case SSH_FX_FILE_ALREADY_EXISTS:
      return ErrorCode::kAlreadyExists;
    case SSH_FX_PERMISSION_DENIED:
    case SSH_FX_WRITE_PROTECT:
      return ErrorCode::kPermissionDenied;
    default:
      return ErrorCode::kIo;
  }
}

}  // namespace

SftpConnection::SftpConnection(std::string label, std::chrono::milliseconds timeout)
    : label_(std::move(label)),
      timeout_(timeout),
      deadline_(std::make_unique<SocketDeadline>(timeout)) {}

SftpConnection::~SftpConnection() {
  // Saying goodbye to a hung server must not hang either.
  deadline_->Arm();
  if (sftp_ != nullptr) sftp_free(sftp_);
  if (session_ != nullptr) SessionFree()(session_);
  deadline_->Disarm();
}

core::Result<std::shared_ptr<SftpConnection>> SftpConnection::Open(const SftpSiteOptions& options) {
  if (auto valid = CheckOptions(options); !valid) return core::Unexpected(valid.error());
  std::shared_ptr<SftpConnection> connection(
      new SftpConnection(Label(options.user, options.host, options.port), options.timeout));
  if (auto connected = connection->Connect(options); !connected)
    return core::Unexpected(connected.error());
  return connection;
}

core::Result<void> SftpConnection::Connect(const SftpSiteOptions& options) {
  ssh_key client_key = nullptr;
  if (ssh_pki_import_privkey_file(options.private_key_path.c_str(), nullptr, nullptr, nullptr,
                                  &client_key) != SSH_OK) {
    return Fail(ErrorCode::kUnavailable,
                "cannot log in to " + label_ + ": the private key file " +
                    options.private_key_path +
                    " is missing, unreadable, or protected by a passphrase");
  }
  KeyPtr identity(client_key);
  PinnedKey pinned = ParsePinnedKey(options.pinned_host_key);
  auto session =
      NewSession(options.host, options.port, options.user, AlgorithmsFor(pinned), options.timeout);
  if (!session) return core::Unexpected(session.error());
  if (ssh_connect(session->get()) != SSH_OK) {
    std::string why = ssh_get_error(session->get());
    if (pinned.key && why.find("host key algo") != std::string::npos) {
      // It has no key of the pinned type at all: show what it has instead.
      auto other = FetchPresentedHostKey(options.host, options.port, options.timeout);
      return Fail(ErrorCode::kUnavailable,
                  "refusing " + label_ + ": it has no host key of the pinned type " +
                      TypeName(pinned.key.get()) + "; it presents " +
                      (other ? *other : "nothing usable (" + other.error().message + ")"));
    }
    return Fail(ErrorCode::kUnavailable, "cannot connect to " + label_ + ": " + why);
  }
  session_ = session->release();
  deadline_->Watch(ssh_get_fd(session_));
  Call call(*this);

  ssh_key presented = nullptr;
  if (ssh_get_server_publickey(session_, &presented) != SSH_OK) {
    return Fail(ErrorCode::kUnavailable, "refusing " + label_ + ": it presented no host key");
  }
  KeyPtr server_key(presented);
  std::string shown = PublicKeyLine(presented) + " (" + Fingerprint(presented) + ")";
  if (!pinned.key) {
    return Fail(ErrorCode::kUnavailable, "refusing " + label_ + ": " + pinned.problem +
                                             "; the server presented " + shown +
                                             "; verify it out of band before pinning it");
  }
  if (ssh_key_cmp(presented, pinned.key.get(), SSH_KEY_CMP_PUBLIC) != 0) {
    return Fail(ErrorCode::kUnavailable,
                "refusing " + label_ + ": it presented the host key " + shown +
                    ", not the pinned " + Fingerprint(pinned.key.get()) +
                    "; if the server's key was changed on purpose, pin the new one");
  }

  // Before the SFTP channel exists every failure is one of the connection.
  auto lost = [&](const std::string& what) {
    if (deadline_->Fired()) return core::Unexpected(call.Failure(what));
    return Fail(ErrorCode::kUnavailable, what + " to " + label_ + ": " + ssh_get_error(session_));
  };
  int login = ssh_userauth_publickey(session_, nullptr, identity.get());
  if (login != SSH_AUTH_SUCCESS) {
    if (login == SSH_AUTH_ERROR) return lost("cannot log in");
    return Fail(ErrorCode::kUnavailable, "cannot log in to " + label_ +
                                             ": the server refused the key " +
                                             options.private_key_path + " (" +
                                             Fingerprint(identity.get()) + ") for this user");
  }
  sftp_ = sftp_new(session_);
  if (sftp_ == nullptr || sftp_init(sftp_) != SSH_OK) return lost("cannot start SFTP with");
  can_fsync_ = sftp_extension_supported(sftp_, "fsync@openssh.com", "1") != 0;
  can_statvfs_ = sftp_extension_supported(sftp_, "statvfs@openssh.com", "2") != 0;
  // libssh 0.10 cannot ask for the limits, but a server that offers them is
  // OpenSSH 8.7 or newer, which takes requests of up to 255 KiB.
  if (sftp_extension_supported(sftp_, "limits@openssh.com", "1") != 0)
    transfer_chunk_ = std::size_t{224} * 1024;
  return {};
}

SftpConnection::Call::Call(SftpConnection& connection)
    : connection_(connection), lock_(connection.mutex_) {
  connection_.deadline_->Arm();
}

SftpConnection::Call::~Call() { connection_.deadline_->Disarm(); }

void SftpConnection::Call::Renew() { connection_.deadline_->Arm(); }

int SftpConnection::Call::status() const {
  return connection_.sftp_ != nullptr ? sftp_get_error(connection_.sftp_) : SSH_FX_OK;
}

core::Error SftpConnection::Call::Failure(const std::string& what) const {
  const std::string& label = connection_.label_;
  if (connection_.deadline_->Fired()) {
    connection_.broken_ = true;
    return {ErrorCode::kTimeout, what + ": " + label + " did not answer within " +
                                     std::to_string(connection_.timeout_.count()) + " ms"};
  }
  ssh_session session = connection_.session_;
  int state = ssh_get_status(session);
  bool lost = connection_.broken_ || ssh_is_connected(session) == 0 ||
              (state & (SSH_CLOSED | SSH_CLOSED_ERROR)) != 0 ||
              ssh_get_error_code(session) == SSH_FATAL || status() == SSH_FX_CONNECTION_LOST ||
              status() == SSH_FX_NO_CONNECTION;
  if (lost) {
    connection_.broken_ = true;
    return {ErrorCode::kUnavailable,
            what + ": the connection to " + label + " was lost (" + ssh_get_error(session) + ")"};
  }
  return {StatusCode(status()), what + " on " + label + ": " + StatusText(status())};
}

bool SftpConnection::StillOpen() {
  if (deadline_->Fired()) broken_ = true;  // its socket was shut down
  if (broken_) return false;
  Call call(*this);
  // Handles what arrived while idle; a closed socket or channel shows here.
  int polled = ssh_channel_poll_timeout(sftp_->channel, 0, 0);
  if (polled == SSH_ERROR || polled == SSH_EOF) broken_ = true;
  return !broken_;
}

core::Result<std::shared_ptr<SftpConnection>> SftpConnector::Get() {
  std::lock_guard lock(mutex_);
  if (current_ && current_->StillOpen()) return current_;
  current_.reset();
  auto opened = SftpConnection::Open(options_);
  if (!opened) return core::Unexpected(opened.error());
  current_ = *opened;
  return current_;
}

core::Result<std::string> FetchPresentedHostKey(const std::string& host, int port,
                                                std::chrono::milliseconds timeout) {
  auto session = NewSession(host, port, "", kAnyHostKeyAlgorithm, timeout);
  if (!session) return core::Unexpected(session.error());
  std::string label = Label("", host, port);
  if (ssh_connect(session->get()) != SSH_OK) {
    return Fail(ErrorCode::kUnavailable,
                "cannot connect to " + label + ": " + ssh_get_error(session->get()));
  }
  ssh_key presented = nullptr;
  if (ssh_get_server_publickey(session->get(), &presented) != SSH_OK) {
    return Fail(ErrorCode::kUnavailable, label + " presented no host key");
  }
  KeyPtr key(presented);
  return PublicKeyLine(presented);
}

}  // namespace citadel::backup
