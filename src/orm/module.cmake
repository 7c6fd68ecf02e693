# Modules: manifests, load order, access rights files.
list(APPEND ORM_SOURCES access_csv.cpp module_manifest.cpp module_set.cpp)
list(APPEND ORM_UNIT_TESTS access_csv_test.cpp module_set_test.cpp)
