// ClusterPrimaryAccess: DSNs name the leader Patroni reports, or every member
// when none answers; tenants' DSNs never carry the superuser's password.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "db/conninfo.hpp"
#include "platform/cluster_primary_access.hpp"

namespace citadel::platform {
namespace {

std::map<std::string, std::string> PrimaryAccessOptions(const std::string& dsn) {
  auto info = db::ParseConnInfo(dsn);
  EXPECT_TRUE(info);
  return info ? std::map<std::string, std::string>(info->begin(), info->end())
              : std::map<std::string, std::string>{};
}

// A loopback listener on a free port; Serve() answers one request with `body`.
class OneAnswerPatroni {
 public:
  OneAnswerPatroni() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    EXPECT_EQ(::listen(fd_, 4), 0);
  }
  ~OneAnswerPatroni() {
    if (thread_.joinable()) thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  void Serve(std::string body) {
    thread_ = std::thread([this, body = std::move(body)] {
      int client = ::accept(fd_, nullptr, nullptr);
      if (client < 0) return;
      char buffer[4096];
      (void)::read(client, buffer, sizeof buffer);  // one small GET
      std::string answer = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
      (void)::write(client, answer.data(), answer.size());
      ::close(client);
    });
  }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

ClusterTopology TwoMembersOnClosedPorts(int rest_port_of_member_0) {
  core::ClusterConfig config;
  config.members = 2;
  config.base_port = 1030;  // privileged-range neighbours nobody listens on here
  auto topology = MakeClusterTopology(config, "/nonexistent");
  topology.members[0].rest_port = rest_port_of_member_0;
  return topology;
}

ClusterCredentials PrimaryAccessCredentials() {
  ClusterCredentials c;
  c.superuser_password = "super-secret";
  c.replication_password = "replication-secret";
  return c;
}

TEST(ClusterPrimaryAccess, NamesEveryMemberWhenNoPatroniAnswers) {
  ClusterPrimaryAccess access(TwoMembersOnClosedPorts(1031), PrimaryAccessCredentials());
  auto options = PrimaryAccessOptions(access.ProvisioningDsn("citadel_catalog"));
  EXPECT_EQ(options["host"], "127.0.0.1,127.0.0.1");
  EXPECT_EQ(options["port"], "1040,1041");
  EXPECT_EQ(options["target_session_attrs"], "read-write");
  EXPECT_EQ(options["user"], "citadel");
  EXPECT_EQ(options["password"], "super-secret");
  EXPECT_EQ(options["dbname"], "citadel_catalog");
  // A lost host (no FIN) is noticed in seconds, not after TCP's retransmissions.
  EXPECT_EQ(options["keepalives"], "1");
  EXPECT_EQ(options["keepalives_idle"], "5");
  EXPECT_EQ(options["tcp_user_timeout"], "10000");
}

TEST(ClusterPrimaryAccess, NamesTheLeaderPatroniReportsAndGivesTenantsTheirOwnRole) {
  OneAnswerPatroni patroni;
  patroni.Serve(
      R"({"members":[{"name":"member-0","role":"sync_standby","state":"running","host":"127.0.0.1","port":1040},)"
      R"({"name":"member-1","role":"leader","state":"running","host":"127.0.0.1","port":1041}]})");
  ClusterPrimaryAccess access(TwoMembersOnClosedPorts(patroni.port()), PrimaryAccessCredentials());
  auto options = PrimaryAccessOptions(access.LoginDsn("t_abc", "t_abc", "tenant-password"));
  EXPECT_EQ(options["host"], "127.0.0.1");
  EXPECT_EQ(options["port"], "1041");
  EXPECT_EQ(options["target_session_attrs"], "read-write");
  EXPECT_EQ(options["user"], "t_abc");
  EXPECT_EQ(options["password"], "tenant-password");
  // Within the cache's second the leader is not asked again (the fake answers once).
  EXPECT_EQ(PrimaryAccessOptions(access.ProvisioningDsn("postgres"))["port"], "1041");
}

}  // namespace
}  // namespace citadel::platform
