// group_commit: every batch is committed exactly once, after it was
// submitted, and a failure reaches its submitter. Concurrent submitters are
// in test/concurrency/group_commit.cpp.
#include <persist/store/detail/group_commit.hpp>

#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>
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
