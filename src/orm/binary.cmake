# Binary fields kept in the tenant's file store (file_store.hpp,
# binary_field.hpp), with their tests. Included by CMakeLists.txt; appends
# to the orm lists. The CRUD files (record.cmake) call into binary_column.
list(APPEND ORM_SOURCES
  file_store.cpp
  binary_field.cpp
  binary_column.cpp)
list(APPEND ORM_UNIT_TESTS
  file_store_test.cpp
  binary_field_test.cpp)
list(APPEND ORM_PG_TESTS
  binary_field_pgtest.cpp)
