# Extra targets of the core (included at the end of core/CMakeLists.txt):
#   * docs_assets: Swagger UI from the npm registry into ${CMAKE_BINARY_DIR}/docs-assets
#   * the shipped OpenAPI examples (docs/openapi_examples.json) compiled into zaplify_core
#   * test plugins for the loader's unit tests, into ${CMAKE_BINARY_DIR}/test-plugins

# --- Swagger UI for GET /docs: installed at build time, never committed, never from a CDN -------
set(ZAPLIFY_SWAGGER_UI_VERSION 5.17.14 CACHE STRING "swagger-ui-dist version served at /docs")
set(ZAPLIFY_DOCS_ASSETS_DIR ${CMAKE_BINARY_DIR}/docs-assets)
set(ZAPLIFY_DOCS_NPM_DIR ${CMAKE_BINARY_DIR}/docs-npm)
find_program(NPM_EXECUTABLE npm)
if(NOT NPM_EXECUTABLE)
  message(FATAL_ERROR "npm not found: it installs Swagger UI for /docs at build time. "
                      "Install it with: apt-get install nodejs npm")
endif()
set(_swagger_files swagger-ui.css swagger-ui-bundle.js swagger-ui-standalone-preset.js
                   favicon-32x32.png favicon-16x16.png)
set(_swagger_src ${ZAPLIFY_DOCS_NPM_DIR}/node_modules/swagger-ui-dist)
set(_swagger_outputs)
set(_swagger_copy)
foreach(f ${_swagger_files})
  list(APPEND _swagger_outputs ${ZAPLIFY_DOCS_ASSETS_DIR}/${f})
  list(APPEND _swagger_copy COMMAND ${CMAKE_COMMAND} -E copy ${_swagger_src}/${f} ${ZAPLIFY_DOCS_ASSETS_DIR}/${f})
endforeach()
# The stamp names the version, so changing the pin reinstalls.
set(_swagger_stamp ${ZAPLIFY_DOCS_ASSETS_DIR}/.swagger-ui-${ZAPLIFY_SWAGGER_UI_VERSION})
add_custom_command(
  OUTPUT ${_swagger_stamp} ${_swagger_outputs}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${ZAPLIFY_DOCS_NPM_DIR} ${ZAPLIFY_DOCS_ASSETS_DIR}
  COMMAND ${NPM_EXECUTABLE} install --prefix ${ZAPLIFY_DOCS_NPM_DIR}
          swagger-ui-dist@${ZAPLIFY_SWAGGER_UI_VERSION} --no-audit --no-fund --ignore-scripts
          --no-save --loglevel=error
  ${_swagger_copy}
  COMMAND ${CMAKE_COMMAND} -E touch ${_swagger_stamp}
  COMMENT "Installing swagger-ui-dist@${ZAPLIFY_SWAGGER_UI_VERSION} from npm into docs-assets/"
  VERBATIM)
add_custom_target(docs_assets ALL DEPENDS ${_swagger_stamp})
add_dependencies(zaplify-analytics docs_assets)

# --- OpenAPI examples recorded from the demo data (docs/openapi_examples.h) ----------------------
# Bytes, not a string literal: no length limit, no delimiter to collide with. Re-configures when the
# file changes; configure_file rewrites the .inc only when its content changed.
set(_examples_json ${CMAKE_CURRENT_SOURCE_DIR}/docs/openapi_examples.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_examples_json})
file(READ ${_examples_json} _examples_hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," ZAPLIFY_OPENAPI_EXAMPLES_BYTES "${_examples_hex}")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/docs/openapi_examples.inc.in
               ${CMAKE_BINARY_DIR}/generated/openapi_examples.inc @ONLY)
target_include_directories(zaplify_core PRIVATE ${CMAKE_BINARY_DIR}/generated)

# --- Test plugins ---------------------------------------------------------------------------------
if(ZAPLIFY_BUILD_TESTS)
  set(ZAPLIFY_TEST_PLUGINS_DIR ${CMAKE_BINARY_DIR}/test-plugins)
  foreach(p good abi999 throwing duplicate)
    zaplify_add_plugin(test_plugin_${p}
      SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/plugins/tests/plugins/${p}_plugin.cpp
      OUTPUT_DIRECTORY ${ZAPLIFY_TEST_PLUGINS_DIR})
    set_target_properties(test_plugin_${p} PROPERTIES OUTPUT_NAME ${p})
    zaplify_warnings(test_plugin_${p})
    if(TARGET core_tests)
      add_dependencies(core_tests test_plugin_${p})
    endif()
  endforeach()
  if(TARGET core_tests)
    add_dependencies(core_tests docs_assets)
    target_compile_definitions(core_tests PRIVATE ZAPLIFY_TEST_CONFIG_DIR="${PROJECT_SOURCE_DIR}/config")
  endif()

  # Only this area's unit tests, for working on them while other areas are half-built.
  file(GLOB _host_tests CONFIGURE_DEPENDS
    ${CMAKE_CURRENT_SOURCE_DIR}/config/tests/*_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/plugins/tests/*_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/docs/tests/*_test.cpp
    ${CMAKE_CURRENT_SOURCE_DIR}/app/tests/*_test.cpp)
  if(_host_tests)
    add_executable(core_host_tests EXCLUDE_FROM_ALL ${_host_tests})
    target_link_libraries(core_host_tests PRIVATE zaplify_core GTest::gtest_main GTest::gmock)
    target_compile_definitions(core_host_tests PRIVATE
      ZAPLIFY_TEST_PLUGIN_DIR="${ZAPLIFY_TEST_PLUGINS_DIR}"
      ZAPLIFY_TEST_CONFIG_DIR="${PROJECT_SOURCE_DIR}/config")
    foreach(p good abi999 throwing duplicate)
      add_dependencies(core_host_tests test_plugin_${p})
    endforeach()
    add_dependencies(core_host_tests docs_assets)
    zaplify_warnings(core_host_tests)
  endif()
endif()
