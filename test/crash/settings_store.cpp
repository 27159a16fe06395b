// The settings store under crashes, on memory_fs: after a power cut or a
// killed process at any point of a set under full_sync, the settings file
// parses and holds the old or the new settings, whole, with its mode; and
// the same check catches no_sync losing an acknowledged set.
#include <persist/store/settings_store.hpp>

#include <persist/testing/crash_harness.hpp>
#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"

#include <persist/detail/read_file.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/json_text.hpp>
#include <persist/testing/memory_fs.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <type_traits>
#include <vector>

namespace persist::test {

namespace {

namespace json = boost::json;
using scope = settings_scope;

/// The local settings a crash workload goes through: crash_versions[0] is
/// there before it starts, crash_versions[k] after its step k.
std::vector<json::value> const crash_versions = {
    json::parse(R"({"theme": "light", "tabs": 4})"),
    json::parse(R"({"theme": "dark", "tabs": 4})"),
    json::parse(R"({"theme": "dark", "tabs": 4, "ui": {"font": 14}})"),
};
std::filesystem::path const crash_global = "/work/home/settings.json";
std::filesystem::path const crash_local = "/work/project/settings.json";

template <class Durability, class Naming>
using memory_settings_store = basic_settings_store<atomic_file<memory_fs, Durability, Naming>>;

/// Two sets on top of crash_versions[0].
template <class Durability, class Naming>
crash_workload two_sets() {
    auto const make_naming = [] {
        if constexpr (std::is_same_v<Naming, temp_dir>) {
            return temp_dir("/tmp");
        } else {
            return Naming{};
        }
    };
    auto const store_on = [make_naming](memory_fs& fs) {
        return memory_settings_store<Durability, Naming>(
            crash_global, crash_local, {},
            atomic_file<memory_fs, Durability, Naming>(fs, {}, make_naming()));
    };
    crash_workload w;
    w.setup = [store_on](memory_fs& fs) {
        (void)fs.make_directory("/work", 0755);
        (void)fs.make_directory("/tmp", 0777);
        (void)store_on(fs).save(scope::local, crash_versions[0].as_object());
    };
    w.steps.emplace_back([store_on](memory_fs& fs) {
        return store_on(fs).set(scope::local, "/theme", "dark").has_value();
    });
    w.steps.emplace_back([store_on](memory_fs& fs) {
        return store_on(fs).set(scope::local, "/ui/font", 14).has_value();
    });
    return w;
}

/// The settings file after a crash holds, whole, with mode 0600, the
/// version of the last step that returned, or (during a step) the one that
/// step writes; and a store on the rebooted machine reads it back.
std::string holds_old_or_new_settings(memory_fs& rebooted, crash_moment const& moment) {
    for (std::size_t k = 0; k < moment.completed; ++k) {
        if (!moment.succeeded[k]) return "step " + std::to_string(k + 1) + " reported an error";
    }
    auto const text = detail::read_whole_file(rebooted, crash_local);
    if (!text) return "the settings file cannot be read: " + text.error().message();
    auto const parsed = parse_json(*text, crash_local);
    if (!parsed) return parsed.error().message();
    std::size_t const oldest = moment.completed;
    std::size_t const newest = moment.completed + (moment.in_step ? 1 : 0);
    if (*parsed != crash_versions[oldest] && *parsed != crash_versions[newest]) {
        return "unexpected settings " + *text;
    }
    if (auto mode = mode_of(rebooted, crash_local); mode != 0600) {
        return "mode " + std::to_string(mode) + " instead of 0600";
    }
    memory_settings_store<no_sync, sibling_temp> reader(
        crash_global, crash_local, {}, atomic_file<memory_fs, no_sync, sibling_temp>(rebooted));
    auto const read_back = reader.get("");
    if (!read_back || *read_back != *parsed) return "the store reads back something else";
    return {};
}

/// A hand-edited JSONC file that three writes (set, add_unique, erase)
/// edit in place.
std::string const commented_original =
    "// Project settings, edited by hand.\r\n"
    "{\r\n"
    "\t\"theme\": \"light\", // the default\r\n"
    "\t/* keep four */\r\n"
    "\t\"tabs\": 4,\r\n"
    "\t\"providers\": [\"a\"]\r\n"
    "}\r\n";

memory_settings_store<full_sync, sibling_temp> commented_store_on(memory_fs& fs) {
    return memory_settings_store<full_sync, sibling_temp>(
        crash_global, crash_local, {}, atomic_file<memory_fs, full_sync, sibling_temp>(fs));
}

crash_workload three_edits_of_a_commented_file() {
    crash_workload w;
    w.setup = [](memory_fs& fs) {
        (void)fs.make_directory("/work", 0755);
        (void)fs.make_directory("/work/project", 0755);
        (void)atomic_file<memory_fs, no_sync, sibling_temp>(fs).replace(crash_local,
                                                                        commented_original);
    };
    w.steps.emplace_back([](memory_fs& fs) {
        return commented_store_on(fs).set(scope::local, "/theme", "dark").has_value();
    });
    w.steps.emplace_back([](memory_fs& fs) {
        return commented_store_on(fs).add_unique(scope::local, "/providers", "b").has_value();
    });
    w.steps.emplace_back([](memory_fs& fs) {
        return commented_store_on(fs).erase(scope::local, "/tabs").has_value();
    });
    return w;
}

/// The bytes of the commented file after each step of the workload, on a
/// machine that does not crash: [0] before the first.
std::vector<std::string> commented_versions() {
    memory_fs fs;
    auto w = three_edits_of_a_commented_file();
    w.setup(fs);
    std::vector<std::string> versions{commented_original};
    for (auto& step : w.steps) {
        BOOST_TEST_REQUIRE(step(fs));
        versions.push_back(*detail::read_whole_file(fs, crash_local));
    }
    return versions;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(settings_store_crashes)

BOOST_AUTO_TEST_CASE_TEMPLATE(set_under_full_sync_leaves_old_or_new_settings, Naming,
                              naming_policies) {
    crash_check check;
    check.power_loss = holds_old_or_new_settings;
    check.process_crash = holds_old_or_new_settings;
    auto const report = run_crash_check(two_sets<full_sync, Naming>(), check);
    BOOST_TEST_MESSAGE("settings_store, full_sync + " << Naming::name << ": " << report.summary());
    BOOST_TEST((report.step_results == std::vector{true, true}));
    BOOST_TEST(report.crash_points >= 6u);
    BOOST_TEST(report.violation_count == 0u, report.summary() << "\n" << report.first_violations());
}

// The control: under no_sync the same invariant breaks (a rename can reach
// the disk before the data it renames), so the check above can fail.
BOOST_AUTO_TEST_CASE(control_set_under_no_sync_breaks_the_promise) {
    crash_check check;
    check.power_loss = holds_old_or_new_settings;
    check.kept_violations = 1;
    auto const report = run_crash_check(two_sets<no_sync, sibling_temp>(), check);
    BOOST_TEST(report.violation_count > 0u,
               "no_sync kept full_sync's promise: " << report.summary());
    if (!report.violations.empty()) {
        BOOST_TEST_MESSAGE("control: under no_sync "
                           << report.violation_count << " of " << report.power_loss_images
                           << " images break it, e.g. " << report.violations.front().why);
    }
}

// Editing a commented file keeps its comments through every crash: the file
// holds, byte for byte, the old or the new version, and each version keeps
// every comment.
BOOST_AUTO_TEST_CASE(edits_of_a_commented_file_leave_old_or_new_bytes) {
    auto const versions = commented_versions();
    for (auto const& v : versions) {
        for (auto const* comment : {"// Project settings, edited by hand.\r\n", "/* keep four */"})
            BOOST_TEST(v.find(comment) != std::string::npos, v);
    }
    BOOST_TEST(versions.back() ==
               "// Project settings, edited by hand.\r\n"
               "{\r\n"
               "\t\"theme\": \"dark\", // the default\r\n"
               "\t/* keep four */\r\n"
               "\t\"providers\": [\"a\", \"b\"]\r\n"
               "}\r\n");
    auto const old_or_new = [&](memory_fs& rebooted, crash_moment const& moment) -> std::string {
        auto const text = detail::read_whole_file(rebooted, crash_local);
        if (!text) return "the settings file cannot be read: " + text.error().message();
        auto const oldest = moment.completed;
        auto const newest = moment.completed + (moment.in_step ? 1 : 0);
        if (*text != versions[oldest] && *text != versions[newest]) return "unexpected " + *text;
        return {};
    };
    crash_check check;
    check.power_loss = old_or_new;
    check.process_crash = old_or_new;
    auto const report = run_crash_check(three_edits_of_a_commented_file(), check);
    BOOST_TEST((report.step_results == std::vector{true, true, true}));
    BOOST_TEST(report.violation_count == 0u, report.summary() << "\n" << report.first_violations());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
