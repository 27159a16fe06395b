# persist_find_boost(<error_var> <minimum> [COMPONENTS <component>...])
#
# Finds Boost <minimum> or newer through its CMake package (BoostConfig.cmake,
# CONFIG mode). Sets <error_var> in the caller's scope to an empty string when
# it was found, else to a message that says which version persist needs and
# which one was found, and where. The caller decides what a failure is: a
# FATAL_ERROR in persist's own build, persist_NOT_FOUND_MESSAGE in the
# installed persistConfig.cmake.
#
# Used by CMakeLists.txt and installed next to persistConfig.cmake, so the
# source build and the installed package check Boost the same way.
macro(persist_find_boost error_var minimum)
    cmake_parse_arguments(persist_find_boost "" "" "COMPONENTS" ${ARGN})
    set(${error_var} "")
    find_package(Boost ${minimum} CONFIG QUIET COMPONENTS ${persist_find_boost_COMPONENTS})
    if(NOT Boost_FOUND)
        # Look again for any version, only to say what is there instead.
        find_package(Boost CONFIG QUIET)
        if(Boost_FOUND AND Boost_VERSION VERSION_LESS ${minimum})
            set(${error_var} "persist needs Boost ${minimum} or newer (1.81 to 1.88 are tested); \
found Boost ${Boost_VERSION} at ${Boost_DIR}")
        elseif(Boost_FOUND)
            set(${error_var} "persist needs the Boost libraries \
'${persist_find_boost_COMPONENTS}' (Boost ${minimum} or newer); Boost ${Boost_VERSION} at \
${Boost_DIR} does not provide them all")
        else()
            set(${error_var} "persist needs Boost ${minimum} or newer (1.81 to 1.88 are tested), \
with its CMake package files (BoostConfig.cmake); none was found. Set CMAKE_PREFIX_PATH or \
Boost_DIR to where Boost is installed")
        endif()
        set(Boost_FOUND FALSE)
    endif()
endmacro()
