// What differs between the Boost versions persist is tested with (1.81 on
// Debian 12, 1.83 and 1.88 on Debian 13): the one place the tests look at
// BOOST_VERSION. Each constant says what that Boost does; the tests that use
// one pin what persist does on each version.
//
// Behaviour found the same on all three is not here: parse_json's numbers
// (test/json_text.cpp) and the Boost.Test listing that
// test/boost_test_discover.cmake reads.
#ifndef PERSIST_TEST_SUPPORT_BOOST_VERSION_HPP
#define PERSIST_TEST_SUPPORT_BOOST_VERSION_HPP

#include <boost/version.hpp>

namespace persist::test::boost_behaviour {

/// Boost.JSON's own value_to of a described struct accepts an object that
/// lacks a std::optional member, leaving it empty: 1.83 and 1.88 do; 1.81
/// rejects it. (An object that lacks any other member is rejected by all.)
inline constexpr bool described_value_to_allows_missing_optional = BOOST_VERSION >= 108300;

/// Boost.JSON's own value_to of a described struct ignores a key that names
/// no member: 1.88 does; 1.81 and 1.83 reject the object. 1.84 to 1.87 are
/// not tested; this takes them to reject it, and a test says so if not.
inline constexpr bool described_value_to_ignores_unknown_keys = BOOST_VERSION >= 108800;

}  // namespace persist::test::boost_behaviour

#endif
