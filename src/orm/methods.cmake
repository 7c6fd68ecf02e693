# Odoo 18's other public methods on RecordSet (copy, name_search/name_create,
# read_group, default_get, fields_get, access checks, search_read) and the one
# method dispatcher with its allow-list. Included by CMakeLists.txt; appends
# to the orm lists.
list(APPEND ORM_SOURCES
  crud_access_check.cpp
  crud_copy.cpp
  crud_default_get.cpp
  crud_fields_get.cpp
  crud_name.cpp
  crud_read_group.cpp
  crud_read_group_format.cpp
  crud_read_group_spec.cpp
  crud_search_read.cpp
  method_arguments.cpp
  method_dispatch.cpp)
list(APPEND ORM_UNIT_TESTS
  method_arguments_test.cpp
  method_registry_test.cpp
  crud_read_group_spec_test.cpp)
list(APPEND ORM_PG_TESTS
  method_dispatch_pgtest.cpp
  crud_copy_pgtest.cpp
  crud_name_pgtest.cpp
  crud_read_group_pgtest.cpp
  crud_fields_get_pgtest.cpp
  crud_default_get_pgtest.cpp
  crud_access_check_pgtest.cpp
  crud_search_read_pgtest.cpp)
