// Whether a browser request comes from another site, by its Origin header
// (the Fetch standard sends it on every cross-site POST, and on same-site
// ones too): the CSRF check of the JSON routes, which authenticate by cookie.
// No Origin, as non-browser clients (scripts, Odoo's client libraries)
// send, is not foreign: those carry no ambient cookie a forger could ride.
// "null" (sandboxed frames, file: pages) and anything that is not
// "https://<the request's Host>" (default port 443 written or not, host
// compared without case) is foreign. Pure.
#pragma once

#include <optional>
#include <string_view>

namespace citadel::http {

bool IsForeignOrigin(std::optional<std::string_view> origin, std::optional<std::string_view> host);

}  // namespace citadel::http
