// fault_fs: the conformance test with no fault armed, and every way it
// makes calls fail.
#include <persist/testing/fault_fs.hpp>

#include "support/fs_conformance.hpp"
#include "support/fs_inspect.hpp"

#include <persist/fs/posix_fs.hpp>
#include <persist/testing/counting_fs.hpp>
#include <persist/testing/memory_fs.hpp>

#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

using namespace std::string_literals;

static_assert(fs_policy<fault_fs<memory_fs>>);
static_assert(fs_policy<fault_fs<posix_fs>>);
static_assert(drops_dirty_data<memory_fs>);
static_assert(!drops_dirty_data<posix_fs>);
template <class Fs>
concept can_arm_fsyncgate = requires(Fs& fs) {
    fs.arm_fsyncgate(fs_op::sync_full);
};
static_assert(can_arm_fsyncgate<fault_fs<memory_fs>>);
static_assert(!can_arm_fsyncgate<fault_fs<posix_fs>>,
              "fsyncgate needs an Inner that can drop dirty data");

std::span<std::byte const> bytes_of(std::string_view text) {
    return std::as_bytes(std::span(text.data(), text.size()));
}

std::string errno_name(std::error_code const& e) { return e ? e.message() : "OK"; }

template <class T>
std::string outcome(io_result<T> const& r) {
    return r ? "OK" : errno_name(r.error());
}

std::string const eio = errno_code(EIO).message();

}  // namespace

BOOST_AUTO_TEST_SUITE(fault_fs_decorator)

BOOST_AUTO_TEST_CASE(conforms_to_fs_policy_with_nothing_armed) {
    fs_environment<fault_fs<memory_fs>> env;
    env.fs.reset();
    test_fs_policy(env);
    BOOST_TEST(env.fs.injected() == 0u);
}

BOOST_AUTO_TEST_CASE(conforms_with_short_writes_and_interruptions) {
    fs_environment<fault_fs<memory_fs>> env;  // the environment switches both on
    test_fs_policy(env);
    fs_environment<fault_fs<posix_fs>> real;
    test_fs_policy(real);
}

BOOST_AUTO_TEST_CASE(fails_the_nth_call_once) {
    fs_environment<fault_fs<memory_fs>> env;
    auto& fs = env.fs;
    auto h = fs.create_exclusive("/work/f", 0644);
    BOOST_TEST_REQUIRE(h.has_value());
    fs.arm({fs_op::write, 2, errno_code(ENOSPC)});
    BOOST_TEST(outcome(fs.write(*h, bytes_of("a"))) == "OK");
    BOOST_TEST(outcome(fs.write(*h, bytes_of("b"))) == errno_name(errno_code(ENOSPC)));
    BOOST_TEST(outcome(fs.write(*h, bytes_of("c"))) == "OK");
    BOOST_TEST(fs.injected() == 1u);
    BOOST_TEST(fs.count(fs_op::write) == 3u);
    (void)fs.close(*h);
    BOOST_TEST(content_of(env.inner.fs, "/work/f") ==
               "ac");  // the failed call never reached memory_fs
}

BOOST_AUTO_TEST_CASE(counts_from_when_the_fault_is_armed) {
    fs_environment<fault_fs<memory_fs>> env;
    (void)env.fs.stat("/work");
    (void)env.fs.stat("/work");
    env.fs.arm({fs_op::stat, 1, errno_code(EACCES)});
    BOOST_TEST(outcome(env.fs.stat("/work")) == errno_name(errno_code(EACCES)));
    BOOST_TEST(outcome(env.fs.stat("/work")) == "OK");
}

BOOST_AUTO_TEST_CASE(fails_persistently_from_the_nth_call) {
    fs_environment<fault_fs<memory_fs>> env;
    auto& fs = env.fs;
    fs.arm({fs_op::make_directory, 2, errno_code(EROFS), true});
    BOOST_TEST(outcome(fs.make_directory("/work/a", 0755)) == "OK");
    BOOST_TEST(outcome(fs.make_directory("/work/b", 0755)) == errno_name(errno_code(EROFS)));
    BOOST_TEST(outcome(fs.make_directory("/work/c", 0755)) == errno_name(errno_code(EROFS)));
    BOOST_TEST(fs.injected() == 2u);
    fs.disarm();
    BOOST_TEST(outcome(fs.make_directory("/work/d", 0755)) == "OK");
    BOOST_TEST((entries_of(env.inner.fs, "/work") == std::vector{"a"s, "d"s}));
}

BOOST_AUTO_TEST_CASE(a_failed_close_still_releases_the_handle) {
    fs_environment<fault_fs<memory_fs>> env;
    auto held = env.fs.lock("/work/lock");
    BOOST_TEST_REQUIRE(held.has_value());
    env.fs.arm({fs_op::close, 1, errno_code(EIO)});
    BOOST_TEST(outcome(env.fs.close(*held)) == eio);
    auto again = env.fs.lock("/work/lock");  // would block forever if the lock were still held
    BOOST_TEST_REQUIRE(again.has_value());
    BOOST_TEST(outcome(env.fs.close(*again)) == "OK");
}

BOOST_AUTO_TEST_CASE(short_writes_reach_the_inner_model_in_pieces_and_whole) {
    memory_fs disk;
    counting_fs<memory_fs> inner(disk);
    fault_fs<counting_fs<memory_fs>> fs(inner);
    fs.set_short_writes(true);
    fs.set_interruptions(true);
    std::string text(1000, '\0');
    for (std::size_t i = 0; i < text.size(); ++i)
        text[i] = static_cast<char>('a' + i % 26);
    auto h = fs.create_exclusive("/f", 0644);
    BOOST_TEST_REQUIRE(h.has_value());
    BOOST_TEST(outcome(fs.write(*h, bytes_of(text))) == "OK");
    (void)fs.close(*h);
    BOOST_TEST(fs.count(fs_op::write) == 1u);  // the caller made one call,
    BOOST_TEST(inner.count(fs_op::write) ==
               10u);  // which reached the disk in 500, 250, ..., 1 bytes
    BOOST_TEST(content_of(disk, "/f") == text);
    BOOST_TEST(disk.pending_operations().size() == 11u);  // the create and ten writes
}

BOOST_AUTO_TEST_CASE(a_failing_piece_of_a_short_write_reports_the_inner_error) {
    memory_fs disk;
    counting_fs<memory_fs> inner(disk);
    fault_fs<counting_fs<memory_fs>> fs(inner);
    fs.set_short_writes(true);
    auto h = fs.create_exclusive("/f", 0644);
    BOOST_TEST_REQUIRE(h.has_value());
    (void)fs.inner().inner().close(*h);  // the inner model now fails with EBADF
    BOOST_TEST(outcome(fs.write(*h, bytes_of("abc"))) == errno_name(errno_code(EBADF)));
}

BOOST_AUTO_TEST_CASE(an_interrupted_sync_is_reported_not_retried) {
    fs_environment<fault_fs<memory_fs>> env;
    auto h = env.fs.create_exclusive("/work/f", 0644);
    env.fs.arm({fs_op::sync_full, 1, errno_code(EINTR)});
    BOOST_TEST(outcome(env.fs.sync_full(*h)) == errno_name(errno_code(EINTR)));
    BOOST_TEST(env.fs.count(fs_op::sync_full) == 1u);
    (void)env.fs.close(*h);
}

BOOST_AUTO_TEST_CASE(fsyncgate_drops_the_data_and_the_next_sync_succeeds) {
    fs_environment<fault_fs<memory_fs>> env;
    auto& disk = env.inner.fs;
    auto h = env.fs.create_exclusive("/work/f", 0644);
    BOOST_TEST_REQUIRE(env.fs.sync_directory("/work").has_value());
    BOOST_TEST_REQUIRE(env.fs.write(*h, bytes_of("precious")).has_value());
    env.fs.arm_fsyncgate(fs_op::sync_full);
    BOOST_TEST(outcome(env.fs.sync_full(*h)) == eio);
    BOOST_TEST(outcome(env.fs.sync_full(*h)) == "OK");      // the trap: a retry "succeeds"
    BOOST_TEST(content_of(disk, "/work/f") == "precious");  // the page cache still has it
    auto const crashed = disk.crash();
    BOOST_TEST_REQUIRE(crashed.images.size() == 1u);
    BOOST_TEST(content_of(memory_fs::reboot(crashed.images[0]), "/work/f") ==
               "");  // the disk never will
    (void)env.fs.close(*h);
}

BOOST_AUTO_TEST_CASE(copies_share_the_plan_and_the_record) {
    fs_environment<fault_fs<memory_fs>> env;
    env.fs.reset();
    auto copy = env.fs;
    copy.arm({fs_op::unlink, 1, errno_code(EIO)});
    BOOST_TEST(outcome(env.fs.unlink("/work/missing")) == eio);
    BOOST_TEST(copy.count(fs_op::unlink) == 1u);
    BOOST_TEST((copy.calls() == std::vector{fs_op::unlink}));
    copy.reset();
    BOOST_TEST(env.fs.calls().empty());
    BOOST_TEST(env.fs.injected() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
