// The operating-system account that runs the embedded PostgreSQL.
//
// Why: PostgreSQL refuses to run as root, and a database server should not
// share an account with the program that holds the TLS keys anyway. When
// Citadel runs as root, the cluster runs as a system user (`citadel`),
// created with useradd if missing; otherwise it runs as the current user.
//
// Functions are thread-safe (getpwnam_r); ResolveServiceUser may run useradd.
#pragma once

#include <string>
#include <sys/types.h>

#include "core/result.hpp"

namespace citadel::db {

struct ServiceUser {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  // True when the cluster runs as the calling process's own user, so no
  // privileges are dropped and no ownership changes are needed.
  bool is_self = true;
};

// As root: the system user `name`, created (home `home_dir`, no login shell)
// if it does not exist. Otherwise: the current user.
core::Result<ServiceUser> ResolveServiceUser(const std::string& name, const std::string& home_dir);

// The current effective user's name ("uid<N>" if it has no passwd entry).
std::string CurrentUserName();

}  // namespace citadel::db
