# Module installation and upgrade: data files (module_data), external ids,
# the record loader, the ir metadata rows and the installer. Included by
# CMakeLists.txt; appends to the orm lists.
list(APPEND ORM_SOURCES
  module_data.cpp
  install_xml_ids.cpp
  install_record_loader.cpp
  install_data_files.cpp
  ir_metadata_writer.cpp
  install_recompute.cpp
  module_installer.cpp)
list(APPEND ORM_UNIT_TESTS
  module_data_test.cpp
  ir_metadata_writer_test.cpp)

# The installer's pg tests install small modules made in the test on top of
# base's real metadata models (modules/base/models/ir_*.cpp, compiled in
# here: orm cannot link a module, and copying the declarations would let
# them drift). Their headers are reached through a link of our own,
# <build>/layers/orm_install_test/modules/base -> modules/base.
set(ORM_INSTALL_TEST_ROOT ${CMAKE_BINARY_DIR}/layers/orm_install_test)
file(MAKE_DIRECTORY ${ORM_INSTALL_TEST_ROOT}/modules)
if(NOT EXISTS ${ORM_INSTALL_TEST_ROOT}/modules/base)
  file(CREATE_LINK ${CMAKE_SOURCE_DIR}/modules/base ${ORM_INSTALL_TEST_ROOT}/modules/base SYMBOLIC)
endif()
set(ORM_BASE_METADATA_MODELS
  ${CMAKE_SOURCE_DIR}/modules/base/models/ir_model.cpp
  ${CMAKE_SOURCE_DIR}/modules/base/models/ir_model_fields.cpp
  ${CMAKE_SOURCE_DIR}/modules/base/models/ir_model_data.cpp
  ${CMAKE_SOURCE_DIR}/modules/base/models/ir_module_module.cpp)
citadel_test(orm_install_pgtest pg
  SOURCES module_installer_pgtest.cpp install_test_modules.cpp ${ORM_BASE_METADATA_MODELS}
  LINKS citadel_orm citadel_db_pg_harness)
if(TARGET orm_install_pgtest)
  target_include_directories(orm_install_pgtest PRIVATE ${ORM_INSTALL_TEST_ROOT})
endif()
