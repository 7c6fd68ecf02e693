// sshd_test_server: the SFTP tests' real OpenSSH server (sshd_test_server.hpp)
// for tests written in Python, here a pgBackRest repository host for the HA
// e2e tests (tests/e2e/ha_dr_rebuild_e2e.py).
//
//   sshd_test_server [--allow-commands]
//
// Starts sshd on 127.0.0.1 and a free port, prints one JSON line (host,
// port, user, private_key, host_public_key, directory), then serves until its
// stdin ends (the test closed it, or died) or SIGTERM/SIGINT, and stops sshd
// and every session it started, removing its directory.
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cstring>
#include <iostream>

#include <nlohmann/json.hpp>

#include "backup/testing/sshd_test_server.hpp"

namespace {
volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }
}  // namespace

int main(int argc, char** argv) {
  citadel::backup::testing::SshdTestServerOptions options;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--allow-commands") == 0) {
      options.allow_commands = true;
    } else {
      std::cerr << "usage: sshd_test_server [--allow-commands]\n";
      return 2;
    }
  }
  struct sigaction action {};
  action.sa_handler = OnSignal;
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  auto server = citadel::backup::testing::SshdTestServer::Start(options);
  if (!server) {
    std::cerr << "sshd_test_server: " << server.error().message << "\n";
    return 1;
  }
  const std::string key = (*server)->private_key_path();
  nlohmann::json out{{"host", (*server)->host()},
                     {"port", (*server)->port()},
                     {"user", (*server)->user()},
                     {"private_key", key},
                     {"host_public_key", (*server)->host_public_key()},
                     {"directory", key.substr(0, key.rfind('/'))}};
  std::cout << out.dump() << std::endl;
  char buffer[256];
  while (!g_stop) {
    pollfd in{STDIN_FILENO, POLLIN, 0};
    int ready = ::poll(&in, 1, 500);
    if (ready > 0) {
      ssize_t n = ::read(STDIN_FILENO, buffer, sizeof(buffer));
      if (n <= 0) break;  // EOF: the test is done (or gone)
    }
  }
  server->reset();
  return 0;
}
