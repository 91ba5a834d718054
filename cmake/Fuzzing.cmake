# zaplify_add_fuzzer(<name> SOURCES <files...> [INCLUDES <dirs...>] [LIBRARIES <libs...>])
# A libFuzzer executable with ASan + UBSan. Only with ZAPLIFY_FUZZ (the top-level CMakeLists checks
# for clang). scripts/fuzz.sh runs every such target on the `corpus/` folder beside its CMakeLists.
function(zaplify_add_fuzzer name)
  cmake_parse_arguments(FUZZ "" "" "SOURCES;INCLUDES;LIBRARIES" ${ARGN})
  add_executable(${name} ${FUZZ_SOURCES})
  target_include_directories(${name} PRIVATE ${FUZZ_INCLUDES})
  target_link_libraries(${name} PRIVATE ${FUZZ_LIBRARIES})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer -g)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address,undefined)
  zaplify_warnings(${name})
endfunction()
