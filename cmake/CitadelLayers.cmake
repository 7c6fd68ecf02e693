# One library per layer, each with an include root of its own.
#
# Why: if every layer shared `src/` as include directory, `src/http` could
# include `db/...` and the layering of DESIGN.md would be a wish. Instead each
# layer gets `build/layers/<layer>/<layer> -> src/<layer>` and exposes only
# `build/layers/<layer>`; a layer sees another's headers only by linking it.

set(CITADEL_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wold-style-cast -Wcast-align -Woverloaded-virtual -Wconversion
    -Wno-sign-conversion -Wimplicit-fallthrough)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  # g++ 12 at -O3 reports impossible std::string copies (GCC bug 105329,
  # "-Wrestrict false positive with std::string"); fixed in g++ 13.
  list(APPEND CITADEL_WARNINGS -Wno-restrict)
endif()
if(CITADEL_WERROR)
  list(APPEND CITADEL_WARNINGS -Werror)
endif()

function(citadel_apply_options target)
  target_compile_options(${target} PRIVATE ${CITADEL_WARNINGS})
  if(CITADEL_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                           -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
  if(CITADEL_FUZZ)
    target_compile_options(${target} PRIVATE -fsanitize=fuzzer-no-link,address,undefined)
  endif()
endfunction()

# citadel_layer(NAME SOURCES... [LINKS lib...])
function(citadel_layer name)
  cmake_parse_arguments(L "" "" "SOURCES;LINKS" ${ARGN})
  set(root ${CMAKE_BINARY_DIR}/layers/${name})
  file(MAKE_DIRECTORY ${root})
  if(NOT EXISTS ${root}/${name})
    file(CREATE_LINK ${CMAKE_CURRENT_SOURCE_DIR} ${root}/${name} SYMBOLIC)
  endif()
  add_library(citadel_${name} STATIC ${L_SOURCES})
  target_include_directories(citadel_${name} PUBLIC ${root})
  target_link_libraries(citadel_${name} PUBLIC ${L_LINKS})
  citadel_apply_options(citadel_${name})
endfunction()

# citadel_test(NAME LABEL SOURCES... LINKS ... [COST SECONDS]): a GoogleTest binary
# with a CTest label (unit: no database; pg: a real PostgreSQL started by the test
# harness). COST, its seconds under the sanitizers, makes CTest start the long
# binaries first when it has no timings of its own (a fresh clone), so that no
# long one starts last and runs alone.
function(citadel_test name label)
  cmake_parse_arguments(T "" "COST" "SOURCES;LINKS" ${ARGN})
  if(CITADEL_FUZZ)
    return()
  endif()
  add_executable(${name} ${T_SOURCES})
  # Collected for the `unit_and_pg_tests` target (the sanitizer build needs only these).
  set_property(GLOBAL APPEND PROPERTY CITADEL_TEST_TARGETS ${name})
  target_link_libraries(${name} PRIVATE ${T_LINKS} GTest::gtest GTest::gmock GTest::gtest_main)
  citadel_apply_options(${name})
  if(CMAKE_BUILD_TYPE STREQUAL "Release")
    # The test's own code is not worth optimizing hard (the layers it tests
    # are): a pg test's unit compiles in 12 s at -O1 against 23 s at -O3, and
    # test units are half of the build. Not -O0 (9 s): the inline code the
    # tests instantiate (json, the ORM's values) is what the linker keeps for
    # the layers too, and orm_pgtest then ran 33 s instead of 8.
    target_compile_options(${name} PRIVATE -O1)
  endif()
  # One CTest test per binary, for both labels: a pg binary's harness starts one
  # PostgreSQL for all its cases, and a unit binary run case by case paid its
  # process start-up (AddressSanitizer maps and symbolizes a ~350 MB binary)
  # once per case: core_test's 47 cases took 13 s one per process and 3.9 s in
  # one, and the sanitizer step ran ~550 unit processes. A failing case is named
  # in the binary's own output (--output-on-failure); `ctest -R http_test` still
  # selects a layer, and `http_test --gtest_filter=...` a case.
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT 600)
  if(T_COST)
    set_tests_properties(${name} PROPERTIES COST ${T_COST})
  endif()
endfunction()
