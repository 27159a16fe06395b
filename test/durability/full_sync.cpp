// full_sync: fsync of the temp, rename, fsync of the directory last.
#include <persist/durability/full_sync.hpp>

#include "support/tier_trace.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(full_sync_tier)

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_around_the_rename, Naming, every_naming) {
    auto const calls = trace_replace<full_sync, Naming>();
    BOOST_TEST(count_of(calls, fs_op::sync_full) == 1u);
    BOOST_TEST(count_of(calls, fs_op::sync_data) == 0u);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 1u);
    BOOST_TEST(first_of(calls, fs_op::sync_full) < first_of(calls, fs_op::rename));
    BOOST_TEST(calls.back() == fs_op::sync_directory);
}

BOOST_AUTO_TEST_CASE_TEMPLATE(syncs_new_parent_directories, Naming, every_naming) {
    auto const calls = trace_replace<full_sync, Naming>(true);
    // One sync of each new directory's parent (root, a), one of b after the rename.
    BOOST_TEST(count_of(calls, fs_op::make_directory) == 2u);
    BOOST_TEST(count_of(calls, fs_op::sync_directory) == 3u);
    BOOST_TEST(first_of(calls, fs_op::sync_directory) > first_of(calls, fs_op::make_directory));
    BOOST_TEST(calls.back() == fs_op::sync_directory);
}

BOOST_AUTO_TEST_CASE(declares_its_promise) {
    static_assert(durability_policy<full_sync, posix_fs>);
    BOOST_TEST((full_sync::promise == power_loss_promise::durable));
    BOOST_TEST(full_sync::name == "full_sync");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
