// The test module's entry point; every other test file adds cases to it.
#define BOOST_TEST_MODULE persist
#include <boost/test/unit_test.hpp>
