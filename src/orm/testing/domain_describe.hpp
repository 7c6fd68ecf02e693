// Test-only: a canonical domain as short text, so tests can state the whole
// tree in one string: `&(name = "x", |(color > 1, parent_id any (name = "y")))`.
// Pure; thread-safe.
#pragma once

#include <string>

#include "orm/domain.hpp"

namespace citadel::orm::testing {

std::string Describe(const DomainNode& node);
inline std::string Describe(const Domain& domain) { return Describe(domain.root()); }

}  // namespace citadel::orm::testing
