// The one translation unit that compiles persist's non-template code.
#include <persist/src.hpp>
