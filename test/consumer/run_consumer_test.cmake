# CTest tests consumer/*: build the project in SOURCE_DIR (test/consumer)
# under WORK_DIR with the same compiler, flags and configuration as persist's
# build, taking persist the way MODE says, and run it.
#
#   MODE=find_package      BUILD_DIR set: install it into a scratch prefix
#                          first and find it there; BUILD_DIR empty: find
#                          the persist already installed on the system (the
#                          .deb, in .ci/test's debian13 stage)
#   MODE=add_subdirectory  PERSIST_SOURCE_DIR: persist's source tree
#   MODE=FetchContent      the same, through FetchContent_Declare(SOURCE_DIR)
#
#   cmake -DMODE=... [-DBUILD_DIR=...] [-DPERSIST_SOURCE_DIR=...] -DCONFIG=...
#         -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... [-DMAKE_PROGRAM=...]
#         -DCXX_COMPILER=... [-DCXX_FLAGS=...] [-DEXE_LINKER_FLAGS=...]
#         -P run_consumer_test.cmake
foreach(var MODE SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_consumer_test.cmake: ${var} is not set")
    endif()
endforeach()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/build)
file(REMOVE_RECURSE ${WORK_DIR})

set(config_args "")
if(CONFIG)
    set(config_args --config ${CONFIG})
endif()

set(mode_args -DPERSIST_CONSUMER_MODE=${MODE})
if(MODE STREQUAL "find_package")
    if(BUILD_DIR)
        message(STATUS "consumer: installing ${BUILD_DIR} into ${prefix}")
        execute_process(
            COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args}
            OUTPUT_QUIET
            COMMAND_ERROR_IS_FATAL ANY)
        list(APPEND mode_args -DCMAKE_PREFIX_PATH=${prefix})
    endif()
else()
    if(NOT PERSIST_SOURCE_DIR)
        message(FATAL_ERROR "run_consumer_test.cmake: MODE=${MODE} needs PERSIST_SOURCE_DIR")
    endif()
    list(APPEND mode_args -DPERSIST_SOURCE_DIR=${PERSIST_SOURCE_DIR})
endif()

set(make_program_arg "")
if(MAKE_PROGRAM)
    set(make_program_arg -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
message(STATUS "consumer: configuring ${SOURCE_DIR} (${MODE})")
execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${consumer_build}
        -G ${GENERATOR} ${make_program_arg}
        -DCMAKE_BUILD_TYPE=${CONFIG}
        -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
        -DCMAKE_CXX_FLAGS=${CXX_FLAGS}
        -DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        ${mode_args}
    OUTPUT_QUIET
    COMMAND_ERROR_IS_FATAL ANY)

message(STATUS "consumer: building")
execute_process(
    COMMAND ${CMAKE_COMMAND} --build ${consumer_build} ${config_args}
    COMMAND_ERROR_IS_FATAL ANY)

find_program(app NAMES app PATHS ${consumer_build} ${consumer_build}/${CONFIG} NO_DEFAULT_PATH REQUIRED)
message(STATUS "consumer: running ${app}")
execute_process(COMMAND ${app} COMMAND_ERROR_IS_FATAL ANY)

find_program(testing_app NAMES testing_app PATHS ${consumer_build} ${consumer_build}/${CONFIG}
    NO_DEFAULT_PATH REQUIRED)
message(STATUS "consumer: running ${testing_app}")
execute_process(COMMAND ${testing_app} COMMAND_ERROR_IS_FATAL ANY)
