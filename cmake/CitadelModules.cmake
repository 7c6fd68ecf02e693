# citadel_module(NAME <name> SOURCES <cpp>... FILES <data file>... [LINKS <lib>...])
#
# A business module (modules/<name>) as a static library citadel_module_<name>
# that links citadel_orm (and whatever LINKS adds: another module, never
# http/web/platform). Its data files (module.toml, security/access.csv,
# data/*.toml...) are compiled into the library: a generated source defines
#
#   std::map<std::string, std::string> citadel::modules::<name>::EmbeddedFiles();
#
# mapping each path relative to the module folder to the file's bytes, so the
# binary never looks for its modules on disk. The source is regenerated when
# any listed file changes (the custom command depends on each of them).
#
# Include root: <build>/layers/modules_<name>, holding a link
# modules/<name> -> the module's folder, so `#include "modules/base/..."`
# resolves only for targets that link the module (as citadel_layer does for
# the layers under src/).

set(CITADEL_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/CitadelEmbedFiles.cmake)

function(citadel_module)
  cmake_parse_arguments(M "" "NAME" "SOURCES;FILES;LINKS" ${ARGN})
  if(NOT M_NAME)
    message(FATAL_ERROR "citadel_module: NAME is required")
  endif()
  set(root ${CMAKE_BINARY_DIR}/layers/modules_${M_NAME})
  file(MAKE_DIRECTORY ${root}/modules)
  if(NOT EXISTS ${root}/modules/${M_NAME})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/modules/${M_NAME} SYMBOLIC)
  endif()

  set(generated ${CMAKE_CURRENT_BINARY_DIR}/${M_NAME}_embedded_files.cpp)
  set(inputs)
  foreach(path IN LISTS M_FILES)
    if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${path})
      message(FATAL_ERROR "citadel_module(${M_NAME}): no file ${path}")
    endif()
    list(APPEND inputs ${CMAKE_CURRENT_SOURCE_DIR}/${path})
  endforeach()
  # A list cannot cross add_custom_command's argument splitting: join it.
  list(JOIN M_FILES "," files_argument)
  add_custom_command(
    OUTPUT ${generated}
    COMMAND ${CMAKE_COMMAND} -DMODULE_NAME=${M_NAME} -DSOURCE_DIR=${CMAKE_CURRENT_SOURCE_DIR}
            -DOUTPUT=${generated} -DFILES=${files_argument} -P ${CITADEL_EMBED_SCRIPT}
    DEPENDS ${inputs} ${CITADEL_EMBED_SCRIPT}
    COMMENT "Embedding the data files of module ${M_NAME}"
    VERBATIM)

  # Kept out of unity batches: a changed data file then recompiles this plain
  # array source alone, not a batch of model code.
  set_source_files_properties(${generated} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  add_library(citadel_module_${M_NAME} STATIC ${M_SOURCES} ${generated})
  target_include_directories(citadel_module_${M_NAME} PUBLIC ${root})
  target_link_libraries(citadel_module_${M_NAME} PUBLIC citadel_orm ${M_LINKS})
  citadel_apply_options(citadel_module_${M_NAME})
endfunction()
