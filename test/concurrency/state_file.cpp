// state_file between processes: writers updating at once lose no update,
// and a reader meanwhile never sees anything but a whole, newer document.
// Then what a state_file knows of its file, and other writers' changes
// that knowledge must not hide.
#include <persist/store/state_file.hpp>

#include "support/child_process.hpp"
#include "support/fs_inspect.hpp"
#include "support/sample_session.hpp"
#include "support/settings_files.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/testing/counting_fs.hpp>

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

// ---------------------------------------------------------------------------
// What a state_file knows of its file: save() skips the read of a version
// it wrote or loaded, and never trusts that knowledge against another
// writer's change (store/detail/file_identity.hpp).

BOOST_AUTO_TEST_SUITE(state_file_known_version)

namespace {

using counted_file = atomic_file<counting_fs<posix_fs>, full_sync, sibling_temp>;

/// A state file saved once by `state`, whose reads (open_read) fs counts.
struct counted_state {
    temp_directory dir;
    std::filesystem::path file = dir / "state.json";
    counting_fs<posix_fs> fs;
    basic_state_file<session, counted_file> state{file, fixed_clock_options(), counted_file(fs)};

    counted_state() { BOOST_TEST_REQUIRE(state.save(sample(1)).has_value()); }
    std::size_t reads() const { return fs.count(fs_op::open_read); }
    /// Ages the file by an hour and loads it: the version is then settled.
    void load_settled() {
        age_by_an_hour(file);
        BOOST_TEST_REQUIRE(state.load().has_value());
        fs.reset();
    }
    /// Rewrites the file in place (same inode) with bytes, then sets its
    /// mtime to `mtime`: what a writer in the same mtime tick leaves.
    void rewrite_in_place(std::string const& bytes, ::timespec mtime) const {
        write_by_hand(file, bytes);
        set_mtime(file, mtime);
    }
};

/// text with spaces added before its final '}' until it is `size` bytes.
std::string padded_to(std::string text, std::size_t size) {
    BOOST_TEST_REQUIRE(text.size() <= size);
    auto const brace = text.rfind('}');
    text.insert(brace, size - text.size(), ' ');
    return text;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_settled_loaded_version_costs_one_stat_and_no_read) {
    counted_state s;
    s.load_settled();
    BOOST_TEST_REQUIRE(s.state.save(sample(2)).has_value());
    BOOST_TEST(s.reads() == 0u);
    BOOST_TEST(content_of(posix_fs{}, s.dir / "state.json.bak").find("\"session 1\"") !=
               std::string::npos);
    // The version just written is racy: the next save reads it (to compare).
    s.fs.reset();
    BOOST_TEST_REQUIRE(s.state.save(sample(3)).has_value());
    BOOST_TEST(s.reads() == 1u);
    BOOST_TEST((s.state.load()->state == sample(3)));
}

BOOST_AUTO_TEST_CASE(update_of_a_settled_file_reads_it_once) {
    counted_state s;
    age_by_an_hour(s.file);
    s.fs.reset();
    auto const updated = s.state.update([](session& state) { state.counter += 1; });
    BOOST_TEST_REQUIRE(updated.has_value());
    BOOST_TEST(s.reads() == 1u);  // the load; the save trusts it
}

BOOST_AUTO_TEST_CASE(an_in_place_rewrite_of_the_same_size_is_caught) {
    counted_state s;
    s.load_settled();
    auto const size = content_of(posix_fs{}, s.file).size();
    // A newer program's document, written in place: same inode, same size.
    write_by_hand(s.file, padded_to(R"({"version": 9, "state": {}})", size));
    BOOST_TEST_REQUIRE(content_of(posix_fs{}, s.file).size() == size);
    auto const refused = s.state.save(sample(2));
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::version_too_new));
    BOOST_TEST(s.reads() == 1u);
}

BOOST_AUTO_TEST_CASE(a_file_renamed_in_with_the_same_size_and_mtime_is_caught) {
    counted_state s;
    s.load_settled();
    auto const before = mtime_of(s.file);
    auto const size = content_of(posix_fs{}, s.file).size();
    auto const newer = padded_to(R"({"version": 9, "state": {}})", size);
    atomic_file<posix_fs, no_sync, sibling_temp> const other;
    BOOST_TEST_REQUIRE(other.replace(s.file, newer).has_value());  // a new inode
    set_mtime(s.file, before);
    auto const refused = s.state.save(sample(2));
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::version_too_new));
    BOOST_TEST(content_of(posix_fs{}, s.file) == newer);
}

BOOST_AUTO_TEST_CASE(touching_the_mtime_alone_makes_save_read_again) {
    counted_state s;
    s.load_settled();
    auto touched = mtime_of(s.file);
    touched.tv_nsec = (touched.tv_nsec + 1) % 1'000'000'000;
    set_mtime(s.file, touched);
    BOOST_TEST_REQUIRE(s.state.save(sample(2)).has_value());
    BOOST_TEST(s.reads() == 1u);
}

BOOST_AUTO_TEST_CASE(a_same_tick_rewrite_of_a_version_just_written_is_caught) {
    // The racy case: after save(), a writer in place keeps inode and size
    // and (within one mtime tick) the mtime. Only the bytes tell.
    counted_state s;
    auto const mtime = mtime_of(s.file);
    auto const size = content_of(posix_fs{}, s.file).size();
    auto const corrupt = std::string(garbage) + std::string(size - garbage.size(), ' ');
    s.rewrite_in_place(corrupt, mtime);
    BOOST_TEST_REQUIRE(s.state.save(sample(2)).has_value());
    auto const quarantined = entries_starting(posix_fs{}, s.dir.path(), "state.json.corrupt-");
    BOOST_TEST_REQUIRE(quarantined.size() == 1u);
    BOOST_TEST(content_of(posix_fs{}, s.dir / quarantined[0]) == corrupt);
    BOOST_TEST(!std::filesystem::exists(s.dir / "state.json.bak"));  // never the corrupt bytes
}

BOOST_AUTO_TEST_CASE(a_same_tick_rewrite_of_a_racy_loaded_version_is_caught) {
    counted_state s;
    BOOST_TEST_REQUIRE(s.state.load().has_value());  // just written: racy
    auto const mtime = mtime_of(s.file);
    auto const size = content_of(posix_fs{}, s.file).size();
    s.rewrite_in_place(padded_to(R"({"version": 9, "state": {}})", size), mtime);
    auto const refused = s.state.save(sample(2));
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::version_too_new));
}

BOOST_AUTO_TEST_CASE(a_copy_shares_what_it_knows_of_the_file) {
    counted_state s;
    s.load_settled();
    auto const copy = s.state;
    BOOST_TEST_REQUIRE(copy.save(sample(2)).has_value());
    BOOST_TEST(s.reads() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
