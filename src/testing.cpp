// The one translation unit that compiles persist::testing's non-template
// code: the test filesystems and the crash harness, kept out of libpersist.
#include <persist/testing/src.hpp>
