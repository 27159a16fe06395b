// no_sync: no sync call at all.
#include <persist/durability/no_sync.hpp>

#include "support/tier_trace.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(no_sync_tier)

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_around_the_rename, Naming, every_naming) {
    auto const calls = trace_replace<no_sync, Naming>();
    BOOST_TEST(count_of(calls, fs_op::sync_data) == 0u);
    BOOST_TEST(count_of(calls, fs_op::sync_full) == 0u);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 0u);
    BOOST_TEST(count_of(calls, fs_op::rename) == 1u);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_new_parent_directories, Naming, every_naming) {
    auto const calls = trace_replace<no_sync, Naming>(true);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 0u);
}

BOOST_AUTO_TEST_CASE(declares_its_promise) {
    static_assert(durability_policy<no_sync, posix_fs>);
    BOOST_TEST((no_sync::promise == power_loss_promise::none));
    BOOST_TEST(no_sync::name == "no_sync");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
