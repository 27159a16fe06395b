# CTest test `consumer`: install BUILD_DIR into a scratch prefix under
# WORK_DIR, then configure, build and run the project in SOURCE_DIR against it
# with the same compiler, flags and configuration.
#
#   cmake -DBUILD_DIR=... -DCONFIG=... -DSOURCE_DIR=... -DWORK_DIR=...
#         -DGENERATOR=... [-DMAKE_PROGRAM=...] -DCXX_COMPILER=...
#         [-DCXX_FLAGS=...] [-DEXE_LINKER_FLAGS=...] -P run_consumer_test.cmake
foreach(var BUILD_DIR SOURCE_DIR WORK_DIR GENERATOR CXX_COMPILER)
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

message(STATUS "consumer: installing ${BUILD_DIR} into ${prefix}")
execute_process(
    COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} ${config_args}
    OUTPUT_QUIET
    COMMAND_ERROR_IS_FATAL ANY)

set(make_program_arg "")
if(MAKE_PROGRAM)
    set(make_program_arg -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
message(STATUS "consumer: configuring ${SOURCE_DIR}")
execute_process(
    COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${consumer_build}
        -G ${GENERATOR} ${make_program_arg}
        -DCMAKE_BUILD_TYPE=${CONFIG}
        -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
        -DCMAKE_CXX_FLAGS=${CXX_FLAGS}
        -DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}
        -DCMAKE_PREFIX_PATH=${prefix}
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
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
