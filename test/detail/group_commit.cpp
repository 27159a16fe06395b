// group_commit: every waiter is covered by a sync that started after its
// write, and concurrent waiters share syncs.
#include <persist/detail/group_commit.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace persist::test {
namespace {

/// A stand-in for the file: which writes had completed when a sync began.
struct fake_file {
    int id = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(group_commit)

BOOST_AUTO_TEST_CASE(a_lone_writer_syncs_each_write) {
    detail::group_commit<fake_file> commit;
    int syncs = 0;
    for (int i = 1; i <= 3; ++i) {
        auto const seq = commit.written(fake_file{i});
        BOOST_TEST(seq == static_cast<std::uint64_t>(i));
        auto done = commit.wait_durable(seq, [&](fake_file& f) -> io_result<void> {
            BOOST_TEST(f.id == i);  // the file the latest write went to
            ++syncs;
            return {};
        });
        BOOST_TEST(done.has_value());
    }
    BOOST_TEST(syncs == 3);
    BOOST_TEST(commit.syncs() == 3u);
    // Already covered: no further sync.
    BOOST_TEST(commit.wait_durable(2, [&](fake_file&) -> io_result<void> { return errno_code(EIO); }).has_value());
}

BOOST_AUTO_TEST_CASE(a_failed_sync_is_final) {
    detail::group_commit<fake_file> commit;
    auto const first = commit.written({});
    auto failed = commit.wait_durable(first, [](fake_file&) -> io_result<void> { return errno_code(EIO); });
    BOOST_TEST_REQUIRE(!failed);
    BOOST_TEST(failed.error() == errno_code(EIO));
    BOOST_TEST((commit.failure() == errno_code(EIO)));
    // fsyncgate: a later sync would report success over lost data; none is tried.
    auto const second = commit.written({});
    bool called = false;
    auto again = commit.wait_durable(second, [&](fake_file&) -> io_result<void> {
        called = true;
        return {};
    });
    BOOST_TEST(!again);
    BOOST_TEST(!called);
}

BOOST_AUTO_TEST_CASE(fail_poisons_without_a_sync) {
    detail::group_commit<fake_file> commit;
    commit.fail(errno_code(ENOSPC));
    auto const seq = commit.written({});
    auto r = commit.wait_durable(seq, [](fake_file&) -> io_result<void> { return {}; });
    BOOST_TEST_REQUIRE(!r);
    BOOST_TEST(r.error() == errno_code(ENOSPC));
}

BOOST_AUTO_TEST_CASE(concurrent_waiters_share_syncs_that_started_after_their_writes) {
    // Each sync records the newest write that had completed when it started;
    // a waiter may return only once a covering sync has finished.
    detail::group_commit<fake_file> commit;
    constexpr int threads = 8;
    constexpr int rounds = 2000;
    std::atomic<std::uint64_t> completed_writes{0};
    std::atomic<std::uint64_t> durable_high{0};
    std::atomic<int> violations{0};
    std::vector<std::thread> pool;
    std::mutex write_mutex;  // writes are serialized, as the log does
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
            for (int i = 0; i < rounds; ++i) {
                std::uint64_t seq = 0;
                {
                    std::lock_guard const lock(write_mutex);
                    completed_writes.fetch_add(1);  // the write is done before it is announced
                    seq = commit.written({});
                }
                auto r = commit.wait_durable(seq, [&](fake_file&) -> io_result<void> {
                    auto const covered = completed_writes.load();
                    std::this_thread::yield();
                    auto high = durable_high.load();
                    while (high < covered && !durable_high.compare_exchange_weak(high, covered)) {
                    }
                    return {};
                });
                if (!r || durable_high.load() < seq) ++violations;
            }
        });
    }
    for (auto& t : pool) t.join();
    BOOST_TEST(violations.load() == 0);
    BOOST_TEST(commit.syncs() >= 1u);
    BOOST_TEST(commit.syncs() < static_cast<std::uint64_t>(threads * rounds));
    BOOST_TEST_MESSAGE("group_commit: " << commit.syncs() << " syncs for " << threads * rounds << " writes");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
