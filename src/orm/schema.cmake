# Schema sync (tables, columns, keys, indexes, link tables, constraints from
# the registry): included by CMakeLists.txt, appends to the orm lists.
list(APPEND ORM_SOURCES
  schema_names.cpp
  schema_column_type.cpp
  schema_wanted.cpp
  schema_introspection.cpp
  schema_plan.cpp
  schema_apply.cpp
  schema_sync.cpp)
list(APPEND ORM_UNIT_TESTS
  schema_names_test.cpp
  schema_plan_test.cpp
  schema_plan_upgrade_test.cpp
  schema_apply_test.cpp)
list(APPEND ORM_PG_TESTS
  schema_sync_pgtest.cpp
  schema_upgrade_pgtest.cpp)
