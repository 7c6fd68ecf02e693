#include "db/service_user.hpp"

#include <optional>
#include <pwd.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "db/child_process.hpp"

namespace citadel::db {
namespace {

std::optional<ServiceUser> Lookup(const std::string& name) {
  struct passwd pw{};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  if (getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return std::nullopt;
  }
  return ServiceUser{name, pw.pw_uid, pw.pw_gid, pw.pw_uid == ::geteuid()};
}

}  // namespace

std::string CurrentUserName() {
  struct passwd pw{};
  struct passwd* found = nullptr;
  std::vector<char> buf(16384);
  const uid_t uid = ::geteuid();
  if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
    return "uid" + std::to_string(uid);
  }
  return pw.pw_name;
}

core::Result<ServiceUser> ResolveServiceUser(const std::string& name, const std::string& home_dir) {
  if (::geteuid() != 0) {
    return ServiceUser{CurrentUserName(), ::geteuid(), ::getegid(), true};
  }
  ChildSpec spec;
  spec.argv = {"/usr/sbin/useradd", "--system",        "--user-group", "--home-dir", home_dir,
               "--no-create-home",  "--shell",         "/usr/sbin/nologin", name};
  // Several processes (parallel test binaries, two servers) may race here:
  // useradd then fails because the user exists (9) or /etc/passwd is locked
  // (10). Whatever happened, the lookup decides; a lock is waited out.
  core::Result<int> status = -1;
  for (int attempt = 0; attempt < 20; ++attempt) {
    if (auto user = Lookup(name)) return *user;
    status = RunChild(spec, std::chrono::seconds(30));
    if (auto user = Lookup(name)) return *user;
    if (!status) return core::Unexpected(status.error());
    if (*status != 9 && *status != 10) break;  // not a race: no point retrying
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + 50 * attempt));
  }
  return core::Fail(core::ErrorCode::kInternal,
                    "cannot create the system user '" + name + "' (useradd exit status " +
                        std::to_string(*status) + ")");
}

}  // namespace citadel::db
