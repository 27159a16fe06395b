// Include this in exactly one translation unit to compile persist::testing's
// out-of-line code (src/testing.cpp does), as <persist/src.hpp> is for the
// library. Header-only: README, "Header-only use".
#ifndef PERSIST_TESTING_SRC_HPP
#define PERSIST_TESTING_SRC_HPP

#include <persist/config.hpp>

#include <persist/testing/impl/crash_harness.ipp>
#include <persist/testing/impl/fault_fs.ipp>
#include <persist/testing/impl/memory_fs.ipp>

#endif
