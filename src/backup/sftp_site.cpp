#include "backup/sftp_site.hpp"

#include <fcntl.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "backup/read_back_digest.hpp"
#include "backup/sftp_connection.hpp"
#include "backup/sftp_read_ahead.hpp"
#include "core/random.hpp"
#include "core/sha256.hpp"

namespace citadel::backup {
namespace {

using core::ErrorCode;
using core::Fail;

// Below this much free space a write the server failed without a reason is
// taken for a full disk: SFTP reports ENOSPC only as SSH_FX_FAILURE.
constexpr std::uint64_t kNearlyFullBytes = 1 << 20;

struct AttributesFree {
  void operator()(sftp_attributes attributes) const { sftp_attributes_free(attributes); }
};
using AttributesPtr = std::unique_ptr<std::remove_pointer_t<sftp_attributes>, AttributesFree>;

std::string NameOf(std::string_view path) { return std::string(path.substr(path.rfind('/') + 1)); }

std::optional<std::uint64_t> FreeBytes(SftpConnection& connection, SftpConnection::Call& call,
                                       const std::string& directory) {
  if (!connection.can_statvfs()) return std::nullopt;
  sftp_statvfs_t info = sftp_statvfs(call.sftp(), directory.c_str());
  if (info == nullptr) return std::nullopt;
  std::uint64_t free_bytes = info->f_bavail * info->f_frsize;
  if (info->f_favail == 0 && info->f_files != 0) free_bytes = 0;  // out of inodes is full too
  sftp_statvfs_free(info);
  return free_bytes;
}

// A failed write, open, sync or close, told apart as well as SFTP allows:
// the server says "failure" for a full disk, a quota, a file size limit and
// an I/O error alike, so its free space decides.
core::Error WriteFailure(SftpConnection& connection, SftpConnection::Call& call,
                         const std::string& what, const std::string& directory) {
  core::Error error = call.Failure(what);
  if (error.code != ErrorCode::kIo || call.status() != SSH_FX_FAILURE) return error;
  auto free_bytes = FreeBytes(connection, call, directory);
  if (!free_bytes) {
    error.message += " (the site may be full)";
  } else if (*free_bytes < kNearlyFullBytes) {
    error = {ErrorCode::kResourceExhausted, what + " on " + connection.label() +
                                                ": the site is full (" +
                                                std::to_string(*free_bytes) + " bytes free)"};
  } else {
    error.message += " (" + std::to_string(*free_bytes) +
                     " bytes free, so a quota, a file size limit or an I/O error)";
  }
  return error;
}

core::Result<bool> Exists(SftpConnection::Call& call, const std::string& path) {
  AttributesPtr attributes(sftp_stat(call.sftp(), path.c_str()));
  if (attributes) return true;
  core::Error error = call.Failure("cannot stat " + path);
  if (error.code == ErrorCode::kNotFound) return false;
  return core::Unexpected(error);
}

// Creates the directories from `root` down to `directory`; the root itself
// must exist, so an unmounted backup disk on the server is an error rather
// than a silently filled system disk.
core::Result<void> MakeDirectories(SftpConnection::Call& call, const std::string& root,
                                   const std::string& directory) {
  AttributesPtr root_attributes(sftp_stat(call.sftp(), root.c_str()));
  if (!root_attributes) {
    core::Error error = call.Failure("cannot stat the site root " + root);
    if (error.code == ErrorCode::kNotFound)
      error.message = "the site root " + root + " does not exist on the server";
    return core::Unexpected(error);
  }
  for (std::size_t at = root.size() + 1;
       at <= directory.size() && directory.size() > root.size();) {
    std::size_t end = std::min(directory.find('/', at), directory.size());
    std::string step = directory.substr(0, end);
    auto exists = Exists(call, step);
    if (!exists) return core::Unexpected(exists.error());
    if (!*exists && sftp_mkdir(call.sftp(), step.c_str(), 0700) != 0) {
      core::Error error = call.Failure("cannot create directory " + step);
      if (auto raced = Exists(call, step); !raced || !*raced) return core::Unexpected(error);
    }
    at = end + 1;
  }
  return {};
}

class SftpUpload final : public SiteUpload {
 public:
  SftpUpload(std::shared_ptr<SftpConnector> connector, std::shared_ptr<SftpConnection> connection,
             sftp_file file, std::string final_path, std::string relative)
      : connector_(std::move(connector)),
        connection_(std::move(connection)),
        file_(file),
        final_path_(std::move(final_path)),
        partial_path_(final_path_ + ".partial"),
        relative_(std::move(relative)) {}
  ~SftpUpload() override { Abort(); }

  // Bytes are gathered into requests of the server's size: each SFTP write
  // waits for its reply, so small pieces from the pipeline would each cost
  // a round trip to the other data center.
  core::Result<void> Write(std::string_view bytes) override {
    if (file_ == nullptr) return Fail(ErrorCode::kInternal, "upload already finished");
    if (failure_) return core::Unexpected(*failure_);
    digest_.Update(bytes);
    check_.Update(bytes);
    std::size_t chunk = connection_->transfer_chunk();
    if (pending_.size() + bytes.size() < chunk) {
      pending_.append(bytes);
      return {};
    }
    SftpConnection::Call call(*connection_);
    std::size_t fill = chunk - pending_.size();
    pending_.append(bytes.substr(0, fill));
    bytes.remove_prefix(fill);
    if (auto sent = Send(call, pending_); !sent) return sent;
    for (; bytes.size() >= chunk; bytes.remove_prefix(chunk)) {
      if (auto sent = Send(call, bytes.substr(0, chunk)); !sent) return sent;
    }
    pending_.assign(bytes);
    return {};
  }

  core::Result<void> Close() override {
    auto copy = Commit();
    if (!copy) return core::Unexpected(copy.error());
    return {};
  }

  core::Result<SiteCopy> Commit() override {
    if (file_ == nullptr) return Fail(ErrorCode::kInternal, "upload already finished");
    if (failure_) return core::Unexpected(*failure_);
    if (!pending_.empty()) {
      SftpConnection::Call call(*connection_);
      if (auto sent = Send(call, pending_); !sent) return core::Unexpected(sent.error());
    }
    if (auto closed = SyncAndClose(); !closed) return core::Unexpected(closed.error());
    auto reread = DigestOfPartial();
    if (!reread) return core::Unexpected(reread.error());
    if (*reread != check_.HexDigest()) {
      return Fail(ErrorCode::kIo, "the copy read back from " + partial_path_ + " on " +
                                      connection_->label() +
                                      " differs from what was written (the site altered it)");
    }
    SftpConnection::Call call(*connection_);
    auto exists = Exists(call, final_path_);
    if (!exists) return core::Unexpected(exists.error());
    if (*exists) return Fail(ErrorCode::kAlreadyExists, "already on the site: " + relative_);
    // OpenSSH renames by link()+unlink(), which never replaces a file that
    // appeared since the check above.
    if (sftp_rename(call.sftp(), partial_path_.c_str(), final_path_.c_str()) != 0) {
      core::Error error = call.Failure("cannot publish " + final_path_);
      if (auto raced = Exists(call, final_path_); raced && *raced) {
        return Fail(ErrorCode::kAlreadyExists, "already on the site: " + relative_);
      }
      return core::Unexpected(error);
    }
    published_ = true;
    return SiteCopy{relative_, digest_.bytes(), digest_.HexDigest()};
  }

  // Best effort: on a connection that broke, one new connection is tried
  // (bounded by the timeout) so a site that failed mid-way keeps no garbage.
  void Abort() override {
    if (file_ != nullptr) {
      SftpConnection::Call call(*connection_);
      sftp_close(file_);
      file_ = nullptr;
    }
    if (published_ || removed_) return;
    removed_ = true;
    std::shared_ptr<SftpConnection> connection = connection_;
    if (connection->broken()) {
      auto fresh = connector_->Get();
      if (!fresh) return;
      connection = *fresh;
    }
    SftpConnection::Call call(*connection);
    sftp_unlink(call.sftp(), partial_path_.c_str());
  }

 private:
  // One write request; a failure ends the upload (and is kept, so a later
  // Write or Commit reports it rather than a file with a hole).
  core::Result<void> Send(SftpConnection::Call& call, std::string_view data) {
    if (sftp_write(file_, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
      failure_ = WriteFailure(*connection_, call, "cannot write " + partial_path_,
                              SiteParentDirectory(partial_path_));
      return core::Unexpected(*failure_);
    }
    call.Renew();
    return {};
  }

  core::Result<void> SyncAndClose() {
    SftpConnection::Call call(*connection_);
    if (connection_->can_fsync() && sftp_fsync(file_) != 0) {
      return core::Unexpected(WriteFailure(*connection_, call, "cannot sync " + partial_path_,
                                           SiteParentDirectory(partial_path_)));
    }
    int closed = sftp_close(file_);
    file_ = nullptr;
    if (closed != 0) {
      return core::Unexpected(WriteFailure(*connection_, call, "cannot close " + partial_path_,
                                           SiteParentDirectory(partial_path_)));
    }
    return {};
  }

  // The whole temporary file again: the copy is recorded only if what the
  // server gives back is what was written. Read ahead over the size written
  // (sftp_read_ahead.hpp), then to the end of the file whatever its size.
  core::Result<std::string> DigestOfPartial() {
    SftpConnection::Call call(*connection_);
    sftp_file file = sftp_open(call.sftp(), partial_path_.c_str(), O_RDONLY, 0);
    if (file == nullptr) return core::Unexpected(call.Failure("cannot re-read " + partial_path_));
    ReadBackDigest digest;
    SftpReadAhead reader(file, 0, digest_.bytes(), connection_->transfer_chunk());
    while (true) {
      auto piece = reader.Next();
      if (!piece) {
        core::Error error = call.Failure("cannot re-read " + partial_path_);
        reader.Drain();
        sftp_close(file);
        return core::Unexpected(error);
      }
      if (piece->empty()) break;
      digest.Update(*piece);
      call.Renew();
    }
    sftp_close(file);
    return digest.HexDigest();
  }

  std::shared_ptr<SftpConnector> connector_;
  std::shared_ptr<SftpConnection> connection_;
  sftp_file file_;
  std::string final_path_;
  std::string partial_path_;
  std::string relative_;
  core::Sha256Stream digest_;  // of every byte given to Write: the copy's recorded SHA-256
  ReadBackDigest check_;       // of the same bytes, for the re-read
  std::string pending_;        // given, not yet sent
  std::optional<core::Error> failure_;
  bool published_ = false;
  bool removed_ = false;
};

// Reads ahead over the size the file had when opened (sftp_read_ahead.hpp).
class SftpReader final : public SiteReader {
 public:
  SftpReader(std::shared_ptr<SftpConnection> connection, sftp_file file, std::string path, std::uint64_t offset,
             std::uint64_t size)
      : connection_(std::move(connection)),
        file_(file),
        path_(std::move(path)),
        ahead_(file, offset, std::max(offset, size), connection_->transfer_chunk()) {}
  ~SftpReader() override {
    SftpConnection::Call call(*connection_);
    ahead_.Drain();
    sftp_close(file_);
  }

  core::Result<std::string> Read(std::size_t max_bytes) override {
    if (max_bytes == 0) return std::string();
    if (held_.empty()) {
      SftpConnection::Call call(*connection_);
      auto piece = ahead_.Next();
      if (!piece) return core::Unexpected(call.Failure("cannot read " + path_));
      held_.assign(*piece);
      held_at_ = 0;
    }
    std::size_t n = std::min(max_bytes, held_.size() - held_at_);
    std::string out = held_.substr(held_at_, n);
    held_at_ += n;
    if (held_at_ == held_.size()) held_.clear();
    return out;
  }

 private:
  std::shared_ptr<SftpConnection> connection_;
  sftp_file file_;
  std::string path_;
  SftpReadAhead ahead_;
  std::string held_;  // the last piece read, from held_at_ on not yet returned
  std::size_t held_at_ = 0;
};

std::string TrimmedRoot(std::string root) {
  while (root.size() > 1 && root.back() == '/') root.pop_back();
  return root;
}

}  // namespace

SftpSite::SftpSite(SftpSiteOptions options)
    : root_(TrimmedRoot(options.root)),
      connector_(std::make_shared<SftpConnector>(std::move(options))) {}

SftpSite::~SftpSite() = default;

core::Result<std::string> SftpSite::Resolve(std::string_view path) const {
  if (auto valid = CheckSitePath(path); !valid) return core::Unexpected(valid.error());
  return (root_ == "/" ? "" : root_) + "/" + std::string(path);
}

core::Result<std::unique_ptr<SiteUpload>> SftpSite::BeginUpload(std::string_view path) {
  auto final_path = Resolve(path);
  if (!final_path) return core::Unexpected(final_path.error());
  auto connection = connector_->Get();
  if (!connection) return core::Unexpected(connection.error());
  SftpConnection::Call call(**connection);
  if (auto made = MakeDirectories(call, root_, SiteParentDirectory(*final_path)); !made)
    return core::Unexpected(made.error());
  auto exists = Exists(call, *final_path);
  if (!exists) return core::Unexpected(exists.error());
  if (*exists) return Fail(ErrorCode::kAlreadyExists, "already on the site: " + std::string(path));
  std::string partial = *final_path + ".partial";
  // O_TRUNC: a ".partial" left by a crash is garbage, never a resumable copy.
  sftp_file file = sftp_open(call.sftp(), partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (file == nullptr) {
    return core::Unexpected(
        WriteFailure(**connection, call, "cannot create " + partial, SiteParentDirectory(partial)));
  }
  return std::unique_ptr<SiteUpload>(std::make_unique<SftpUpload>(
      connector_, *connection, file, std::move(*final_path), std::string(path)));
}

core::Result<std::unique_ptr<SiteReader>> SftpSite::OpenRead(std::string_view path,
                                                             std::uint64_t offset) {
  auto full = Resolve(path);
  if (!full) return core::Unexpected(full.error());
  auto connection = connector_->Get();
  if (!connection) return core::Unexpected(connection.error());
  SftpConnection::Call call(**connection);
  sftp_file file = sftp_open(call.sftp(), full->c_str(), O_RDONLY, 0);
  if (file == nullptr) return core::Unexpected(call.Failure("cannot open " + *full));
  // The size to read ahead over; without it, one request at a time.
  AttributesPtr attributes(sftp_fstat(file));
  std::uint64_t size = attributes ? attributes->size : 0;
  return std::unique_ptr<SiteReader>(
      std::make_unique<SftpReader>(*connection, file, std::move(*full), offset, size));
}

core::Result<std::vector<SiteEntry>> SftpSite::List(std::string_view directory) {
  std::string full = root_;
  if (!directory.empty()) {
    auto resolved = Resolve(directory);
    if (!resolved) return core::Unexpected(resolved.error());
    full = std::move(*resolved);
  }
  auto connection = connector_->Get();
  if (!connection) return core::Unexpected(connection.error());
  SftpConnection::Call call(**connection);
  sftp_dir dir = sftp_opendir(call.sftp(), full.c_str());
  if (dir == nullptr) return core::Unexpected(call.Failure("cannot list " + full));
  std::vector<SiteEntry> entries;
  while (AttributesPtr attributes{sftp_readdir(call.sftp(), dir)}) {
    std::string name = attributes->name != nullptr ? attributes->name : "";
    if (name.empty() || name == "." || name == "..") continue;
    bool is_directory = attributes->type == SSH_FILEXFER_TYPE_DIRECTORY;
    entries.push_back(
        SiteEntry{std::move(name), is_directory, is_directory ? 0 : attributes->size});
    call.Renew();
  }
  bool complete = sftp_dir_eof(dir) != 0;
  core::Error error = complete ? core::Error{} : call.Failure("cannot list " + full);
  sftp_closedir(dir);
  if (!complete) return core::Unexpected(error);
  return entries;
}

core::Result<SiteEntry> SftpSite::Stat(std::string_view path) {
  auto full = Resolve(path);
  if (!full) return core::Unexpected(full.error());
  auto connection = connector_->Get();
  if (!connection) return core::Unexpected(connection.error());
  SftpConnection::Call call(**connection);
  AttributesPtr attributes(sftp_stat(call.sftp(), full->c_str()));
  if (!attributes) return core::Unexpected(call.Failure("cannot stat " + *full));
  bool is_directory = attributes->type == SSH_FILEXFER_TYPE_DIRECTORY;
  return SiteEntry{NameOf(path), is_directory, is_directory ? 0 : attributes->size};
}

core::Result<void> SftpSite::Remove(std::string_view path) {
  auto full = Resolve(path);
  if (!full) return core::Unexpected(full.error());
  auto connection = connector_->Get();
  if (!connection) return core::Unexpected(connection.error());
  SftpConnection::Call call(**connection);
  if (sftp_unlink(call.sftp(), full->c_str()) != 0)
    return core::Unexpected(call.Failure("cannot remove " + *full));
  return {};
}

SiteHealth SftpSite::Check() {
  SiteHealth health;
  auto started = std::chrono::steady_clock::now();
  auto connection = connector_->Get();
  if (!connection) {
    health.detail = connection.error().message;
    return health;
  }
  health.reachable = true;
  {
    SftpConnection::Call call(**connection);
    health.free_bytes = FreeBytes(**connection, call, root_);
  }
  std::string probe = "check-" + core::RandomHex(8);
  auto upload = BeginUpload(probe);
  if (!upload) {
    health.detail = upload.error().message;
    return health;
  }
  auto written = (*upload)->Write("citadel site check\n");
  auto committed =
      written ? (*upload)->Commit() : core::Result<SiteCopy>(core::Unexpected(written.error()));
  if (!committed) {
    health.detail = committed.error().message;
    return health;
  }
  if (auto removed = Remove(probe); !removed) {
    health.detail = removed.error().message;
    return health;
  }
  health.writable = true;
  health.round_trip = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return health;
}

core::Result<std::string> SftpSite::FetchHostKey(const std::string& host, int port,
                                                 std::chrono::milliseconds timeout) {
  return FetchPresentedHostKey(host, port, timeout);
}

}  // namespace citadel::backup
