// state_file under faults and crashes, on memory_fs: a save or a recovery
// whose every call fails in turn, with each errno, loses nothing good; and
// after a power cut or a killed process at any point of saves, an update
// and a recovery, load() gives the old or the new state, never defaults.
// The same crash check catches no_sync.
#include <persist/store/state_file.hpp>

#include <persist/testing/crash_harness.hpp>
#include "support/fs_inspect.hpp"
#include "support/sample_session.hpp"

#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/testing/fault_fs.hpp>
#include <persist/testing/memory_fs.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace persist::test {

using namespace std::string_literals;

// ---------------------------------------------------------------------------
// Fault sweep: on fault_fs<memory_fs>, fail every call of a save (or of a
// recovery) in turn, with each errno, and check that nothing good was lost.

BOOST_AUTO_TEST_SUITE(state_file_faults)

namespace {

using faulty_fs = fault_fs<memory_fs>;
using faulty_state = basic_state_file<session, atomic_file<faulty_fs, full_sync, sibling_temp>>;

std::filesystem::path const memory_file = "/work/state.json";

faulty_state faulty_on(faulty_fs const& fs) {
    return faulty_state(memory_file, fixed_clock_options(),
                        atomic_file<faulty_fs, full_sync, sibling_temp>(fs));
}

/// A fresh memory_fs where the state was saved twice (file sample(2),
/// backup sample(1)) and, with `corrupt`, the file then damaged; its
/// record of calls starts empty.
faulty_fs saved_twice_in_memory(bool corrupt) {
    faulty_fs fs;
    (void)fs.make_directory("/work", 0755);
    auto const state = faulty_on(fs);
    BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
    BOOST_TEST_REQUIRE(state.save(sample(2)).has_value());
    if (corrupt) plant(atomic_file<faulty_fs, full_sync, sibling_temp>(fs), memory_file, garbage);
    fs.reset();
    return fs;
}

std::error_code const sweep_causes[] = {errno_code(EIO), errno_code(ENOSPC), errno_code(EACCES),
                                        errno_code(EDQUOT), errno_code(EROFS)};

/// Runs act once with no fault to learn its calls, then once per call and
/// errno with that call failing, and hands each outcome to check.
template <class Act, class Check>
std::size_t sweep(bool corrupt, Act act, Check check) {
    auto dry = saved_twice_in_memory(corrupt);
    act(dry);
    auto const calls = dry.calls();
    BOOST_TEST_REQUIRE(calls.size() > 5u);
    std::size_t runs = 0;
    for (std::size_t i = 0; i < calls.size(); ++i) {
        auto const nth =
            static_cast<std::size_t>(std::count(calls.begin(), calls.begin() + i + 1, calls[i]));
        for (auto const cause : sweep_causes) {
            auto fs = saved_twice_in_memory(corrupt);
            fs.arm(fault{calls[i], nth, cause, false});
            auto const outcome = act(fs);
            fs.disarm();
            BOOST_TEST_CONTEXT("call " << i + 1 << " of " << calls.size() << " ("
                                       << static_cast<int>(calls[i]) << ", the " << nth
                                       << "th of its kind) failing with " << cause.message()) {
                BOOST_TEST(fs.injected() == 1u);
                check(fs, outcome, cause);
            }
            ++runs;
        }
    }
    return runs;
}

std::vector<std::string> names_without_lock(faulty_fs const& fs) {
    auto names = entries_of(fs, "/work");
    std::erase(names, "state.json.lock"s);
    return names;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_failed_save_never_damages_the_file_or_its_backup) {
    auto const before = saved_twice_in_memory(false);
    auto const file_before = content_of(before, memory_file);
    auto const backup_before = content_of(before, "/work/state.json.bak");
    std::size_t failed = 0;
    auto const runs = sweep(
        false, [](faulty_fs& fs) { return faulty_on(fs).save(sample(3)); },
        [&](faulty_fs& fs, result<void> const& saved, std::error_code cause) {
            auto const file_now = content_of(fs, memory_file);
            auto const backup_now = content_of(fs, "/work/state.json.bak");
            if (saved.has_value()) {  // a failure save may ignore (closing a read handle)
                BOOST_TEST((faulty_on(fs).load().value().state == sample(3)));
            } else if (saved.error().stage() == stage::sync_directory) {
                BOOST_TEST(backup_now == file_before);  // new content in place, durability unknown
            } else {
                ++failed;
                BOOST_TEST(saved.error().code() == cause);
                BOOST_TEST(file_now == file_before);
                BOOST_TEST((backup_now == backup_before || backup_now == file_before));
            }
            auto const after = faulty_on(fs).load();
            BOOST_TEST_REQUIRE(after.has_value());
            BOOST_TEST((after->report.outcome == load_outcome::loaded));
            BOOST_TEST((after->state == sample(2) || after->state == sample(3)));
            BOOST_TEST((names_without_lock(fs) == std::vector{"state.json"s, "state.json.bak"s}));
        });
    BOOST_TEST_MESSAGE("save fault sweep: " << runs << " runs, " << failed
                                            << " failed saves checked");
    BOOST_TEST(failed > 20u);
}

BOOST_AUTO_TEST_CASE(a_failed_recovery_loses_no_bytes_and_the_next_load_recovers) {
    auto const backup_before = content_of(saved_twice_in_memory(true), "/work/state.json.bak");
    std::size_t failed = 0;
    auto const runs = sweep(
        true, [](faulty_fs& fs) { return faulty_on(fs).load(); },
        [&](faulty_fs& fs, result<loaded<session>> const& recovered, std::error_code) {
            if (recovered.has_error()) ++failed;
            // The corrupt bytes are at the file's name or a quarantine name.
            bool garbage_kept = content_of(fs, memory_file) == garbage;
            for (auto const& name : entries_starting(fs, "/work", "state.json.corrupt-")) {
                garbage_kept = garbage_kept || content_of(fs, "/work/" + name) == garbage;
            }
            BOOST_TEST(garbage_kept);
            BOOST_TEST(content_of(fs, "/work/state.json.bak") == backup_before);
            BOOST_TEST(temp_files_in(fs, "/work").empty());
            auto const next = faulty_on(fs).load();
            BOOST_TEST_REQUIRE(next.has_value());
            BOOST_TEST((next->state == sample(1)));
            BOOST_TEST((next->report.outcome != load_outcome::corrupt_used_defaults));
        });
    BOOST_TEST_MESSAGE("recovery fault sweep: " << runs << " runs, " << failed
                                                << " failed recoveries checked");
    BOOST_TEST(failed > 20u);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Crash harness: on memory_fs, crash at every point of saves, an update and
// a recovery, reboot, and load.

BOOST_AUTO_TEST_SUITE(state_file_crash)

namespace {

template <class Durability>
using memory_state = basic_state_file<session, atomic_file<memory_fs, Durability, sibling_temp>>;

std::filesystem::path const crash_file = "/work/state.json";

template <class Durability>
memory_state<Durability> state_on(memory_fs& fs) {
    return memory_state<Durability>(crash_file, fixed_clock_options(),
                                    atomic_file<memory_fs, Durability, sibling_temp>(fs));
}

/// Setup: /work/state.json holds sample(2), its backup sample(1).
void two_saved_versions(memory_fs& fs) {
    (void)fs.make_directory("/work", 0755);
    auto const state = state_on<full_sync>(fs);
    (void)state.save(sample(1));
    (void)state.save(sample(2));
}

/// After a crash: load() must succeed and give a state from `allowed`, and
/// never defaults. A recovery from the backup is allowed only if
/// `may_recover` (a crash in the middle of a recovery).
crash_invariant loads_one_of(std::vector<session> allowed, bool may_recover = false) {
    return [allowed = std::move(allowed), may_recover](memory_fs& fs,
                                                       crash_moment const& moment) -> std::string {
        for (std::size_t k = 0; k < moment.succeeded.size(); ++k) {
            if (!moment.succeeded[k]) return "step " + std::to_string(k + 1) + " reported an error";
        }
        auto const loaded_state = state_on<full_sync>(fs).load();
        if (!loaded_state) return "load failed: " + loaded_state.error().message();
        auto const outcome = loaded_state->report.outcome;
        if (outcome != load_outcome::loaded &&
            !(may_recover && outcome == load_outcome::recovered_from_backup)) {
            return "load: " + loaded_state->report.summary();
        }
        // The newest allowed state is the one the running step writes.
        std::size_t const newest =
            std::min(allowed.size() - 1, moment.completed + (moment.in_step ? 1 : 0));
        std::size_t const oldest = std::min(allowed.size() - 1, moment.completed);
        for (std::size_t v = oldest; v <= newest; ++v) {
            if (loaded_state->state == allowed[v]) return {};
        }
        return "loaded '" + loaded_state->state.name + "', expected a version from " +
               std::to_string(oldest) + " to " + std::to_string(newest);
    };
}

template <class Durability>
crash_workload saves_of_3_and_4() {
    crash_workload w;
    w.setup = two_saved_versions;
    w.steps.emplace_back(
        [](memory_fs& fs) { return state_on<Durability>(fs).save(sample(3)).has_value(); });
    w.steps.emplace_back([](memory_fs& fs) {
        return state_on<Durability>(fs).update([](session& s) { s = sample(4); }).has_value();
    });
    return w;
}

}  // namespace

BOOST_AUTO_TEST_CASE(full_sync_loads_the_old_or_the_new_state_after_a_crash_never_defaults) {
    crash_check check;
    // Versions by step: before any step sample(2); after step 1 sample(3);
    // after step 2 sample(4).
    check.power_loss = loads_one_of({sample(2), sample(3), sample(4)});
    check.process_crash = check.power_loss;
    auto const report = run_crash_check(saves_of_3_and_4<full_sync>(), check);
    BOOST_TEST_MESSAGE("state_file, full_sync, save + update: " << report.summary());
    BOOST_TEST((report.step_results == std::vector<bool>{true, true}));
    BOOST_TEST(report.violation_count == 0u, report.summary() << "\n" << report.first_violations());
}

BOOST_AUTO_TEST_CASE(the_crash_check_fails_under_no_sync) {
    // The same invariant must catch no_sync, or it proves nothing.
    crash_check check;
    check.power_loss = loads_one_of({sample(2), sample(3), sample(4)});
    check.kept_violations = 1;
    auto const report = run_crash_check(saves_of_3_and_4<no_sync>(), check);
    BOOST_TEST(report.violation_count > 0u, "no_sync looked durable: " << report.summary());
    if (!report.violations.empty()) {
        BOOST_TEST_MESSAGE("state_file, no_sync: "
                           << report.violation_count << " of " << report.power_loss_images
                           << " images lose the state, e.g. " << report.violations.front().why);
    }
}

BOOST_AUTO_TEST_CASE(a_crash_during_recovery_keeps_the_corrupt_bytes_and_the_backup_state) {
    crash_workload w;
    w.setup = [](memory_fs& fs) {
        two_saved_versions(fs);
        (void)atomic_file<memory_fs, full_sync, sibling_temp>(fs).replace(crash_file, garbage);
    };
    w.steps.emplace_back([](memory_fs& fs) {
        auto const recovered = state_on<full_sync>(fs).load();
        return recovered && recovered->report.outcome == load_outcome::recovered_from_backup;
    });
    crash_check check;
    auto const backup_state = loads_one_of({sample(1)}, true);
    check.power_loss = [&](memory_fs& fs, crash_moment const& moment) -> std::string {
        // Before loading (which recovers): the garbage is somewhere.
        bool garbage_kept = content_of(fs, crash_file) == garbage;
        for (auto const& name : entries_starting(fs, "/work", "state.json.corrupt-")) {
            garbage_kept = garbage_kept || content_of(fs, "/work/" + name) == garbage;
        }
        if (!garbage_kept) return "the corrupt bytes are gone";
        return backup_state(fs, moment);
    };
    check.process_crash = check.power_loss;
    auto const report = run_crash_check(w, check);
    BOOST_TEST_MESSAGE("state_file, full_sync, recovery: " << report.summary());
    BOOST_TEST((report.step_results == std::vector<bool>{true}));
    BOOST_TEST(report.violation_count == 0u, report.summary() << "\n" << report.first_violations());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
