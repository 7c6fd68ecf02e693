// Who the client is when Citadel sits behind reverse proxies.
//
// X-Forwarded-For is believed only when the TCP peer is one of the configured
// trusted proxies; from anyone else it is ignored, since any client can send
// it. Behind trusted proxies, each appends the address it received from, so the
// client is the rightmost entry that is not itself a trusted proxy. Reading
// stops at a malformed entry (the address before it was written by someone we
// do not trust), and the nearest trusted hop is used instead. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ip_network.hpp"

namespace citadel::http {

bool IsInAnyNetwork(const core::IpAddress& address, const std::vector<core::IpNetwork>& networks);

// `forwarded_for` holds the values of every X-Forwarded-For header, in the
// order they appeared (several headers read as one comma-separated list).
core::IpAddress ResolveClientIp(const core::IpAddress& peer,
                                const std::vector<std::string_view>& forwarded_for,
                                const std::vector<core::IpNetwork>& trusted_proxies);

}  // namespace citadel::http
