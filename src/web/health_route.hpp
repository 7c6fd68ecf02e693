// GET /web/health: what a load balancer or monitor asks to know whether this
// server can serve. As Odoo does, it answers 200 {"status": "pass"}; when the
// database does not answer, 503 {"status": "fail", "reason": ...} with a reason
// an operator can act on and nothing internal (no DSN, no SQL error text).
//
// The check waits on PostgreSQL, so it runs on the database worker pool, never
// on an I/O thread; a full pool answers 503 "busy" at once. The pool and the
// check must outlive the router.
#pragma once

#include <functional>

#include "core/bounded_worker_pool.hpp"
#include "core/result.hpp"
#include "http/router.hpp"

namespace citadel::web {

// Returns success when the catalog database answers a trivial query.
using DatabaseCheck = std::function<core::Result<void>()>;

void AddHealthRoute(http::Router& router, core::BoundedWorkerPool& db_workers,
                    DatabaseCheck check);

}  // namespace citadel::web
