// citadel staff add | list | disable: the platform's support staff
// (platform/staff_accounts.hpp). A password is read from standard input,
// never from the command line (argv is visible to every local user in
// /proc); a new account's TOTP secret is printed once, as an otpauth URI for
// an authenticator app and as base32, and is never shown again.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "auth/totp.hpp"
#include "cli/commands.hpp"
#include "cli/effective_config.hpp"
#include "cli/tenant_session.hpp"
#include "core/file_system.hpp"
#include "core/password_hasher.hpp"
#include "platform/staff_accounts.hpp"

namespace citadel::cli {
namespace {

constexpr std::size_t kMinStaffPasswordLength = 12;

// One line from stdin; the terminal does not echo it when stdin is one.
std::string ReadStaffPassword() {
  const bool terminal = isatty(STDIN_FILENO) == 1;
  termios saved{};
  if (terminal) {
    std::cerr << "Password for the new staff account: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  std::getline(std::cin, password);
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

}  // namespace

int RunStaffAdd(const StaffCommand& command) {
  if (!platform::IsValidStaffLogin(command.login)) {
    std::cerr << "citadel: a staff login is 1 to 64 of a-z, 0-9, '.', '_', '@', '-', starting with "
                 "a letter or "
                 "digit\n";
    return 2;
  }
  const std::string password = ReadStaffPassword();
  if (password.size() < kMinStaffPasswordLength || password.size() > core::kMaxPasswordBytes) {
    std::cerr << "citadel: a staff password has 12 to 4096 characters (read from standard input)\n";
    return 2;
  }
  auto config = LoadEffectiveConfig(command.common, core::RealFileSystem::Instance());
  if (!config) return ReportFailure(config.error());
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  const std::string secret = auth::NewTotpSecret();
  const std::string secret_base32 = auth::Base32Encode(secret, false);
  platform::StaffAccounts staff(*(*session)->tenants);
  auto added = staff.Add(command.login, core::PasswordHasher(config->pbkdf2_rounds).Hash(password),
                         secret_base32);
  if (!added) return ReportFailure(added.error());
  std::cout << "Staff account '" << command.login
            << "' added. Its TOTP secret is shown this once:\n"
            << "  " << auth::TotpUri("Citadel support", command.login, secret) << "\n"
            << "  secret (base32): " << secret_base32 << "\n";
  return 0;
}

int RunStaffList(const StaffCommand& command) {
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  platform::StaffAccounts staff(*(*session)->tenants);
  auto accounts = staff.List();
  if (!accounts) return ReportFailure(accounts.error());
  if (command.json) {
    auto all = nlohmann::ordered_json::array();
    for (const auto& a : *accounts) {
      all.push_back(
          {{"login", a.login},
           {"disabled", a.disabled},
           {"created_at", a.created_at},
           {"disabled_at", a.disabled_at.empty() ? nlohmann::ordered_json()
                                                 : nlohmann::ordered_json(a.disabled_at)}});
    }
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  if (accounts->empty()) {
    std::cout << "No staff account.\n";
    return 0;
  }
  std::printf("%-40s %-9s %-21s %s\n", "LOGIN", "STATE", "CREATED", "DISABLED");
  for (const auto& a : *accounts) {
    std::printf("%-40s %-9s %-21s %s\n", a.login.c_str(), a.disabled ? "disabled" : "enabled",
                a.created_at.c_str(), a.disabled_at.c_str());
  }
  return 0;
}

int RunStaffDisable(const StaffCommand& command) {
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  platform::StaffAccounts staff(*(*session)->tenants);
  auto disabled = staff.Disable(command.login);
  if (!disabled) return ReportFailure(disabled.error());
  if (!*disabled) {
    std::cerr << "citadel: no staff account '" << command.login << "'\n";
    return 1;
  }
  std::cout << "Disabled '" << command.login
            << "': their sessions and the grants naming them ended at once, on every server.\n";
  return 0;
}

}  // namespace citadel::cli
