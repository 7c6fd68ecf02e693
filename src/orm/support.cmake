# Support access: the grant's scope, enforced by AccessGuard, and the desk
# interface the admin's API reaches the catalog through.
list(APPEND ORM_SOURCES support_scope.cpp)
list(APPEND ORM_UNIT_TESTS support_scope_test.cpp)
