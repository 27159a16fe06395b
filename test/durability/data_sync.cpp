// data_sync: fdatasync of the temp before the rename, nothing after.
#include <persist/durability/data_sync.hpp>

#include "support/tier_trace.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(data_sync_tier)

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_around_the_rename, Naming, every_naming) {
    auto const calls = trace_replace<data_sync, Naming>();
    BOOST_TEST(count_of(calls, fs_op::sync_data) == 1u);
    BOOST_TEST(count_of(calls, fs_op::sync_full) == 0u);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 0u);
    BOOST_TEST(first_of(calls, fs_op::sync_data) < first_of(calls, fs_op::rename));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_new_parent_directories, Naming, every_naming) {
    auto const calls = trace_replace<data_sync, Naming>(true);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 0u);
}

BOOST_AUTO_TEST_CASE(declares_its_promise) {
    static_assert(durability_policy<data_sync, posix_fs>);
    BOOST_TEST((data_sync::promise == power_loss_promise::whole_if_present));
    BOOST_TEST(data_sync::name == "data_sync");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
