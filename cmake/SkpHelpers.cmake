# skp_cc_library / skp_cc_test keep each folder's target, dependencies and
# tests together (after abseil's absl_cc_library). Third-party libraries are
# linked privately unless a public header needs them.
include(GoogleTest)

function(skp_cc_library)
  cmake_parse_arguments(SKP "" "NAME" "SRCS;PUBLIC_DEPS;DEPS" ${ARGN})
  add_library(skp_${SKP_NAME} ${SKP_SRCS})
  add_library(skp::${SKP_NAME} ALIAS skp_${SKP_NAME})
  target_include_directories(skp_${SKP_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(skp_${SKP_NAME} PUBLIC ${SKP_PUBLIC_DEPS} PRIVATE ${SKP_DEPS})
endfunction()

function(skp_cc_test)
  cmake_parse_arguments(SKP "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${SKP_NAME} ${SKP_SRCS})
  target_link_libraries(${SKP_NAME} PRIVATE ${SKP_DEPS} GTest::gmock GTest::gtest_main)
  # A hung test fails in minutes instead of holding CI until its limit.
  gtest_discover_tests(${SKP_NAME} DISCOVERY_TIMEOUT 60 NO_PRETTY_VALUES
    PROPERTIES LABELS "${SKP_LABELS}" TIMEOUT 300)
endfunction()
