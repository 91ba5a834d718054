# zaplify_add_plugin(<target> SOURCES <files...> [OUTPUT_DIRECTORY <dir>])
#
# Makes a loadable plugin: a MODULE library named <target>.so (no "lib" prefix), built with hidden
# visibility and -fno-gnu-unique (so an unload really unloads), linked against the SDK only.
function(zaplify_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET ZaplifyAnalyticsSDK::zaplify_sdk)  # the installed package (find_package)
    target_link_libraries(${target} PRIVATE ZaplifyAnalyticsSDK::zaplify_sdk)
  else()                                         # this source tree (the target may come later)
    target_link_libraries(${target} PRIVATE zaplify_sdk)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    CXX_STANDARD 20
    CXX_STANDARD_REQUIRED ON)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -fno-gnu-unique)
  endif()
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(ARG_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  elseif(DEFINED ZAPLIFY_PLUGIN_OUTPUT_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ZAPLIFY_PLUGIN_OUTPUT_DIR})
  endif()
endfunction()

# zaplify_add_plugin_test(<test_target> PLUGIN <plugin_target>)
#
# Links the plugin test kit (zaplify/testkit/testkit.h) into an existing test executable and tells
# it where the built plugin is: ZAPLIFY_PLUGIN_SO is the path of <plugin_target>'s .so, for
# testkit::PluginLibrary. The test is built after the plugin.
function(zaplify_add_plugin_test test_target)
  cmake_parse_arguments(ARG "" "PLUGIN" "" ${ARGN})
  if(NOT ARG_PLUGIN)
    message(FATAL_ERROR "zaplify_add_plugin_test(${test_target}): PLUGIN <plugin_target> is required")
  endif()
  target_link_libraries(${test_target} PRIVATE ZaplifyAnalyticsSDK::testkit)
  target_compile_definitions(${test_target} PRIVATE ZAPLIFY_PLUGIN_SO="$<TARGET_FILE:${ARG_PLUGIN}>")
  add_dependencies(${test_target} ${ARG_PLUGIN})
endfunction()

# zaplify_plugin(<name>
#                [ENTRY <files...>]       the .so's own sources (default: src/<name>_plugin.cpp)
#                [SOURCES <files...>]     more sources for <name>_logic (e.g. generated ones)
#                [LINK <libs...>]         linked PUBLIC into <name>_logic
#                [TEST_LINK <libs...>]    more libraries for <name>_tests and <name>_bench
#                [BENCH <files...>]       the micro-benchmark's sources (default: bench/*.cpp)
#                [OUTPUT_DIRECTORY <dir>])
#
# Builds a plugin from the one layout every plugin has:
#   src/     its code; ENTRY holds ZAPLIFY_PLUGIN (the only global symbol) and goes into the .so
#            alone, every other src/*.cpp into <name>_logic
#   tests/   its unit tests: every tests/*.cpp except *_http_test.cpp (tests that need a running
#            server are added by the caller), on GoogleTest and the SDK test kit
#   bench/   optional: micro-benchmarks, one executable never run by ctest
# Targets:
#   <name>_logic  static, position-independent, hidden visibility; include directory src/, so
#                 tests and benchmarks test the very code the .so runs
#   <name>        the loadable <name>.so (zaplify_add_plugin)
#   <name>_tests  label "unit"; ZAPLIFY_PLUGIN_SO names the built .so (zaplify_add_plugin_test)
#   <name>_bench  when bench/ has sources
# Tests and the benchmark are built when GoogleTest was found (find_package(GTest)) and
# ZAPLIFY_BUILD_TESTS is not OFF. Add what is special to a plugin to these targets afterwards.
function(zaplify_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "ENTRY;SOURCES;LINK;TEST_LINK;BENCH" ${ARGN})
  set(dir ${CMAKE_CURRENT_SOURCE_DIR})
  if(NOT ARG_ENTRY)
    set(ARG_ENTRY src/${name}_plugin.cpp)
  endif()
  set(entry)
  foreach(file ${ARG_ENTRY})
    get_filename_component(path ${file} ABSOLUTE BASE_DIR ${dir})
    list(APPEND entry ${path})
  endforeach()
  file(GLOB logic_sources CONFIGURE_DEPENDS ${dir}/src/*.cpp)
  list(REMOVE_ITEM logic_sources ${entry})
  list(APPEND logic_sources ${ARG_SOURCES})
  if(TARGET ZaplifyAnalyticsSDK::zaplify_sdk)  # the installed package (find_package)
    set(sdk ZaplifyAnalyticsSDK::zaplify_sdk)
  else()                                         # this source tree
    set(sdk zaplify_sdk)
  endif()

  if(logic_sources)
    add_library(${name}_logic STATIC ${logic_sources})
    target_include_directories(${name}_logic PUBLIC ${dir}/src)
    target_link_libraries(${name}_logic PUBLIC ${sdk} ${ARG_LINK})
    set_target_properties(${name}_logic PROPERTIES
      POSITION_INDEPENDENT_CODE ON
      CXX_VISIBILITY_PRESET hidden
      VISIBILITY_INLINES_HIDDEN ON)
    set(logic_targets ${name}_logic)
  else()  # a one-file plugin: the entry point is all its code
    add_library(${name}_logic INTERFACE)
    target_include_directories(${name}_logic INTERFACE ${dir}/src)
    target_link_libraries(${name}_logic INTERFACE ${sdk} ${ARG_LINK})
    set(logic_targets)
  endif()

  if(ARG_OUTPUT_DIRECTORY)
    zaplify_add_plugin(${name} SOURCES ${entry} OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
  else()
    zaplify_add_plugin(${name} SOURCES ${entry})
  endif()
  target_link_libraries(${name} PRIVATE ${name}_logic)
  set(targets ${logic_targets} ${name})

  if((NOT DEFINED ZAPLIFY_BUILD_TESTS OR ZAPLIFY_BUILD_TESTS) AND TARGET GTest::gtest_main)
    include(GoogleTest)
    file(GLOB test_sources CONFIGURE_DEPENDS ${dir}/tests/*.cpp)
    list(FILTER test_sources EXCLUDE REGEX "_http_test\\.cpp$")
    if(test_sources)
      add_executable(${name}_tests ${test_sources})
      target_link_libraries(${name}_tests PRIVATE ${name}_logic GTest::gtest_main ${ARG_TEST_LINK})
      zaplify_add_plugin_test(${name}_tests PLUGIN ${name})
      gtest_discover_tests(${name}_tests DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "unit")
      list(APPEND targets ${name}_tests)
    endif()
    if(NOT ARG_BENCH)
      file(GLOB ARG_BENCH CONFIGURE_DEPENDS ${dir}/bench/*.cpp)
    endif()
    if(ARG_BENCH)
      add_executable(${name}_bench ${ARG_BENCH})
      target_include_directories(${name}_bench PRIVATE ${dir}/tests)
      target_link_libraries(${name}_bench PRIVATE ${name}_logic GTest::gtest_main ${ARG_TEST_LINK})
      zaplify_add_plugin_test(${name}_bench PLUGIN ${name})
      list(APPEND targets ${name}_bench)
    endif()
  endif()

  foreach(target ${targets})
    set_target_properties(${target} PROPERTIES CXX_STANDARD 20 CXX_STANDARD_REQUIRED ON)
    # Test code builds strings as `"literal" + std::to_string(i)`, which GCC 12 reports as an
    # overlapping memcpy (GCC bug 105329).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND target MATCHES "_(tests|bench)$")
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
    if(COMMAND zaplify_warnings)  # this source tree's warning set
      zaplify_warnings(${target})
    endif()
  endforeach()
endfunction()
