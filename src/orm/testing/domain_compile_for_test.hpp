// Test-only: parse a JSON domain on res.partner of the test registry and
// compile it over alias "t0", keeping the SQL text and its parameters.
// Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "orm/domain_compiler.hpp"
#include "orm/testing/domain_test_registry.hpp"

namespace citadel::orm::testing {

struct CompiledDomain {
  std::string text;
  std::vector<std::string> params;  // NULL shows as "<NULL>"
};

inline CompiledDomain CompileForTest(const Value& domain, const DomainCompileOptions& options = {},
                                     const Model& model = TestPartner()) {
  const db::ComposedSql sql = CompileDomain(Domain::Parse(model, domain), *db::Identifier::Make("t0"), options);
  CompiledDomain compiled{sql.Text(), {}};
  for (const auto& param : sql.params()) compiled.params.push_back(param ? *param : "<NULL>");
  return compiled;
}

inline CompiledDomain CompileForTest(const char* json, const DomainCompileOptions& options = {}) {
  return CompileForTest(Value::parse(json), options);
}

// The SQL text alone.
inline std::string Sql(const char* json, const DomainCompileOptions& options = {}) {
  return CompileForTest(json, options).text;
}

}  // namespace citadel::orm::testing
