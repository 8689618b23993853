# Cryptography of libs/keynote: keys, signatures, the signature cache
# (docs/keynote-crypto.md). Included by libs/keynote/CMakeLists.txt, which
# builds KEYNOTE_CRYPTO_SOURCES into `keynote` and KEYNOTE_CRYPTO_TEST_SOURCES
# into `keynote_crypto_test`. OpenSSL 3 (libcrypto) is the only dependency.
set(KEYNOTE_CRYPTO_DIR ${CMAKE_CURRENT_LIST_DIR})
get_filename_component(KEYNOTE_CRYPTO_TESTS_DIR ${KEYNOTE_CRYPTO_DIR}/../../tests/crypto ABSOLUTE)
set(KEYNOTE_CRYPTO_VECTORS_DIR ${KEYNOTE_CRYPTO_TESTS_DIR}/vectors)

set(KEYNOTE_CRYPTO_SOURCES
  ${KEYNOTE_CRYPTO_DIR}/assertion_text.cpp
  ${KEYNOTE_CRYPTO_DIR}/credential.cpp
  ${KEYNOTE_CRYPTO_DIR}/der.cpp
  ${KEYNOTE_CRYPTO_DIR}/encoding.cpp
  ${KEYNOTE_CRYPTO_DIR}/key_codec.cpp
  ${KEYNOTE_CRYPTO_DIR}/keygen.cpp
  ${KEYNOTE_CRYPTO_DIR}/keys.cpp
  ${KEYNOTE_CRYPTO_DIR}/names.cpp
  ${KEYNOTE_CRYPTO_DIR}/openssl.cpp
  ${KEYNOTE_CRYPTO_DIR}/provider.cpp
  ${KEYNOTE_CRYPTO_DIR}/schemes.cpp)

set(KEYNOTE_CRYPTO_TEST_SOURCES
  ${KEYNOTE_CRYPTO_TESTS_DIR}/credential_test.cpp
  ${KEYNOTE_CRYPTO_TESTS_DIR}/encoding_test.cpp
  ${KEYNOTE_CRYPTO_TESTS_DIR}/keys_test.cpp
  ${KEYNOTE_CRYPTO_TESTS_DIR}/provider_test.cpp
  ${KEYNOTE_CRYPTO_TESTS_DIR}/signature_test.cpp
  ${KEYNOTE_CRYPTO_TESTS_DIR}/vectors_test.cpp)

# The C API crypto functions (src/capi/capi_crypto.cpp, built into keynote_c)
# are tested through keynote.h alone, by a program linked with keynote_c.
set(KEYNOTE_CRYPTO_CAPI_TEST_SOURCES ${KEYNOTE_CRYPTO_TESTS_DIR}/capi_crypto_test.cpp)

# The vector tests find their files through a compile definition.
set_source_files_properties(
  ${KEYNOTE_CRYPTO_TESTS_DIR}/vectors_test.cpp ${KEYNOTE_CRYPTO_TESTS_DIR}/capi_crypto_test.cpp
  PROPERTIES COMPILE_DEFINITIONS "KEYNOTE_CRYPTO_VECTORS_DIR=\"${KEYNOTE_CRYPTO_VECTORS_DIR}\"")

# Tests that need targets defined after this file is included (keynote_c, and
# the keynote command of tools/keynote): registered when the directory is done.
function(keynote_crypto_late_tests)
  if(NOT KEYNOTE_TESTS)
    return()
  endif()
  if(TARGET keynote_c AND TARGET GTest::gtest_main)
    add_executable(keynote_crypto_capi_test ${KEYNOTE_CRYPTO_CAPI_TEST_SOURCES})
    target_link_libraries(keynote_crypto_capi_test PRIVATE keynote_c GTest::gtest GTest::gtest_main)
    target_compile_options(keynote_crypto_capi_test PRIVATE -Wall -Wextra -Wpedantic -Werror)
    gtest_discover_tests(keynote_crypto_capi_test DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
                         PROPERTIES TIMEOUT 120)
  endif()
  # keygen/sign/sigver as a user runs them; skipped (77) until bin/keynote is built.
  find_program(KEYNOTE_CRYPTO_PYTHON python3)
  if(KEYNOTE_CRYPTO_PYTHON)
    add_test(NAME keynote_crypto_cli
             COMMAND ${KEYNOTE_CRYPTO_PYTHON} ${KEYNOTE_CRYPTO_TESTS_DIR}/cli_test.py
                     ${CMAKE_BINARY_DIR}/bin/keynote ${KEYNOTE_CRYPTO_VECTORS_DIR})
    set_tests_properties(keynote_crypto_cli PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
  endif()
endfunction()
cmake_language(DEFER CALL keynote_crypto_late_tests)
