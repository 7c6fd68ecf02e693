#include "cli/signal_waiter.hpp"

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

ProcessSignal SignalWaiter::Wait() {
  sigset_t set = HandledSignals();
  for (;;) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGHUP) return ProcessSignal::kReload;
    return ProcessSignal::kStop;
  }
}

}  // namespace citadel::cli
