# CTest test layout/library_symbols: fails if the library holds a symbol of a
# test filesystem. memory_fs, fault_fs and counting_fs live in
# persist::testing (include/persist/testing/), and libpersist must not carry
# them into programs.
#   cmake -DLIBRARY=<libpersist.a> -DNM=<nm> -P library_symbols.cmake
if(NOT LIBRARY OR NOT EXISTS "${LIBRARY}")
    message(FATAL_ERROR "library_symbols: no library at '${LIBRARY}'")
endif()
if(NOT NM)
    set(NM nm)
endif()
execute_process(COMMAND ${NM} -C "${LIBRARY}"
    OUTPUT_VARIABLE symbols RESULT_VARIABLE failed COMMAND_ERROR_IS_FATAL ANY)
string(REGEX MATCHALL "[^\n]*(memory_fs|fault_fs|fault_plan|counting_fs|memfs)[^\n]*"
    found "${symbols}")
if(found)
    list(LENGTH found count)
    list(SUBLIST found 0 10 shown)
    list(JOIN shown "\n  " shown)
    message(FATAL_ERROR "library_symbols: ${LIBRARY} holds ${count} symbols of test "
        "filesystems, which belong in persist::testing; the first:\n  ${shown}")
endif()
string(REGEX MATCH "posix_fs" has_posix_fs "${symbols}")
if(NOT has_posix_fs)
    message(FATAL_ERROR "library_symbols: no posix_fs symbol in ${LIBRARY}: is nm reading it?")
endif()
message(STATUS "library_symbols: no memory_fs, fault_fs or counting_fs symbol in ${LIBRARY}")
