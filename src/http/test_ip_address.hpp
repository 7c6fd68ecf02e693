// Test support: an address from its text, for tests whose addresses are
// valid by construction. Not part of the library.
#pragma once

#include "core/ip_network.hpp"

namespace citadel::http::testing {

inline core::IpAddress Ip(const char* text) { return *core::IpAddress::Parse(text); }

}  // namespace citadel::http::testing
