# Domains -> SQL (parsing, canonical form, compiler), with their tests and the
# independent in-memory evaluator the property test checks the SQL against.
# Included by CMakeLists.txt; appends to the orm lists.
list(APPEND ORM_SOURCES
  domain_internal.cpp
  domain_term_value.cpp
  domain_canonical.cpp
  domain_related.cpp
  domain_parse.cpp
  domain_sql_value.cpp
  domain_compile_scalar.cpp
  domain_compile_relational.cpp
  domain_compile_hierarchy.cpp
  domain_compiler.cpp)
# Test-only helpers (the synthetic registry, the evaluator...): compiled into
# the test binaries, never into the library.
set(DOMAIN_TEST_HELPERS
  testing/domain_test_registry.cpp
  testing/domain_describe.cpp
  testing/domain_evaluator.cpp
  testing/domain_evaluator_reading.cpp
  testing/domain_evaluator_values.cpp)
list(APPEND ORM_UNIT_TESTS
  ${DOMAIN_TEST_HELPERS}
  domain_parse_test.cpp
  domain_validation_test.cpp
  domain_compiler_test.cpp
  domain_compiler_relational_test.cpp
  domain_injection_test.cpp
  domain_evaluator_test.cpp)
list(APPEND ORM_PG_TESTS
  ${DOMAIN_TEST_HELPERS}
  testing/domain_test_data.cpp
  testing/domain_random.cpp
  domain_property_pgtest.cpp)
