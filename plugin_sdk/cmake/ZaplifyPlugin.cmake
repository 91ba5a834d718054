# zaplify_add_plugin(<target> SOURCES <files...> [OUTPUT_DIRECTORY <dir>])
#
# Makes a loadable plugin: a MODULE library named <target>.so (no "lib" prefix), built with hidden
# visibility and -fno-gnu-unique (so an unload really unloads), linked against the SDK only.
function(zaplify_add_plugin target)
  cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(TARGET zaplify_sdk)
    target_link_libraries(${target} PRIVATE zaplify_sdk)
  else()
    target_link_libraries(${target} PRIVATE ZaplifyAnalyticsSDK::zaplify_sdk)
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
