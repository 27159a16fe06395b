// The fault sweep of atomic_file::replace (see fault_sweep.hpp).
#include "support/fault_sweep.hpp"

#include <persist/testing/crash_harness.hpp>
#include "support/fs_inspect.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>

namespace persist::test {
namespace {

std::string const new_content = "the new content\n";
std::filesystem::path const temp_root = "/tmp";

/// A memory_fs in the case's starting state, behind a fault_fs.
struct sweep_machine {
    memory_fs disk;
    faulty_fs fs{disk};

    explicit sweep_machine(sweep_case const& c) {
        (void)disk.make_directory("/work", 0755);
        (void)disk.make_directory(temp_root, 0777);
        if (c.before) {
            auto h = disk.create_exclusive(c.target, 0644);
            if (h) {
                (void)disk.write(*h, std::as_bytes(std::span(c.before->data(), c.before->size())));
                (void)disk.close(*h);
            }
        }
        disk.sync_all();
        fs.reset();
    }
};

enum class outcome_kind {
    error,              ///< the call's stage and errno; target intact, no temp
    error_new_content,  ///< sync_directory after the rename: new content in place
    success,            ///< recovered by design: new content in place, no temp
    success_litter,     ///< the same, but a temp may be left in the temp directory
};

struct expectation {
    outcome_kind kind = outcome_kind::error;
    persist::stage stage = persist::stage::validate;
};

std::size_t last_rename(std::vector<fs_op> const& calls) {
    auto const found = std::find(calls.rbegin(), calls.rend(), fs_op::rename);
    return static_cast<std::size_t>(calls.rend() - found - 1);
}

/// What failing call n of `calls` must lead to. copy_from: the index of
/// the rename that EXDEV turned into a copy, in a sweep of the copy path.
expectation expected(std::vector<fs_op> const& calls, std::size_t n, int errno_value,
                     bool copies_across_devices, std::optional<std::size_t> copy_from) {
    auto const op = calls[n];
    auto const commit = last_rename(calls);
    bool const after_commit = n > commit;
    if (copy_from && after_commit && (op == fs_op::unlink || op == fs_op::close)) {
        // Removing the first temp, closing the copy's source: the replace is done.
        return {outcome_kind::success_litter, stage::cleanup};
    }
    if (op == fs_op::sync_directory && after_commit)
        return {outcome_kind::error_new_content, stage::sync_directory};
    if (op == fs_op::rename && n == commit && errno_value == EXDEV && copies_across_devices &&
        !copy_from) {
        return {outcome_kind::success, stage::rename};
    }
    switch (op) {
        case fs_op::lstat:  // an I/O error inspecting the target is a read, not bad input
        case fs_op::read_symlink: return {outcome_kind::error, stage::read};
        case fs_op::stat:
        case fs_op::make_directory:
        case fs_op::sync_directory: return {outcome_kind::error, stage::create_directory};
        case fs_op::create_exclusive:
        case fs_op::create_anonymous: return {outcome_kind::error, stage::create_temp};
        case fs_op::write:
        case fs_op::read:
        case fs_op::close: return {outcome_kind::error, stage::write_temp};
        case fs_op::set_mode:
        case fs_op::set_owner:
        case fs_op::stat_handle: return {outcome_kind::error, stage::set_metadata};
        case fs_op::sync_data:
        case fs_op::sync_full: return {outcome_kind::error, stage::sync_temp};
        case fs_op::link: return {outcome_kind::error, stage::backup};
        case fs_op::rename:
            return {outcome_kind::error,
                    n == commit || (copy_from && n > *copy_from) ? stage::rename : stage::backup};
        case fs_op::link_handle:
        case fs_op::open_read: return {outcome_kind::error, stage::rename};
        default: return {outcome_kind::error, stage::cleanup};
    }
}

/// The nth call of calls[n] among calls[0..n].
std::size_t nth_of(std::vector<fs_op> const& calls, std::size_t n) {
    return static_cast<std::size_t>(
        std::count(calls.begin(), calls.begin() + static_cast<std::ptrdiff_t>(n) + 1, calls[n]));
}

std::vector<std::string> temps_left(memory_fs& disk, std::filesystem::path const& target) {
    auto left = temp_files_in(disk, target.parent_path());
    for (auto& name : temp_files_in(disk, temp_root))
        left.push_back("/tmp/" + name);
    return left;
}

/// Runs the replace with `faults` armed and checks the outcome.
void check_faulted(sweep_case const& c, faulty_replace const& replace,
                   std::vector<fault> const& faults, expectation const& expect) {
    sweep_machine machine(c);
    for (auto const& f : faults)
        machine.fs.arm(f);
    auto const replaced = replace(machine.fs, c.options, c.target, new_content);
    BOOST_TEST(machine.fs.injected() == faults.size());  // every planned fault was reached
    auto& disk = machine.disk;

    if (expect.kind == outcome_kind::success || expect.kind == outcome_kind::success_litter) {
        BOOST_TEST(replaced.has_value(), (replaced ? "" : replaced.error().message()));
        BOOST_TEST(content_of(disk, c.target) == new_content);
        if (expect.kind == outcome_kind::success) {
            BOOST_TEST(temps_left(disk, c.target).empty());
        } else {
            BOOST_TEST(temp_files_in(disk, c.target.parent_path()).empty());
        }
        return;
    }
    BOOST_TEST_REQUIRE(replaced.has_error());
    auto const& e = replaced.error();
    BOOST_TEST(to_string(e.stage()) == to_string(expect.stage), e.message());
    BOOST_TEST(e.code() == faults.back().code, e.message());
    BOOST_TEST(e.path() == c.target);
    BOOST_TEST(temps_left(disk, c.target).empty());
    if (expect.kind == outcome_kind::error_new_content) {
        BOOST_TEST(content_of(disk, c.target) == new_content);
        BOOST_TEST(e.message().find("durability is unknown") != std::string::npos);
    } else if (c.before) {
        BOOST_TEST(content_of(disk, c.target) == *c.before);
        BOOST_TEST(mode_of(disk, c.target) == 0644u);
    } else {
        BOOST_TEST(!disk.stat(c.target).has_value(), "the target exists after a failed replace");
    }
}

/// The calls of a successful replace, with `faults` armed.
std::vector<fs_op> dry_run(sweep_case const& c, faulty_replace const& replace,
                           std::vector<fault> const& faults) {
    sweep_machine machine(c);
    for (auto const& f : faults)
        machine.fs.arm(f);
    auto const replaced = replace(machine.fs, c.options, c.target, new_content);
    BOOST_TEST_REQUIRE(replaced.has_value(), (replaced ? "" : replaced.error().message()));
    return machine.fs.calls();
}

void sweep_calls(sweep_case const& c, faulty_replace const& replace,
                 std::vector<fs_op> const& calls, std::vector<fault> const& first_faults,
                 std::optional<std::size_t> copy_from, bool copies_across_devices,
                 sweep_report& report) {
    static int const errnos[] = {EIO, ENOSPC, EACCES, EDQUOT, EROFS};
    for (std::size_t n = copy_from ? *copy_from + 1 : 0; n < calls.size(); ++n) {
        std::vector<int> tried(std::begin(errnos), std::end(errnos));
        if (calls[n] == fs_op::rename) tried.push_back(EXDEV);
        for (int const e : tried) {
            BOOST_TEST_CONTEXT("call " << n << " (" << fs_op_name(calls[n]) << " #"
                                       << nth_of(calls, n) << ") fails with "
                                       << errno_code(e).message()) {
                auto faults = first_faults;
                faults.push_back(fault{calls[n], nth_of(calls, n), errno_code(e), false});
                check_faulted(c, replace, faults,
                              expected(calls, n, e, copies_across_devices, copy_from));
                ++report.runs;
            }
        }
    }
}

}  // namespace

sweep_case existing_file() {
    return {"existing file", "/work/state.json", "the old content\n", {}};
}

sweep_case new_file_in_new_parents() {
    return {"new file in new parents", "/work/a/b/state.json", std::nullopt, {}};
}

sweep_case existing_file_with_backup() {
    sweep_case c{"existing file with backup", "/work/state.json", "the old content\n", {}};
    c.options.keep_backup = true;
    return c;
}

sweep_report sweep_faults(std::string_view combination, faulty_replace const& replace,
                          sweep_case const& c, bool copies_across_devices) {
    sweep_report report;
    BOOST_TEST_CONTEXT(combination << ", " << c.name) {
        auto const calls = dry_run(c, replace, {});
        report.calls = calls.size();
        sweep_calls(c, replace, calls, {}, std::nullopt, copies_across_devices, report);
        if (copies_across_devices) {
            // EXDEV at the rename: the copy path, swept the same way.
            auto const commit = last_rename(calls);
            std::vector<fault> const exdev{
                fault{fs_op::rename, nth_of(calls, commit), errno_code(EXDEV), false}};
            auto const copy_calls = dry_run(c, replace, exdev);
            report.calls += copy_calls.size() - commit - 1;
            sweep_calls(c, replace, copy_calls, exdev, commit, copies_across_devices, report);
            // EXDEV for good: the copy's rename fails too, and nothing is left.
            BOOST_TEST_CONTEXT("every rename fails with EXDEV") {
                sweep_machine machine(c);
                machine.fs.arm(
                    fault{fs_op::rename, nth_of(calls, commit), errno_code(EXDEV), true});
                auto const replaced = replace(machine.fs, c.options, c.target, new_content);
                BOOST_TEST_REQUIRE(replaced.has_error());
                BOOST_TEST(to_string(replaced.error().stage()) == "rename");
                BOOST_TEST(temps_left(machine.disk, c.target).empty());
                ++report.runs;
            }
        }
    }
    BOOST_TEST_MESSAGE(combination << ", " << c.name << ": " << report.calls << " calls, "
                                   << report.runs << " faulted replaces checked");
    return report;
}

}  // namespace persist::test
