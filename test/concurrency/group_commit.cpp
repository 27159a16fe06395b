// group_commit between threads: concurrent submitters share commits, and
// every batch lands exactly once, in each submitter's order, before its
// submit returns.
#include <persist/store/detail/group_commit.hpp>

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(group_commit_concurrency, *boost::unit_test::label("concurrency"))

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

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
