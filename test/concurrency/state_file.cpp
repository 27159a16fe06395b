// state_file between processes: writers updating at once lose no update,
// and a reader meanwhile never sees anything but a whole, newer document.
#include <persist/store/state_file.hpp>

#include "support/child_process.hpp"
#include "support/sample_session.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <vector>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(state_file_concurrency, *boost::unit_test::label("concurrency"))

BOOST_AUTO_TEST_CASE(processes_updating_at_once_lose_no_update_and_readers_never_see_defaults) {
    temp_directory dir;
    auto const file = dir / "deep" / "counter.json";  // update() creates the directory
    // The lock is under test, not durability: skip the fsyncs.
    using fast_state = basic_state_file<session, atomic_file<posix_fs, no_sync, sibling_temp>>;
    constexpr int writers = 4;
    constexpr int rounds = 50;
    BOOST_TEST_REQUIRE(fast_state(file).update([](session&) {}).has_value());

    std::vector<pid_t> children;
    for (int w = 0; w < writers; ++w) {
        pid_t const pid = fork_flushed();
        BOOST_TEST_REQUIRE(pid >= 0);
        if (pid == 0) {
            fast_state state(file);
            bool ok = true;
            for (int r = 0; r < rounds && ok; ++r)
                ok = state.update([](session& s) { ++s.counter; }).has_value();
            ::_exit(ok ? 0 : 1);
        }
        children.push_back(pid);
    }
    pid_t const reader = fork_flushed();
    BOOST_TEST_REQUIRE(reader >= 0);
    if (reader == 0) {
        // Exit 0 once the last update is seen; 2 if a load was ever not a
        // plain load of a whole document, or went backwards.
        fast_state state(file);
        std::uint64_t seen = 0;
        for (;;) {
            auto const l = state.load();
            if (!l || l->report.outcome != load_outcome::loaded || l->state.counter < seen)
                ::_exit(2);
            seen = l->state.counter;
            if (seen == writers * rounds) ::_exit(0);
        }
    }
    bool writers_succeeded = true;
    for (pid_t const child : children) {
        int const code = exit_code_of(child);
        BOOST_TEST(code == 0, "writer " << child << " exit code " << code);
        writers_succeeded = writers_succeeded && code == 0;
    }
    // Without every update the reader would wait for the last one forever.
    if (!writers_succeeded) ::kill(reader, SIGKILL);
    int const reader_code = exit_code_of(reader);
    if (writers_succeeded) BOOST_TEST(reader_code == 0, "reader exit code " << reader_code);
    auto const final_state = fast_state(file).load();
    BOOST_TEST_REQUIRE(final_state.has_value());
    BOOST_TEST(final_state->state.counter == std::uint64_t{writers * rounds});
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
