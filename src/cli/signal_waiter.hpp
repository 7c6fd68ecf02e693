// Turns SIGINT, SIGTERM and SIGHUP into events the main thread waits for.
//
// Block() must run first thing in main(), before any thread starts, so every
// thread inherits the blocked mask and the signals are only ever taken by
// Wait() (sigwait) on the main thread: no handler runs at an arbitrary point.
#pragma once

#include <chrono>

namespace citadel::cli {

enum class ProcessSignal { kStop, kReload, kTimeout };

class SignalWaiter {
 public:
  static void Block();
  // Waits for the next signal: kStop for SIGINT/SIGTERM, kReload for SIGHUP,
  // kTimeout if none came within `timeout`.
  static ProcessSignal Wait(std::chrono::seconds timeout);
};

}  // namespace citadel::cli
