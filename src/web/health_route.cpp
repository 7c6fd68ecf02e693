#include "web/health_route.hpp"

#include <memory>

#include <nlohmann/json.hpp>

namespace citadel::web {
namespace {

http::Response HealthResponse(const core::Result<void>& outcome) {
  http::Response response;
  response.headers.emplace_back("Cache-Control", "no-store");
  if (outcome) {
    response.body = R"({"status": "pass"})";
    return response;
  }
  response.status = 503;
  const char* reason = outcome.error().code == core::ErrorCode::kResourceExhausted
                           ? "server busy"
                           : "database unavailable";
  response.body = nlohmann::json{{"status", "fail"}, {"reason", reason}}.dump();
  return response;
}

}  // namespace

void AddHealthRoute(http::Router& router, core::BoundedWorkerPool& db_workers,
                    DatabaseCheck check) {
  auto shared_check = std::make_shared<DatabaseCheck>(std::move(check));
  router.Add("GET", "/web/health",
             [&db_workers, shared_check](const http::Request&, http::Responder respond) {
               auto task = [shared_check, respond] { respond(HealthResponse((*shared_check)())); };
               if (!db_workers.Submit(task)) {
                 respond(HealthResponse(
                     core::Fail(core::ErrorCode::kResourceExhausted, "database workers busy")));
               }
             });
}

}  // namespace citadel::web
