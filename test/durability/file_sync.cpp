// file_sync: fsync of the temp before the rename, nothing after.
#include <persist/durability/file_sync.hpp>

#include "support/tier_trace.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(file_sync_tier)

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_around_the_rename, Naming, every_naming) {
    auto const calls = trace_replace<file_sync, Naming>();
    BOOST_TEST(count_of(calls, fs_op::sync_full) == 1u);
    BOOST_TEST(count_of(calls, fs_op::sync_data) == 0u);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 0u);
    BOOST_TEST(first_of(calls, fs_op::sync_full) < first_of(calls, fs_op::rename));
    // The mode is set before the fsync, so the fsync makes it durable too.
    BOOST_TEST(first_of(calls, fs_op::set_mode) < first_of(calls, fs_op::sync_full));
}

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_new_parent_directories, Naming, every_naming) {
    auto const calls = trace_replace<file_sync, Naming>(true);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 0u);
}

BOOST_AUTO_TEST_CASE(declares_its_promise) {
    static_assert(durability_policy<file_sync, posix_fs>);
    BOOST_TEST((file_sync::promise == power_loss_promise::whole_if_present));
    BOOST_TEST(file_sync::name == "file_sync");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
