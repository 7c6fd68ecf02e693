#include "cli/signal_waiter.hpp"

#include <cerrno>
#include <csignal>
#include <pthread.h>

namespace citadel::cli {
namespace {

sigset_t HandledSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void SignalWaiter::Block() {
  sigset_t set = HandledSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A peer closing a socket must be an error code, not a dead process.
  std::signal(SIGPIPE, SIG_IGN);
}

ProcessSignal SignalWaiter::Wait(std::chrono::seconds timeout) {
  sigset_t set = HandledSignals();
  timespec limit{static_cast<time_t>(timeout.count()), 0};
  for (;;) {
    int sig = sigtimedwait(&set, nullptr, &limit);
    if (sig < 0) {
      if (errno == EINTR) continue;
      return ProcessSignal::kTimeout;
    }
    if (sig == SIGHUP) return ProcessSignal::kReload;
    return ProcessSignal::kStop;
  }
}

}  // namespace citadel::cli
