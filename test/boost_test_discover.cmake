# Registers one CTest test per Boost.Test case, like gtest_discover_tests().
#
#   include(test/boost_test_discover.cmake)
#   persist_discover_boost_tests(<target> [EXTRA_ARGS <arg>...])
#
# How it works
#   After every link of <target>, a POST_BUILD step runs this file in script
#   mode. It asks the binary for its test tree (`--list_content=DOT`, printed
#   on stderr) and writes <target>_tests.cmake into the build directory: one
#   add_test() per test case. CTest reads that file through the directory's
#   TEST_INCLUDE_FILES, so `ctest -N` shows the cases of the last build.
#
#   - Test name: the case's path without the master suite, e.g.
#     `atomic_file/replace_creates<persist__posix_fs_ persist__no_sync_ ...>`.
#     Boost.Test has already replaced ':' ',' '/' '*' '@' '+' '!' in names by
#     '_', so the path doubles as the --run_test filter. Names keep spaces and
#     <>; they are written as bracket arguments and passed without a shell.
#   - Command: <target> --run_test=<path> --color_output=no
#     --log_level=message --report_level=detailed. Errors and
#     BOOST_TEST_MESSAGE output are shown; the detailed report is a few lines.
#   - Labels: Boost.Test labels (`* boost::unit_test::label("soak")`), own or
#     inherited from enclosing suites, become CTest LABELS. The presets run
#     `ctest -LE soak`. Label `serial` also sets RUN_SERIAL: for cases that
#     must not share the machine (mounts, rlimits, timing).
#   - Disabled cases (`* boost::unit_test::disabled()`, enable_if<false>, or
#     inside a disabled suite) are registered with DISABLED, as in a plain run.
#   - A case skipped at run time (a failed `precondition`, or a failed
#     dependency) is reported by CTest as skipped, not passed.
#   - Cross-compiling without CMAKE_CROSSCOMPILING_EMULATOR: the binary cannot
#     be listed, so one test runs the whole binary minus label soak.
#   - An empty test tree registers no tests (and says so in the build log).

if(NOT CMAKE_SCRIPT_MODE_FILE)
    set(_persist_discover_script ${CMAKE_CURRENT_LIST_FILE})

    function(persist_discover_boost_tests target)
        cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "EXTRA_ARGS")
        set(base_args --color_output=no --log_level=message --report_level=detailed
            ${arg_EXTRA_ARGS})

        get_property(emulator TARGET ${target} PROPERTY CROSSCOMPILING_EMULATOR)
        if(CMAKE_CROSSCOMPILING AND NOT emulator)
            add_test(NAME ${target} COMMAND ${target} --run_test=!@soak ${base_args})
            return()
        endif()

        get_property(multi_config GLOBAL PROPERTY GENERATOR_IS_MULTI_CONFIG)
        set(prefix ${CMAKE_CURRENT_BINARY_DIR}/${target})
        if(multi_config)
            set(ctest_file "${prefix}_tests-$<CONFIG>.cmake")
            set(ctest_file_at_test_time "${prefix}_tests-\${CTEST_CONFIGURATION_TYPE}.cmake")
        else()
            set(ctest_file "${prefix}_tests.cmake")
            set(ctest_file_at_test_time "${ctest_file}")
        endif()

        # Settings that need no generator expression go through a file, so
        # lists survive without quoting games.
        set(params_file ${prefix}_discover_params.cmake)
        set(params "")
        foreach(var emulator base_args)
            list(JOIN ${var} "]==] [==[" joined)
            string(APPEND params "set(${var} [==[${joined}]==])\n")
        endforeach()
        file(WRITE ${params_file} "${params}")

        add_custom_command(TARGET ${target} POST_BUILD
            COMMAND ${CMAKE_COMMAND}
                "-DTEST_TARGET=${target}"
                "-DTEST_EXECUTABLE=$<TARGET_FILE:${target}>"
                "-DPARAMS_FILE=${params_file}"
                "-DCTEST_FILE=${ctest_file}"
                -P ${_persist_discover_script}
            BYPRODUCTS ${ctest_file}
            COMMENT "Listing Boost.Test cases of ${target}"
            VERBATIM)
        # Relink, and so list again, when this script changes.
        set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${_persist_discover_script})

        set(include_file ${prefix}_include.cmake)
        file(WRITE ${include_file}
"if(EXISTS \"${ctest_file_at_test_time}\")
    include(\"${ctest_file_at_test_time}\")
else()
    add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)
endif()
")
        set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${include_file})
    endfunction()
    return()
endif()

# --- script mode: list the cases of TEST_EXECUTABLE into CTEST_FILE -----------
cmake_minimum_required(VERSION 3.25)
foreach(var TEST_TARGET TEST_EXECUTABLE PARAMS_FILE CTEST_FILE)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "boost_test_discover.cmake: ${var} is not set")
    endif()
endforeach()
include(${PARAMS_FILE})    # sets emulator and base_args

execute_process(
    COMMAND ${emulator} ${TEST_EXECUTABLE} --list_content=DOT
    OUTPUT_VARIABLE list_stdout
    ERROR_VARIABLE list_stderr
    RESULT_VARIABLE list_result
    TIMEOUT 120)
if(NOT list_result EQUAL 0)
    message(FATAL_ERROR
        "${TEST_EXECUTABLE} --list_content=DOT failed (${list_result}):\n"
        "${list_stdout}${list_stderr}")
endif()
# Boost.Test 1.81 prints the listing on stderr; accept either stream.
if(list_stderr MATCHES "digraph G")
    set(dot "${list_stderr}")
else()
    set(dot "${list_stdout}")
endif()

# Characters that CMake lists cannot hold verbatim are swapped for control
# characters while we split lines, and restored in the output.
string(ASCII 1 c_semicolon)
string(ASCII 2 c_open)
string(ASCII 3 c_close)
string(ASCII 4 c_backslash)
string(REPLACE "\\" "${c_backslash}" dot "${dot}")
string(REPLACE ";" "${c_semicolon}" dot "${dot}")
string(REPLACE "[" "${c_open}" dot "${dot}")
string(REPLACE "]" "${c_close}" dot "${dot}")
string(REPLACE "\n" ";" lines "${dot}")

function(restore out text)
    string(REPLACE "${c_backslash}" "\\" text "${text}")
    string(REPLACE "${c_semicolon}" ";" text "${text}")
    string(REPLACE "${c_open}" "[" text "${text}")
    string(REPLACE "${c_close}" "]" text "${text}")
    set(${out} "${text}" PARENT_SCOPE)
endfunction()

# Pick a bracket-argument delimiter that no name can close early.
function(bracket out text)
    set(eq "=")
    while(text MATCHES "]${eq}]")
        string(APPEND eq "=")
    endwhile()
    set(${out} "[${eq}[${text}]${eq}]" PARENT_SCOPE)
endfunction()

set(tests_text "")
set(test_count 0)
function(emit_case name labels disabled)
    restore(path "${name}")
    bracket(q_name "${path}")
    bracket(q_filter "--run_test=${path}")
    set(cmd "add_test(${q_name} ${q_exe_and_emulator} ${q_filter} ${q_args})\n")
    set(props "SKIP_REGULAR_EXPRESSION [==[Test (case|suite) \"[^\"]*\" was skipped]==]")
    if(labels)
        list(REMOVE_DUPLICATES labels)
        restore(labels "${labels}")
        bracket(q_labels "${labels}")
        string(APPEND props " LABELS ${q_labels}")
    endif()
    if("serial" IN_LIST labels)
        string(APPEND props " RUN_SERIAL TRUE")
    endif()
    if(disabled)
        string(APPEND props " DISABLED TRUE")
    endif()
    string(APPEND cmd "set_tests_properties(${q_name} PROPERTIES ${props})\n")
    set(tests_text "${tests_text}${cmd}" PARENT_SCOPE)
    math(EXPR n "${test_count} + 1")
    set(test_count ${n} PARENT_SCOPE)
endfunction()

set(q_exe_and_emulator "")
foreach(part IN LISTS emulator ITEMS "${TEST_EXECUTABLE}")
    bracket(q_part "${part}")
    string(APPEND q_exe_and_emulator " ${q_part}")
endforeach()
set(q_args "")
foreach(arg IN LISTS base_args)
    bracket(q_arg "${arg}")
    string(APPEND q_args " ${q_arg}")
endforeach()

# The DOT listing, one unit per line, in tree order:
#   tu1[shape=ellipse,...,color=green,label="<master>"];     master suite
#   tuN[shape=Mrecord,...,color=green|yellow,label="<name>|<file>(<line>)[|timeout=..][|expected failures=..][|labels: @a @b]"];
#   tuP -> tuN;   (and dependency edges)
#   {  ... }      children of the unit just listed, which is then a suite
# A unit is a case unless a "{" follows it.
set(suite_names "")     # stack, one entry per open suite below the master
set(suite_labels "")    # stack of "L,label,label..."
set(suite_disabled "")  # stack of 0/1
set(depth 0)
set(pending FALSE)
set(unit_regex "^tu[0-9]+${c_open}shape=([A-Za-z]+),[^\"]*color=([a-z]+),label=\"(.*)\"${c_close}${c_semicolon}$")
foreach(line IN LISTS lines)
    if(line MATCHES "${unit_regex}")
        if(pending)
            emit_case("${pending_path}" "${pending_labels}" ${pending_disabled})
        endif()
        set(shape "${CMAKE_MATCH_1}")
        set(color "${CMAKE_MATCH_2}")
        set(label "${CMAKE_MATCH_3}")
        if(shape STREQUAL "ellipse")        # the master suite: not in paths
            set(pending_path "")
            set(pending_labels "")
            set(pending_disabled 0)
            set(pending master)
            continue()
        endif()
        set(own_labels "")
        if(label MATCHES "^(.*)\\|labels:(( @[^ ]+)+)$")
            set(label "${CMAKE_MATCH_1}")
            string(STRIP "${CMAKE_MATCH_2}" own_labels)
            string(REPLACE "@" "" own_labels "${own_labels}")
            string(REPLACE " " ";" own_labels "${own_labels}")
        endif()
        string(REGEX REPLACE "\\|expected failures=[0-9]+$" "" label "${label}")
        string(REGEX REPLACE "\\|timeout=[0-9]+$" "" label "${label}")
        if(NOT label MATCHES "^(.*)\\|[^|]*\\([0-9]+\\)$")
            message(FATAL_ERROR "boost_test_discover.cmake: cannot parse: ${line}")
        endif()
        set(name "${CMAKE_MATCH_1}")

        set(parent_path "")
        set(parent_labels "")
        set(parent_disabled 0)
        if(depth GREATER 0)
            list(GET suite_names -1 parent_path)
            list(GET suite_labels -1 parent_labels)
            list(GET suite_disabled -1 parent_disabled)
            string(REPLACE "," ";" parent_labels "${parent_labels}")
            list(REMOVE_AT parent_labels 0)
            string(APPEND parent_path "/")
        endif()
        set(pending_path "${parent_path}${name}")
        set(pending_labels ${parent_labels} ${own_labels})
        set(pending_disabled ${parent_disabled})
        if(color STREQUAL "yellow")
            set(pending_disabled 1)
        endif()
        set(pending case)
    elseif(line STREQUAL "{")
        if(pending STREQUAL "case")             # it was a suite after all
            # "L" keeps the entry non-empty: list(APPEND) drops "" on an empty list.
            string(REPLACE ";" "," joined "L,${pending_labels}")
            list(APPEND suite_names "${pending_path}")
            list(APPEND suite_labels "${joined}")
            list(APPEND suite_disabled ${pending_disabled})
            math(EXPR depth "${depth} + 1")
        endif()
        set(pending FALSE)
    elseif(line STREQUAL "}")
        if(pending STREQUAL "case")
            emit_case("${pending_path}" "${pending_labels}" ${pending_disabled})
        endif()
        set(pending FALSE)
        if(depth GREATER 0)
            list(POP_BACK suite_names)
            list(POP_BACK suite_labels)
            list(POP_BACK suite_disabled)
            math(EXPR depth "${depth} - 1")
        endif()
    endif()
endforeach()
if(pending STREQUAL "case")
    emit_case("${pending_path}" "${pending_labels}" ${pending_disabled})
endif()

if(test_count EQUAL 0)
    message(STATUS "${TEST_TARGET}: the Boost.Test tree is empty; no CTest tests registered")
endif()
file(WRITE "${CTEST_FILE}.tmp"
    "# Generated by boost_test_discover.cmake from ${TEST_EXECUTABLE}: ${test_count} cases.\n"
    "${tests_text}")
file(RENAME "${CTEST_FILE}.tmp" "${CTEST_FILE}")
