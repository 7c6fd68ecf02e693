#include "rpc/throttled_check.hpp"

#include "core/logger.hpp"
#include "orm/environment.hpp"
#include "rpc/login_throttle.hpp"

namespace citadel::rpc {
namespace {

RpcError Failure(const core::Error& error, const std::string& request_id, const char* where) {
  return RpcErrorFromException(std::make_exception_ptr(orm::DatabaseError(error)), request_id, where);
}

}  // namespace

void RunThrottled(RpcServices& services, const ThrottledCheck& what, std::function<void(RecordVerdict)> check,
                  std::function<void()> refused, std::function<void(RpcError)> failed) {
  LoginThrottle* throttle = services.throttle;
  if (throttle == nullptr) return check([](bool) {});
  LoginThrottlePolicy policy;
  if (what.live) {
    auto connection = services.tenants.Acquire(what.db);
    if (!connection) return failed(ConnectionFailure(connection.error(), what.request_id, "sign-in throttle"));
    auto read = ReadLoginThrottlePolicy(**connection);
    if (!read) return failed(Failure(read.error(), what.request_id, "sign-in throttle"));
    policy = *read;
  }
  const std::string tenant = what.live ? what.db : std::string();
  auto verdict = throttle->Before(tenant, what.source, what.login, policy);
  if (!verdict) return failed(Failure(verdict.error(), what.request_id, "sign-in throttle"));
  if (verdict->refused) {
    core::Log().Info("secret refused unchecked: cooldown after failed sign-ins", {{"request_id", what.request_id}});
    return refused();
  }
  RecordVerdict record = [&services, throttle, tenant, what, policy](bool succeeded) {
    auto task = [=] { throttle->After(tenant, what.source, what.login, policy, succeeded, what.request_id); };
    if (!services.db_workers.Submit(task)) {
      core::Log().Error("the sign-in counters could not be updated (workers busy)",
                        {{"request_id", what.request_id}});
    }
  };
  if (verdict->delay.count() == 0) return check(std::move(record));
  auto later = [check = std::move(check), record = std::move(record)] { check(record); };
  if (!throttle->delays().Schedule(verdict->delay, std::move(later))) failed(RpcError::Busy());
}

}  // namespace citadel::rpc
