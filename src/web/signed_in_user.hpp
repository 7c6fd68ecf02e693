// Who a browser's session_id cookie signs in, for the pages of a signed-in
// user (login_page.cpp's home, totp_pages.cpp, api_key_pages.cpp): the
// session must be live in the catalog and the user active with the very
// password the session was opened with (as every session call checks,
// rpc/web_session_routes.hpp); a session that fails that is ended.
//
// Blocks on the catalog and the tenant: call on a db worker. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/request.hpp"
#include "rpc/rpc_services.hpp"

namespace citadel::web {

struct SignedInUser {
  std::string session_id;  // never log it
  std::string tenant;
  std::int64_t uid = 0;
  std::string login;
};

std::optional<SignedInUser> FindSignedInUser(rpc::RpcServices& services, const std::string& session_id);

// The session_id cookie of a request, if it has one.
std::optional<std::string> SessionCookieOf(const http::Request& request);

}  // namespace citadel::web
