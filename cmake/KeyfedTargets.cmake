# Helpers that give every library, program and test the same shape.

function(keyfed_warnings target)
  target_compile_options(${target} PRIVATE ${KEYFED_WARNINGS})
endfunction()

# keyfed_library(name SOURCES ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
# A library lives in libs/<name>/ with include/ (public), src/ and tests/.
# Its include directory is visible only to targets that link it, so an include
# against the layering of docs/architecture.md fails to build.
function(keyfed_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(keyfed::${name} ALIAS ${name})
  target_include_directories(${name} PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
                                     PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  keyfed_warnings(${name})
endfunction()

# keyfed_test(name SOURCES ... DEPS ...): a GoogleTest binary registered with ctest,
# one ctest entry per test case.
function(keyfed_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT KEYFED_TESTS)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  keyfed_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                       PROPERTIES TIMEOUT 120)
endfunction()

# keyfed_program(name SOURCES ... DEPS ...): a binary installed into build/bin.
function(keyfed_program name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  keyfed_warnings(${name})
endfunction()

# keyfed_benchmark(name SOURCES ... DEPS ...): a Google Benchmark binary in
# build/bin/bench, run by `make bench` (scripts/run-benchmarks).
function(keyfed_benchmark name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT KEYFED_BENCH)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin/bench)
  keyfed_warnings(${name})
endfunction()

# keyfed_fuzzer(name SOURCES ... DEPS ...): a libFuzzer target in
# build-fuzz/bin/fuzz, run by `make fuzz` (scripts/run-fuzzers). Only built with
# clang and KEYFED_FUZZ=ON; its seed corpus lives in fuzz/corpus/<name>/.
function(keyfed_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT KEYFED_FUZZ)
    return()
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin/fuzz)
  keyfed_warnings(${name})
endfunction()

# keyfed_module(name SOURCES ... [DEPS ...] [TESTS ...]): a server module in
# modules/<name>/ (include/keyfed/modules/<name>.hpp, src/, tests/), built as
# keyfed::module_<name> on the server's module API, with its tests (TestServer).
# A module's config section parser as a library of its own,
# keyfed::module_<name>_config with the module's include/ directory, so that
# keyfedctl (apps/keyfed/sections.cpp) checks a file without the module.
function(keyfed_module_config name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(module_${name}_config STATIC ${ARG_SOURCES})
  add_library(keyfed::module_${name}_config ALIAS module_${name}_config)
  target_include_directories(module_${name}_config PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
  target_link_libraries(module_${name}_config PUBLIC keyfed::config ${ARG_DEPS})
  keyfed_warnings(module_${name}_config)
endfunction()

function(keyfed_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;TESTS" ${ARGN})
  keyfed_library(module_${name} SOURCES ${ARG_SOURCES}
    PUBLIC_DEPS keyfed::server PRIVATE_DEPS ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY KEYFED_MODULES module_${name})
  if(ARG_TESTS)
    keyfed_test(module_${name}_tests SOURCES ${ARG_TESTS}
      DEPS keyfed::module_${name} keyfed::server_testing ${ARG_DEPS})
  endif()
endfunction()
