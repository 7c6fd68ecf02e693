#include "backup/master_key.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cctype>
#include <stdexcept>

#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

constexpr std::size_t kMasterKeyBytes = 32;
constexpr std::size_t kMaxKeyFileBytes = 4096;

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

MasterKey::MasterKey(std::string bytes) : bytes_(std::move(bytes)) {
  if (bytes_.size() != kMasterKeyBytes) throw std::invalid_argument("a master key is 32 bytes");
  id_ = core::Sha256Hex("citadel master key id\n" + bytes_).substr(0, 16);
}

MasterKey::~MasterKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

core::Result<MasterKey> ParseMasterKey(std::string_view text, const std::string& origin) {
  std::string_view hex = Trim(text);
  if (hex.size() != 2 * kMasterKeyBytes) {
    return Fail(ErrorCode::kInvalidArgument,
                "the master key in " + origin + " must be 64 hex digits (32 bytes); create one with "
                "`citadel keys init`");
  }
  std::string bytes(kMasterKeyBytes, '\0');
  for (std::size_t i = 0; i < kMasterKeyBytes; ++i) {
    int high = HexValue(hex[2 * i]), low = HexValue(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      OPENSSL_cleanse(bytes.data(), bytes.size());
      return Fail(ErrorCode::kInvalidArgument, "the master key in " + origin + " has a character that is not a hex digit");
    }
    bytes[i] = static_cast<char>(high * 16 + low);
  }
  MasterKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

core::Result<MasterKey> LoadMasterKey(const std::string& path) {
  if (const char* value = std::getenv(kMasterKeyEnvironmentVariable); value != nullptr && *value != '\0') {
    return ParseMasterKey(value, std::string("the environment variable ") + kMasterKeyEnvironmentVariable);
  }
  return LoadMasterKeyFile(path);
}

core::Result<MasterKey> LoadMasterKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int error = errno;
    if (error == ENOENT) {
      return Fail(ErrorCode::kNotFound, "no master key: " + path + " does not exist and " +
                                            kMasterKeyEnvironmentVariable + " is not set (create one with "
                                            "`citadel keys init`, and keep a copy off this machine)");
    }
    return Fail(ErrorCode::kPermissionDenied, "cannot open the master key file " + path + ": " + std::strerror(error));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument, "the master key file " + path + " is not a regular file");
  }
  if ((info.st_mode & 077) != 0) {
    ::close(fd);
    return Fail(ErrorCode::kPermissionDenied, "the master key file " + path +
                                                  " is readable by others; run `chmod 600 " + path + "`");
  }
  if (info.st_uid != ::geteuid()) {
    ::close(fd);
    return Fail(ErrorCode::kPermissionDenied,
                "the master key file " + path + " must be owned by the user Citadel runs as (uid " +
                    std::to_string(::geteuid()) + "), not uid " + std::to_string(info.st_uid));
  }
  std::string content(kMaxKeyFileBytes, '\0');
  ssize_t n = ::read(fd, content.data(), content.size());
  ::close(fd);
  if (n < 0) return Fail(ErrorCode::kIo, "cannot read the master key file " + path);
  content.resize(static_cast<std::size_t>(n));
  auto key = ParseMasterKey(content, path);
  OPENSSL_cleanse(content.data(), content.size());
  return key;
}

core::Result<MasterKey> CreateMasterKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    int error = errno;
    if (error == EEXIST) {
      return Fail(ErrorCode::kAlreadyExists, "the master key file " + path + " already exists; it is never replaced "
                                                                               "(rotate with `citadel keys rotate`)");
    }
    return Fail(ErrorCode::kIo, "cannot create " + path + ": " + std::strerror(error));
  }
  std::string hex = core::RandomHex(kMasterKeyBytes) + "\n";
  bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    OPENSSL_cleanse(hex.data(), hex.size());
    return Fail(ErrorCode::kIo, "cannot write " + path);
  }
  auto key = ParseMasterKey(hex, path);
  OPENSSL_cleanse(hex.data(), hex.size());
  return key;
}

}  // namespace citadel::backup
