// jsonl_log between threads and processes: group commit shares syncs among
// threads, appends from several processes never interleave, and recovery
// never cuts an append that another process has in flight.
#include <persist/store/jsonl_log.hpp>

#include "support/child_process.hpp"
#include "support/fs_inspect.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/data_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/testing/counting_fs.hpp>

#include <boost/json/value_to.hpp>
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace persist::test {
namespace {

using namespace std::string_literals;
namespace json = boost::json;

using no_sync_log = basic_jsonl_log<atomic_file<posix_fs, no_sync, sibling_temp>>;
using counted_fs = counting_fs<>;
using counted_log = basic_jsonl_log<atomic_file<counted_fs, data_sync, sibling_temp>>;

/// Checks that the log holds, for each writer w < writers, the records
/// {"w":w,"n":0..per_writer-1} exactly once and in order, and nothing else.
template <class Log>
void check_every_record_once_in_order(Log const& log, int writers, int per_writer) {
    auto records = log.read_all();  // strict: every line parses
    BOOST_TEST_REQUIRE(records.has_value(), records.error().message());
    BOOST_TEST(records->size() == static_cast<std::size_t>(writers * per_writer));
    std::vector<int> next(static_cast<std::size_t>(writers), 0);
    int out_of_order = 0;
    for (auto const& record : *records) {
        auto const w = json::value_to<std::size_t>(record.at("w"));
        auto const n = json::value_to<int>(record.at("n"));
        BOOST_TEST_REQUIRE(w < next.size());
        if (n != next[w]) ++out_of_order;
        next[w] = n + 1;
    }
    BOOST_TEST(out_of_order == 0);
    for (auto n : next)
        BOOST_TEST(n == per_writer);
}

/// Record n of writer, padded with a letter of the writer's own.
json::value numbered(int writer, int n, std::size_t padding = 40) {
    return json::object{{"w", writer},
                        {"n", n},
                        {"pad", std::string(padding, static_cast<char>('a' + writer % 26))}};
}

/// Forks count children, which start at once; child p exits with body(p).
/// Checks that every child exited with 0.
template <class Body>
void run_children(int count, Body body) {
    std::vector<pid_t> children;
    for (int p = 0; p < count; ++p) {
        pid_t const child = fork_flushed();
        BOOST_TEST_REQUIRE(child != -1);
        if (child == 0) ::_exit(body(p));
        children.push_back(child);
    }
    for (pid_t child : children) {
        int const code = exit_code_of(child);
        BOOST_TEST(code == 0, "child " << child << " exit code " << code);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_log_concurrency, *boost::unit_test::label("concurrency"))

BOOST_AUTO_TEST_CASE(group_commit_shares_syncs_among_8_threads) {
    temp_directory dir;
    counted_fs fs;
    auto log = counted_log::open(dir / "log.jsonl", {}, counted_log::atomic_file_type(fs)).value();
    fs.reset();
    constexpr int threads = 8;
    constexpr int appends = 1000;
    std::atomic<int> failures{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (int n = 0; n < appends; ++n) {
                if (!log.append(numbered(t, n))) ++failures;
            }
        });
    }
    for (auto& thread : pool)
        thread.join();
    BOOST_TEST(failures.load() == 0);
    check_every_record_once_in_order(log, threads, appends);
    // Each group: one write, then one sync; fewer groups than appends.
    auto const writes = fs.count(fs_op::write);
    auto const syncs = fs.count(fs_op::sync_data);
    BOOST_TEST(syncs >= 1u);
    BOOST_TEST(syncs < static_cast<std::size_t>(threads * appends));
    BOOST_TEST(writes == syncs);
    BOOST_TEST(syncs == log.sync_count());
    BOOST_TEST_MESSAGE("group commit: " << syncs << " writes and fdatasync calls for "
                                        << threads * appends << " appends");
}

BOOST_AUTO_TEST_CASE(processes_append_without_interleaving) {
    temp_directory dir;
    auto const path = dir / "shared.jsonl";
    constexpr int processes = 4;
    constexpr int appends = 500;
    run_children(processes, [&](int p) {
        auto log = no_sync_log::open(path);
        if (!log) return 2;
        for (int n = 0; n < appends; ++n) {
            if (!log->append(numbered(p, n, 200))) return 3;
        }
        return 0;
    });
    auto log = no_sync_log::open(path).value();
    BOOST_TEST(log.recovery().clean());
    check_every_record_once_in_order(log, processes, appends);
}

BOOST_AUTO_TEST_CASE(recovery_never_cuts_an_in_flight_append) {
    // Two processes append 256 KiB records while a third opens the log again
    // and again. A write that big is visible half-done to an unlocked reader;
    // the lock makes recovery wait for it instead of quarantining it.
    temp_directory dir;
    auto const path = dir / "busy.jsonl";
    constexpr int appenders = 2;
    constexpr int appends = 20;
    run_children(appenders + 1, [&](int p) {
        if (p < appenders) {
            auto log = no_sync_log::open(path);
            if (!log) return 2;
            for (int n = 0; n < appends; ++n) {
                if (!log->append(numbered(p, n, 256 * 1024))) return 3;
            }
        } else {
            for (int round = 0; round < 20; ++round) {
                auto log = no_sync_log::open(path);
                if (!log || !log->recovery().clean()) return 4;
            }
        }
        return 0;
    });
    auto names = entries_of(posix_fs{}, dir.path());
    BOOST_TEST(names == (std::vector{"busy.jsonl"s, "busy.jsonl.lock"s}));  // nothing quarantined
    check_every_record_once_in_order(no_sync_log::open(path).value(), appenders, appends);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
