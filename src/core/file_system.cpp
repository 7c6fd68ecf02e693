#include "core/file_system.hpp"

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/random.hpp"

namespace citadel::core {
namespace {

Unexpected IoError(const std::string& what, const std::string& path, int err) {
  return Fail(ErrorCode::kIo, what + " " + path + ": " + std::strerror(err));
}

Unexpected Unsupported(const char* call) {
  return Fail(ErrorCode::kInternal, std::string(call) + " is not supported by this file system");
}

FileStatus StatusOf(const struct stat& st) {
  FileStatus status;
  status.directory = S_ISDIR(st.st_mode);
  status.size = static_cast<std::uint64_t>(st.st_size);
  status.modified_unix = static_cast<std::int64_t>(st.st_mtim.tv_sec);
  return status;
}

}  // namespace

Result<FileStatus> FileSystem::Status(const std::string&) const { return Unsupported("Status"); }
Result<std::vector<DirectoryEntry>> FileSystem::ListDirectory(const std::string&) const {
  return Unsupported("ListDirectory");
}
Result<void> FileSystem::RemoveFile(const std::string&) { return Unsupported("RemoveFile"); }
Result<void> FileSystem::SyncDirectory(const std::string&) { return Unsupported("SyncDirectory"); }
Result<void> FileSystem::TouchFile(const std::string&) { return Unsupported("TouchFile"); }

bool RealFileSystem::Exists(const std::string& path) const {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::string> RealFileSystem::ReadFile(const std::string& path) const {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such file: " + path);
    return IoError("cannot open", path, errno);
  }
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return IoError("cannot read", path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

Result<void> RealFileSystem::WriteFileAtomic(const std::string& path, const std::string& content,
                                             mode_t mode) {
  std::string tmp = path + ".tmp-" + RandomHex(6);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return IoError("cannot create", tmp, errno);
  std::size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return IoError("cannot write", tmp, err);
    }
    done += static_cast<std::size_t>(n);
  }
  // fchmod because the umask may have narrowed `mode` at creation.
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError("cannot sync", tmp, err);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError("cannot rename into", path, err);
  }
  return {};
}

Result<void> RealFileSystem::CreateDirectories(const std::string& path, mode_t mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create directory " + path + ": " + ec.message());
  if (::chmod(path.c_str(), mode) != 0) return IoError("cannot chmod", path, errno);
  return {};
}

Result<FileStatus> RealFileSystem::Status(const std::string& path) const {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such file: " + path);
    return IoError("cannot stat", path, errno);
  }
  return StatusOf(st);
}

Result<std::vector<DirectoryEntry>> RealFileSystem::ListDirectory(const std::string& path) const {
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such directory: " + path);
    return IoError("cannot open directory", path, errno);
  }
  std::vector<DirectoryEntry> entries;
  const int dir_fd = ::dirfd(dir);
  for (;;) {
    errno = 0;
    const struct dirent* entry = ::readdir(dir);
    if (entry == nullptr) break;
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    struct stat st{};
    // An entry removed since readdir saw it is simply not listed.
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    entries.push_back({name, StatusOf(st)});
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return IoError("cannot read directory", path, err);
  return entries;
}

Result<void> RealFileSystem::RemoveFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such file: " + path);
    return IoError("cannot remove", path, errno);
  }
  return {};
}

Result<void> RealFileSystem::SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open directory", path, errno);
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    return IoError("cannot sync directory", path, err);
  }
  ::close(fd);
  return {};
}

Result<void> RealFileSystem::TouchFile(const std::string& path) {
  // nullptr times: both access and modification time become now.
  if (::utimensat(AT_FDCWD, path.c_str(), nullptr, 0) != 0) {
    if (errno == ENOENT) return Fail(ErrorCode::kNotFound, "no such file: " + path);
    return IoError("cannot touch", path, errno);
  }
  return {};
}

RealFileSystem& RealFileSystem::Instance() {
  static RealFileSystem fs;
  return fs;
}

}  // namespace citadel::core
