// SmtpSender's bounds and refusals that need no relay: a relay that never
// answers costs at most the configured time, and no secret reaches the error.
#include "core/smtp_sender.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include <gtest/gtest.h>

namespace citadel::core {
namespace {

// A listening socket that never accepts: connections complete in the
// kernel's backlog and then hear nothing (no SMTP greeting).
class SilentListener {
 public:
  SilentListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

MailMessage SmtpSample() { return {"erp@example.com", "ann@example.org", "Password reset", "body"}; }

TEST(SmtpSender, ASilentRelayCostsAtMostTheTimeoutAndNoSecretIsInTheError) {
  SilentListener relay;
  MailConfig config;
  config.host = "127.0.0.1";
  config.port = relay.port();
  config.from = "erp@example.com";
  config.username = "erp";
  config.password = "hunter2-relay-secret";
  config.timeout_seconds = 1;
  const SmtpSender sender(config);
  const auto started = std::chrono::steady_clock::now();
  auto sent = sender.Send(SmtpSample());
  const auto took = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kTimeout) << sent.error().message;
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_EQ(sent.error().message.find("hunter2"), std::string::npos);
  EXPECT_EQ(sent.error().message.find("ann@example.org"), std::string::npos);
}

TEST(SmtpSender, NoRelayConfiguredIsAnErrorNotASend) {
  const SmtpSender sender(MailConfig{});
  EXPECT_FALSE(sender.enabled());
  EXPECT_FALSE(sender.Send(SmtpSample()));
}

TEST(SmtpSender, AMalformedRecipientIsRefusedBeforeAnyConnection) {
  MailConfig config;
  config.host = "127.0.0.1";
  config.port = 9;  // nothing listens: a connection attempt would fail differently
  config.from = "erp@example.com";
  const SmtpSender sender(config);
  MailMessage message = SmtpSample();
  message.to = "ann@example.org>\r\nRCPT TO:<eve@evil.example";
  auto sent = sender.Send(message);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace citadel::core
