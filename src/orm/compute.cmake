# Computed and related fields, model hooks and html sanitising (libxml2's
# HTML parser), with their tests. Included by CMakeLists.txt; appends to the
# orm lists and links libxml2 into the orm layer.
find_package(LibXml2 REQUIRED)
list(APPEND ORM_SOURCES
  compute_registry.cpp
  compute_batch.cpp
  compute_engine.cpp
  compute_linked_records.cpp
  compute_new_values.cpp
  compute_new_records.cpp
  compute_read.cpp
  compute_inverse.cpp
  html_sanitizer.cpp)
list(APPEND ORM_UNIT_TESTS
  compute_registry_test.cpp
  html_sanitizer_test.cpp)
list(APPEND ORM_PG_TESTS
  compute_test_models.cpp
  compute_pgtest.cpp
  compute_new_records_pgtest.cpp)
