// memory_fs: the conformance test, and each rule of its crash model.
#include <persist/testing/memory_fs.hpp>

#include "support/fs_conformance.hpp"
#include "support/fs_inspect.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

namespace persist::test {
namespace {

using namespace std::string_literals;

std::span<std::byte const> bytes_of(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
}

/// What p holds in each image a power cut now could leave ("<missing>" if
/// it does not resolve), without duplicates.
std::multiset<std::string> outcomes(crash_result const& crashed, std::filesystem::path const& p) {
    std::multiset<std::string> seen;
    std::set<std::string> distinct;
    for (auto const& image : crashed.images) {
        auto rebooted = memory_fs::reboot(image);
        auto const what = rebooted.stat(p) ? content_of(rebooted, p) : "<missing>"s;
        if (distinct.insert(what).second) seen.insert(what);
    }
    return seen;
}

std::multiset<std::string> outcomes(memory_fs const& fs, std::filesystem::path const& p) {
    return outcomes(fs.crash(), p);
}

void write_file(memory_fs& fs, std::filesystem::path const& p, std::string_view text,
                bool sync = false) {
    auto h = fs.create_exclusive(p, 0644);
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST_REQUIRE(fs.write(*h, bytes_of(text)).has_value());
    if (sync) BOOST_TEST_REQUIRE(fs.sync_full(*h).has_value());
    BOOST_TEST_REQUIRE(fs.close(*h).has_value());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(memory_fs_model)

BOOST_AUTO_TEST_CASE(conforms_to_fs_policy) {
    fs_environment<memory_fs> env;
    test_fs_policy(env);
}

BOOST_AUTO_TEST_CASE(conforms_without_root_privileges) {
    memory_fs_options options;
    options.may_chown = false;
    options.owner = 1000;
    options.group = 1000;
    fs_environment<memory_fs> env(options);
    auto h = env.fs.create_exclusive("/work/f", 0600);
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(env.fs.stat(*h)->owner == 1000u);
    BOOST_TEST(env.fs.set_owner(*h, 1000, 1000).has_value());
    BOOST_TEST(env.fs.set_owner(*h, static_cast<uid_t>(-1), static_cast<gid_t>(-1)).has_value());
    BOOST_TEST(env.fs.set_owner(*h, 0, 1000).error() ==
               std::make_error_code(std::errc::operation_not_permitted));
    BOOST_TEST(env.fs.set_owner(*h, 1000, 0).error() ==
               std::make_error_code(std::errc::operation_not_permitted));
    (void)env.fs.close(*h);
}

BOOST_AUTO_TEST_CASE(umask_is_settable_and_shared_by_copies) {
    memory_fs fs;
    BOOST_TEST(fs.umask() == 022u);
    memory_fs copy = fs;
    copy.set_umask(077);
    BOOST_TEST(fs.umask() == 077u);
    BOOST_TEST(fs.make_directory("/d", 0777).has_value());
    BOOST_TEST(fs.stat("/d")->mode == 0700u);
}

BOOST_AUTO_TEST_CASE(an_unsynced_write_may_be_lost_torn_or_whole) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "hello");
    BOOST_TEST_REQUIRE(
        env.fs.sync_directory("/work").has_value());  // the name is durable, the data is not
    auto const crashed = env.fs.crash();
    BOOST_TEST(crashed.exhaustive);
    BOOST_TEST(crashed.pending == 1u);
    std::string const garbage = content_of(memory_fs::reboot(crashed.images.at(3)), "/work/a");
    BOOST_TEST((outcomes(crashed, "/work/a") ==
                std::multiset{""s, "hello"s, "\0\0\0\0\0"s, "he"s, garbage}));
    BOOST_TEST(garbage.size() == 5u);
    BOOST_TEST(garbage.find_first_of("hello") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(file_sync_makes_data_durable_but_not_the_name) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "hello", true);
    BOOST_TEST((outcomes(env.fs, "/work/a") == std::multiset{"<missing>"s, "hello"s}));
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work").has_value());
    BOOST_TEST((outcomes(env.fs, "/work/a") == std::multiset{"hello"s}));
    BOOST_TEST(env.fs.crash().images.size() == 1u);
}

BOOST_AUTO_TEST_CASE(sync_data_leaves_the_mode_behind_and_sync_full_does_not) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "x", true);
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work").has_value());
    auto h = env.fs.open_append("/work/a", 0644);
    BOOST_TEST_REQUIRE(env.fs.set_mode(*h, 0600).has_value());
    BOOST_TEST_REQUIRE(env.fs.write(*h, bytes_of("y")).has_value());
    BOOST_TEST_REQUIRE(env.fs.sync_data(*h).has_value());
    BOOST_TEST(env.fs.pending_operations().size() == 1u);  // the mode
    BOOST_TEST(env.fs.crash().images.size() == 2u);
    BOOST_TEST_REQUIRE(env.fs.sync_full(*h).has_value());
    BOOST_TEST(env.fs.pending_operations().empty());
    (void)env.fs.close(*h);
    auto const only = env.fs.crash().images;
    BOOST_TEST_REQUIRE(only.size() == 1u);
    auto rebooted = memory_fs::reboot(only[0]);
    BOOST_TEST(rebooted.stat("/work/a")->mode == 0600u);
    BOOST_TEST(content_of(rebooted, "/work/a") == "xy");
}

BOOST_AUTO_TEST_CASE(rename_is_atomic_and_ordered_after_the_create) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "old", true);
    env.fs.sync_all();
    write_file(env.fs, "/work/tmp", "new", true);
    BOOST_TEST_REQUIRE(env.fs.rename("/work/tmp", "/work/a").has_value());
    auto const crashed = env.fs.crash();
    // create+rename, create alone, nothing: never the rename without the
    // create, and never a missing target.
    BOOST_TEST(crashed.images.size() == 3u);
    BOOST_TEST((outcomes(crashed, "/work/a") == std::multiset{"new"s, "old"s}));
    BOOST_TEST((outcomes(crashed, "/work/tmp") == std::multiset{"<missing>"s, "new"s}));
}

BOOST_AUTO_TEST_CASE(a_rename_can_reach_the_disk_before_its_data) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "old", true);
    env.fs.sync_all();
    write_file(env.fs, "/work/tmp", "new");  // no sync: ext4 without auto_da_alloc, XFS
    BOOST_TEST_REQUIRE(env.fs.rename("/work/tmp", "/work/a").has_value());
    auto const seen = outcomes(env.fs, "/work/a");
    BOOST_TEST(seen.count(""s) == 1u);  // the famous empty file
    BOOST_TEST(seen.count("\0\0\0"s) == 1u);
    BOOST_TEST(seen.count("old"s) == 1u);
    BOOST_TEST(seen.count("new"s) == 1u);
}

BOOST_AUTO_TEST_CASE(an_anonymous_file_without_a_durable_name_vanishes) {
    fs_environment<memory_fs> env;
    auto h = env.fs.create_anonymous("/work", 0600);
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST_REQUIRE(env.fs.write(*h, bytes_of("data")).has_value());
    BOOST_TEST_REQUIRE(env.fs.sync_full(*h).has_value());
    BOOST_TEST(env.fs.crash().images.size() == 1u);  // nothing reaches it
    BOOST_TEST(entries_of(memory_fs::reboot(env.fs.process_crash()), "/work").empty());
    BOOST_TEST_REQUIRE(env.fs.link_handle(*h, "/work/named").has_value());
    BOOST_TEST((outcomes(env.fs, "/work/named") == std::multiset{"<missing>"s, "data"s}));
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work").has_value());
    BOOST_TEST((outcomes(env.fs, "/work/named") == std::multiset{"data"s}));
    (void)env.fs.close(*h);
}

BOOST_AUTO_TEST_CASE(a_new_directory_needs_its_parent_synced) {
    fs_environment<memory_fs> env;
    BOOST_TEST_REQUIRE(env.fs.make_directory("/work/d", 0755).has_value());
    write_file(env.fs, "/work/d/f", "x", true);
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work/d").has_value());
    BOOST_TEST((outcomes(env.fs, "/work/d/f") == std::multiset{"<missing>"s, "x"s}));
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work").has_value());
    BOOST_TEST((outcomes(env.fs, "/work/d/f") == std::multiset{"x"s}));
}

BOOST_AUTO_TEST_CASE(knob_fsync_persists_the_files_entry) {
    memory_fs_options options;
    options.fsync_persists_entry = true;
    fs_environment<memory_fs> env(options);
    write_file(env.fs, "/work/a", "hello", true);
    BOOST_TEST((outcomes(env.fs, "/work/a") == std::multiset{"hello"s}));
    write_file(env.fs, "/work/b", "unsynced");
    BOOST_TEST(outcomes(env.fs, "/work/b").count("<missing>"s) == 1u);
}

BOOST_AUTO_TEST_CASE(knob_ordered_directory_operations_keeps_a_prefix) {
    auto names_after_crash = [](memory_fs_options options) {
        fs_environment<memory_fs> env(options);
        for (auto const* name : {"/work/a", "/work/b", "/work/c"})
            BOOST_TEST(env.fs.make_directory(name, 0755).has_value());
        std::set<std::vector<std::string>> seen;
        for (auto const& image : env.fs.crash().images)
            seen.insert(entries_of(memory_fs::reboot(image), "/work"));
        return seen;
    };
    BOOST_TEST(names_after_crash({}).size() == 8u);  // every subset of three independent creates
    memory_fs_options ordered;
    ordered.ordered_directory_operations = true;
    auto const prefixes = names_after_crash(ordered);
    BOOST_TEST(prefixes.size() == 4u);
    BOOST_TEST(prefixes.count(std::vector{"a"s, "c"s}) == 0u);
}

BOOST_AUTO_TEST_CASE(process_crash_keeps_the_live_view) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "unsynced");
    auto h = env.fs.open_append("/work/a", 0644);
    auto anonymous = env.fs.create_anonymous("/work", 0600);
    auto const image = env.fs.process_crash();
    auto rebooted = memory_fs::reboot(image);
    BOOST_TEST(content_of(rebooted, "/work/a") == "unsynced");
    BOOST_TEST(entries_of(rebooted, "/work") == std::vector{"a"s});
    auto const torn = env.fs.process_crash_during_write(*h, bytes_of(" and half"));
    BOOST_TEST(content_of(memory_fs::reboot(torn), "/work/a") == "unsynced and half");
    BOOST_TEST(image.how().find("process crash") != std::string::npos);
    BOOST_TEST(image.describe().find("/work/a  8 bytes \"unsynced\"") != std::string::npos);
    (void)env.fs.close(*h);
    (void)env.fs.close(*anonymous);
}

BOOST_AUTO_TEST_CASE(reboot_gives_a_fresh_filesystem) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "kept", true);
    BOOST_TEST_REQUIRE(env.fs.link("/work/a", "/work/b").has_value());
    env.fs.sync_all();
    auto held = env.fs.lock("/work/lock");  // lost with the old machine
    auto rebooted = memory_fs::reboot(env.fs.durable_image());
    BOOST_TEST(rebooted.pending_operations().empty());
    BOOST_TEST(rebooted.stat("/work/a")->inode == env.fs.stat("/work/a")->inode);
    BOOST_TEST(rebooted.stat("/work/a")->links == 2u);
    BOOST_TEST(rebooted.stat("/work")->links == 2u);
    BOOST_TEST(rebooted.stat("/")->links == 4u);  // ".", "..", work, tmp
    auto relock = rebooted.lock("/work/lock");
    BOOST_TEST_REQUIRE(relock.has_value());
    write_file(rebooted, "/work/c", "new");
    BOOST_TEST(content_of(env.fs, "/work/c") ==
               "<unreadable: No such file or directory>");  // separate machines
    (void)rebooted.close(*relock);
    (void)env.fs.close(*held);
}

BOOST_AUTO_TEST_CASE(many_pending_operations_are_sampled_with_a_replayable_seed) {
    fs_environment<memory_fs> env;
    for (int i = 0; i < 20; ++i)
        write_file(env.fs, "/work/f" + std::to_string(i), "data" + std::to_string(i));
    crash_options options;
    options.random_samples = 64;
    auto const first = env.fs.crash(options);
    BOOST_TEST(!first.exhaustive);
    BOOST_TEST(first.pending == 40u);
    BOOST_TEST(first.images.size() > 100u);
    BOOST_TEST_MESSAGE("40 pending operations: " << first.images.size() << " sampled images, seed "
                                                 << first.seed);
    options.seed = first.seed;
    auto const replay = env.fs.crash(options);
    BOOST_TEST_REQUIRE(replay.images.size() == first.images.size());
    BOOST_TEST((replay.images == first.images));
    BOOST_TEST(replay.images.front().how().find("seed " + std::to_string(first.seed)) !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(dropping_dirty_data_loses_it_and_the_next_sync_succeeds) {
    fs_environment<memory_fs> env;
    auto h = env.fs.create_exclusive("/work/a", 0644);
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work").has_value());
    BOOST_TEST_REQUIRE(env.fs.write(*h, bytes_of("lost")).has_value());
    BOOST_TEST_REQUIRE(env.fs.drop_dirty_data(*h).has_value());
    BOOST_TEST(env.fs.sync_full(*h).has_value());
    BOOST_TEST(content_of(env.fs, "/work/a") == "lost");  // still in the page cache
    BOOST_TEST((outcomes(env.fs, "/work/a") == std::multiset{""s}));
    (void)env.fs.close(*h);
    BOOST_TEST(env.fs.drop_dirty_data(*h).error() ==
               std::make_error_code(std::errc::bad_file_descriptor));
}

BOOST_AUTO_TEST_CASE(the_observer_sees_every_change_before_it_happens) {
    fs_environment<memory_fs> env;
    std::vector<fs_op> seen;
    std::vector<std::size_t> pending_before;
    env.fs.set_crash_point_observer([&](memory_fs::crash_point const& point) {
        seen.push_back(point.op);
        pending_before.push_back(env.fs.crash().pending);  // calls back in: no deadlock
    });
    write_file(env.fs, "/work/a", "x", true);
    (void)env.fs.stat("/work/a");
    BOOST_TEST_REQUIRE(env.fs.rename("/work/a", "/work/b").has_value());
    env.fs.set_crash_point_observer({});
    BOOST_TEST_REQUIRE(env.fs.unlink("/work/b").has_value());
    BOOST_TEST((seen == std::vector{fs_op::create_exclusive, fs_op::write, fs_op::sync_full,
                                    fs_op::rename}));
    BOOST_TEST((pending_before == std::vector<std::size_t>{0, 1, 2, 1}));
}

BOOST_AUTO_TEST_CASE(pending_operations_describe_themselves) {
    fs_environment<memory_fs> env;
    write_file(env.fs, "/work/a", "xyz");
    BOOST_TEST_REQUIRE(env.fs.rename("/work/a", "/work/b").has_value());
    auto const lines = env.fs.pending_operations();
    BOOST_TEST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(lines[0].find("create /work/a") != std::string::npos);
    BOOST_TEST(lines[1].find("write 3 bytes at 0 to /work/a") != std::string::npos);
    BOOST_TEST(lines[2].find("rename /work/a -> /work/b") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
