# The record layer: environments, transactions, the access guard and
# RecordSet CRUD, with their tests. Included by CMakeLists.txt (OPTIONAL);
# appends to the orm lists.
list(APPEND ORM_SOURCES
  environment.cpp
  transaction_runner.cpp
  crud_sql.cpp
  access_guard.cpp
  security_signal.cpp
  security_cache.cpp
  rule_sql_memo.cpp
  company_tree.cpp
  rule_company_walks.cpp
  crud_support.cpp
  crud_search.cpp
  crud_read_rows.cpp
  crud_read.cpp
  crud_create.cpp
  crud_write.cpp
  crud_unlink.cpp)
list(APPEND ORM_UNIT_TESTS
  environment_test.cpp
  company_tree_test.cpp
  rule_sql_memo_test.cpp)
list(APPEND ORM_PG_TESTS
  record_set_test_models.cpp
  transaction_runner_pgtest.cpp
  access_guard_pgtest.cpp
  security_cache_pgtest.cpp
  rule_sql_memo_pgtest.cpp
  record_set_pgtest.cpp
  crud_plan_reuse_pgtest.cpp
  crud_deleted_records_pgtest.cpp
  monetary_pgtest.cpp)
