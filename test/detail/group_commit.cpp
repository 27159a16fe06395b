// group_commit: every batch is committed exactly once, after it was
// submitted, and concurrent submitters share commits.
#include <persist/detail/group_commit.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(group_commit)

BOOST_AUTO_TEST_CASE(a_lone_submitter_commits_its_own_batch) {
    detail::group_commit commit;
    std::vector<std::string> committed;
    for (auto const* batch : {"a\n", "b\nc\n", "d\n"}) {
        auto done = commit.submit(batch, [&](std::string_view bytes) -> result<void> {
            committed.emplace_back(bytes);
            return {};
        });
        BOOST_TEST(done.has_value());
    }
    BOOST_TEST(committed == (std::vector<std::string>{"a\n", "b\nc\n", "d\n"}));
    BOOST_TEST(commit.commits() == 3u);
    BOOST_TEST(commit.submissions() == 3u);
}

BOOST_AUTO_TEST_CASE(a_failed_commit_is_returned) {
    detail::group_commit commit;
    auto failed = commit.submit("x\n", [](std::string_view) -> result<void> {
        return error(stage::append, errno_code(ENOSPC), "log");
    });
    BOOST_TEST_REQUIRE(!failed);
    BOOST_TEST(failed.error().code() == errno_code(ENOSPC));
}

BOOST_AUTO_TEST_CASE(concurrent_submitters_share_commits_and_each_batch_lands_once_in_order) {
    detail::group_commit commit;
    constexpr int threads = 8;
    constexpr int rounds = 2000;
    std::mutex log_mutex;
    std::string log;  // what the commits "wrote", in order
    std::atomic<int> commits_running{0};
    std::atomic<int> overlaps{0};
    std::atomic<int> not_yet_committed{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < rounds; ++i) {
                std::string const batch = std::to_string(t) + ":" + std::to_string(i) + "\n";
                auto done = commit.submit(batch, [&](std::string_view bytes) -> result<void> {
                    if (commits_running.fetch_add(1) != 0) ++overlaps;
                    {
                        std::lock_guard const lock(log_mutex);
                        log += bytes;
                    }
                    std::this_thread::yield();  // a sync takes a while
                    commits_running.fetch_sub(1);
                    return {};
                });
                if (!done) ++not_yet_committed;
                std::lock_guard const lock(log_mutex);  // returned only once its batch is in
                if (log.find(batch) == std::string::npos) ++not_yet_committed;
            }
        });
    }
    for (auto& thread : pool)
        thread.join();
    BOOST_TEST(overlaps.load() == 0);
    BOOST_TEST(not_yet_committed.load() == 0);
    // Every batch exactly once, and each thread's batches in order.
    std::vector<int> next(threads, 0);
    std::size_t lines = 0;
    int out_of_order = 0;
    for (std::size_t at = 0; at < log.size(); at = log.find('\n', at) + 1, ++lines) {
        auto const colon = log.find(':', at);
        int const t = std::stoi(log.substr(at, colon - at));
        int const i = std::stoi(log.substr(colon + 1));
        if (i != next[static_cast<std::size_t>(t)]) ++out_of_order;
        next[static_cast<std::size_t>(t)] = i + 1;
    }
    BOOST_TEST(lines == static_cast<std::size_t>(threads * rounds));
    BOOST_TEST(out_of_order == 0);
    BOOST_TEST(commit.submissions() == static_cast<std::uint64_t>(threads * rounds));
    BOOST_TEST(commit.commits() < commit.submissions());
    BOOST_TEST_MESSAGE("group_commit: " << commit.commits() << " commits for " << threads * rounds
                                        << " batches");
}

BOOST_AUTO_TEST_CASE(a_throwing_commit_reaches_its_caller_and_frees_the_queue) {
    detail::group_commit commit;
    BOOST_CHECK_THROW(
        (void)commit.submit(
            "x\n", [](std::string_view) -> result<void> { throw std::runtime_error("boom"); }),
        std::runtime_error);
    bool ran = false;
    auto next = commit.submit("y\n", [&](std::string_view) -> result<void> {
        ran = true;
        return {};
    });
    BOOST_TEST(next.has_value());
    BOOST_TEST(ran);
}

BOOST_AUTO_TEST_CASE(groups_stop_at_the_size_cap) {
    detail::group_commit commit;
    std::string const big(detail::group_commit::max_group_bytes, 'x');
    std::size_t largest = 0;
    auto done = commit.submit(big, [&](std::string_view bytes) -> result<void> {
        largest = bytes.size();
        return {};
    });
    BOOST_TEST(done.has_value());
    BOOST_TEST(largest == big.size());  // a batch alone may reach the cap
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
