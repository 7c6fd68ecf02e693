// citadel security blocks | unblock IP: the edge's blocks of sources with
// too many failed sign-ins (platform/login_failure_store.hpp), read from and
// lifted in the catalog; every running server follows within two seconds
// (cli/edge_block_refresher.hpp).
#include <cstdio>
#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/tenant_session.hpp"
#include "core/ip_network.hpp"
#include "platform/login_failure_store.hpp"

namespace citadel::cli {
namespace {

std::string UtcTime(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

}  // namespace

int RunSecurityBlocks(const SecurityBlocksCommand& command) {
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  platform::LoginFailureStore store(*(*session)->tenants);
  auto blocks = store.ActiveBlocks();
  if (!blocks) return ReportFailure(blocks.error());
  if (command.json) {
    auto all = nlohmann::ordered_json::array();
    for (const auto& b : *blocks) {
      all.push_back({{"source", b.source},
                     {"blocked_until", UtcTime(b.blocked_until_unix)},
                     {"blocks", b.blocks},
                     {"failures", b.failures}});
    }
    std::cout << all.dump(2) << "\n";
    return 0;
  }
  if (blocks->empty()) {
    std::cout << "No source is blocked.\n";
    return 0;
  }
  std::printf("%-40s %-24s %6s %8s\n", "SOURCE", "BLOCKED UNTIL", "BLOCKS", "FAILURES");
  for (const auto& b : *blocks) {
    std::printf("%-40s %-24s %6d %8d\n", b.source.c_str(), UtcTime(b.blocked_until_unix).c_str(),
                b.blocks, b.failures);
  }
  return 0;
}

int RunSecurityUnblock(const SecurityUnblockCommand& command) {
  auto ip = core::IpAddress::Parse(command.source);
  if (!ip) {
    std::cerr << "citadel: '" << command.source << "' is not an IPv4 or IPv6 address\n";
    return 2;
  }
  auto session = OpenTenants(command.common);
  if (!session) return ReportFailure(session.error());
  platform::LoginFailureStore store(*(*session)->tenants);
  // The store keys sources by their canonical text, as the edge writes it.
  auto lifted = store.Unblock(ip->ToString());
  if (!lifted) return ReportFailure(lifted.error());
  if (!*lifted) {
    std::cout << ip->ToString() << " was not blocked.\n";
    return 1;
  }
  std::cout << "Unblocked " << ip->ToString() << " (every server follows within 2 s).\n";
  return 0;
}

}  // namespace citadel::cli
