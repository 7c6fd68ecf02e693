// The sign-in throttle (login_throttle.hpp) around a secret check that is not
// a login form: execute_kw's password when it is not in the credential cache,
// and JSON-2's bearer key. On a db worker: reads the tenant's limits (when the
// tenant is live), asks the throttle, then runs `check` now or after the
// throttle's delay, or answers `refused` without checking (a cooldown).
// `check` gets a `record(succeeded)` to call with the verdict, from any
// thread; it counts on a db worker. Without a throttle, `check` runs at once
// and `record` does nothing.
#pragma once

#include <functional>
#include <string>

#include "rpc/rpc_error.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::rpc {

using RecordVerdict = std::function<void(bool succeeded)>;

struct ThrottledCheck {
  std::string db;
  bool live = false;        // the tenant is live (its limits apply)
  std::string source;       // the client's address
  std::string login;        // the counters' key: "#<uid>", or "" for an API key
  std::string request_id;
};

// `failed` gets an error when the limits or counters could not be read, or
// the delay queue is full.
void RunThrottled(RpcServices& services, const ThrottledCheck& what, std::function<void(RecordVerdict)> check,
                  std::function<void()> refused, std::function<void(RpcError)> failed);

}  // namespace citadel::rpc
