// How `object` calls were admitted, counted for /metrics and for tests that
// must see which path a call took (rpc/object_service.cpp):
//   - sent_with_check: a read-only call whose password was verified lately,
//     sent in the same round trip as its credential check;
//   - check_missed: of those, the ones whose credentials or rights were not as
//     assumed, rolled back and run again with the check first;
//   - committed_with_statement: read-only calls whose COMMIT travelled with
//     their one statement (one_statement_calls.hpp);
//   - committed_too_early: of those, the ones that needed a second statement
//     and ran again with COMMIT after the answer.
// Lock-free counters; owned by the server, borrowed by RpcServices.
#pragma once

#include <atomic>
#include <cstdint>

namespace citadel::rpc {

struct ObjectCallCounters {
  std::atomic<std::uint64_t> sent_with_check{0};
  std::atomic<std::uint64_t> check_missed{0};
  std::atomic<std::uint64_t> committed_with_statement{0};
  std::atomic<std::uint64_t> committed_too_early{0};
};

}  // namespace citadel::rpc
