# CTest tests boost_version/*: configure a project against a fake Boost of
# version FAKE_BOOST_VERSION (only its CMake package files, made here) and
# pass only if the configure step fails with EXPECT in its output.
#
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DFAKE_BOOST_VERSION=1.80.0
#         -DEXPECT=... [-DCXX_COMPILER=...] [-DGENERATOR=...]
#         [-DMAKE_PROGRAM=...]
#         [-Dpersist_DIR=...] -P expect_configure_error.cmake
#
# EXPECT may contain @FAKE_BOOST_DIR@, the directory of the fake
# BoostConfig.cmake. Runs of spaces and newlines count as one space, because
# CMake indents and breaks the messages it prints.
foreach(var SOURCE_DIR WORK_DIR FAKE_BOOST_VERSION EXPECT)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "expect_configure_error.cmake: ${var} is not set")
    endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR})
set(FAKE_BOOST_DIR ${WORK_DIR}/prefix/lib/cmake/Boost-${FAKE_BOOST_VERSION})
# A Boost package that says it is FAKE_BOOST_VERSION and has every component.
file(WRITE ${FAKE_BOOST_DIR}/BoostConfig.cmake
    "# Fake Boost for persist's boost_version tests: no targets.\n")
file(WRITE ${FAKE_BOOST_DIR}/BoostConfigVersion.cmake "\
set(PACKAGE_VERSION ${FAKE_BOOST_VERSION})
if(PACKAGE_VERSION VERSION_LESS PACKAGE_FIND_VERSION)
    set(PACKAGE_VERSION_COMPATIBLE FALSE)
else()
    set(PACKAGE_VERSION_COMPATIBLE TRUE)
endif()
")

set(args -S ${SOURCE_DIR} -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${WORK_DIR}/prefix
    # Only the fake: not the system's Boost, nor one found through PATH.
    -DCMAKE_FIND_USE_CMAKE_SYSTEM_PATH=OFF
    -DCMAKE_FIND_USE_SYSTEM_ENVIRONMENT_PATH=OFF
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
)
if(persist_DIR)
    list(APPEND args -Dpersist_DIR=${persist_DIR})
endif()
if(GENERATOR)
    list(APPEND args -G ${GENERATOR})
endif()
if(MAKE_PROGRAM)
    list(APPEND args -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(CXX_COMPILER)
    list(APPEND args -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} ${args}
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)

string(CONFIGURE "${EXPECT}" expected @ONLY)
string(REGEX REPLACE "[ \t\r\n]+" " " flat_output "${output}")
string(REGEX REPLACE "[ \t\r\n]+" " " flat_expected "${expected}")
if(result EQUAL 0)
    message(FATAL_ERROR "configure succeeded against Boost ${FAKE_BOOST_VERSION}; \
expected it to fail with: ${expected}\n--- output ---\n${output}")
endif()
string(FIND "${flat_output}" "${flat_expected}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "configure failed, but without the expected message\n\
expected: ${expected}\n--- output ---\n${output}")
endif()
message(STATUS "configure failed as expected: ${expected}")
