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
