#include "db/service_user.hpp"

#include <optional>
#include <pwd.h>
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
  if (auto user = Lookup(name)) return *user;
  ChildSpec spec;
  spec.argv = {"/usr/sbin/useradd", "--system",        "--user-group", "--home-dir", home_dir,
               "--no-create-home",  "--shell",         "/usr/sbin/nologin", name};
  auto status = RunChild(spec, std::chrono::seconds(30));
  // Another process may have created it at the same time (useradd exit 9):
  // whatever happened, the lookup decides.
  if (auto user = Lookup(name)) return *user;
  if (!status) return std::unexpected(status.error());
  return core::Fail(core::ErrorCode::kInternal,
                    "cannot create the system user '" + name + "' (useradd exit status " +
                        std::to_string(*status) + ")");
}

}  // namespace citadel::db
