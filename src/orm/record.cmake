# The record layer: environments, transactions, the access guard and
# RecordSet CRUD, with their tests. Included by CMakeLists.txt (OPTIONAL);
# appends to the orm lists.
list(APPEND ORM_SOURCES
  environment.cpp
  transaction_runner.cpp)
list(APPEND ORM_UNIT_TESTS
  environment_test.cpp)
list(APPEND ORM_PG_TESTS
  transaction_runner_pgtest.cpp)
