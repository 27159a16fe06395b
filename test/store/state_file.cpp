// state_file: its contract over the policy matrix, then every recovery path,
// migrations, the lock, and a fault sweep on the real kernel.
#include <persist/store/state_file.hpp>

#include "support/crash_harness.hpp"
#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/no_sync.hpp>
#include <persist/fs/fault_fs.hpp>
#include <persist/fs/memory_fs.hpp>

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace state_test {

enum class activity { idle, editing, building };
BOOST_DESCRIBE_ENUM(activity, idle, editing, building)

struct window {
    int width = 800;
    int height = 600;
    friend bool operator==(window const&, window const&) = default;
};
BOOST_DESCRIBE_STRUCT(window, (), (width, height))

struct session {
    std::string name = "default";
    window main_window;
    std::vector<std::string> open_files;
    std::map<std::string, int> cursor_by_file;
    std::optional<std::string> last_error;
    activity current = activity::idle;
    std::uint64_t counter = 0;
    double zoom = 1.0;
    friend bool operator==(session const&, session const&) = default;
};
BOOST_DESCRIBE_STRUCT(session, (),
                      (name, main_window, open_files, cursor_by_file, last_error, current, counter,
                       zoom))

}  // namespace state_test

namespace persist::test {

using namespace state_test;
using namespace std::string_literals;
namespace json = boost::json;

namespace {

session sample(std::uint64_t n) {
    session s;
    s.name = "session " + std::to_string(n);
    s.main_window = {1000 + static_cast<int>(n), 700};
    s.open_files = {"/src/main.cpp", "/src/file" + std::to_string(n) + ".hpp"};
    s.cursor_by_file = {{"/src/main.cpp", static_cast<int>(n) * 10}};
    if (n % 2 == 1) s.last_error = "error " + std::to_string(n);
    s.current = activity::editing;
    s.counter = n;
    s.zoom = 1.5;
    return s;
}

constexpr std::string_view garbage = "{\"version\": 1, \"state\": {\"name\": \"torn\n";

std::chrono::system_clock::time_point fixed_time() {
    using namespace std::chrono;
    return sys_days(year(2026) / 11 / 21) + hours(21) + minutes(40) + seconds(3);
}

state_file_options fixed_clock_options(std::uint64_t version = 1) {
    state_file_options options;
    options.version = version;
    options.clock = fixed_time;
    return options;
}

/// The names in dir that start with prefix.
template <class Fs>
std::vector<std::string> entries_starting(Fs fs, std::filesystem::path const& dir,
                                          std::string_view prefix) {
    auto names = entries_of(fs, dir);
    std::erase_if(names, [&](std::string const& n) { return !n.starts_with(prefix); });
    return names;
}

/// Writes bytes at path as they are: what a foreign writer or a bad disk leaves.
template <class AtomicFile>
void plant(AtomicFile const& af, std::filesystem::path const& path, std::string_view bytes) {
    BOOST_TEST_REQUIRE(af.replace(path, bytes).has_value());
}

/// A directory with a state file that has been saved twice: the file holds
/// sample(2) and the backup sample(1).
struct saved_twice {
    temp_directory dir;
    std::filesystem::path file = dir / "state.json";
    std::filesystem::path backup = dir / "state.json.bak";
    std::string quarantine_name =
        "state.json" +
        detail::quarantine_suffix(std::chrono::floor<std::chrono::seconds>(fixed_time()), 0);
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    basic_state_file<session, atomic_file<posix_fs, full_sync, sibling_temp>> state{
        file, fixed_clock_options()};
    std::string file_bytes, backup_bytes;

    saved_twice() {
        BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
        BOOST_TEST_REQUIRE(state.save(sample(2)).has_value());
        file_bytes = content_of(posix_fs{}, file);
        backup_bytes = content_of(posix_fs{}, backup);
    }
    std::vector<std::string> entries() const { return entries_of(posix_fs{}, dir.path()); }
    std::string content(std::string const& name) const {
        return content_of(posix_fs{}, dir / name);
    }
};

}  // namespace

// ---------------------------------------------------------------------------
// The contract, on every cell of the policy matrix. Kept to two cases: each
// one instantiates the whole store once per cell.

BOOST_AUTO_TEST_SUITE(state_file_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(round_trips_and_keeps_the_previous_version_as_backup, Combo,
                              policy_matrix) {
    matrix_fixture<Combo> f;
    auto const file = f.env.root() / "app" / "state.json";
    basic_state_file<session, typename Combo::atomic_file_type> state(file, {}, f.make());

    auto first = state.load();
    BOOST_TEST_REQUIRE(first.has_value());
    BOOST_TEST((first->report.outcome == load_outcome::missing));
    BOOST_TEST((first->state == session{}));

    BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
    BOOST_TEST(mode_of(f.env.fs, file) == 0600u);
    auto const saved_first = content_of(f.env.fs, file);
    BOOST_TEST_REQUIRE(state.save(sample(2)).has_value());
    BOOST_TEST(content_of(f.env.fs, state.backup_file()) == saved_first);

    auto second = state.load();
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST((second->report.outcome == load_outcome::loaded));
    BOOST_TEST((second->state == sample(2)));
    BOOST_TEST(second->report.source == file);

    auto updated = state.update([](session& s) { s.counter += 40; });
    BOOST_TEST_REQUIRE(updated.has_value());
    BOOST_TEST(state.load()->state.counter == 42u);
    BOOST_TEST((entries_of(f.env.fs, file.parent_path()) ==
                std::vector{"state.json"s, "state.json.bak"s, "state.json.lock"s}));
    BOOST_TEST(temp_files_in(f.env.fs, f.env.temp_root()).empty());
}

BOOST_AUTO_TEST_CASE_TEMPLATE(quarantines_a_corrupt_file_and_restores_the_backup, Combo,
                              policy_matrix) {
    matrix_fixture<Combo> f;
    auto const file = f.env.root() / "state.json";
    auto const raw = f.make();
    basic_state_file<session, typename Combo::atomic_file_type> state(file, {}, raw);
    BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
    BOOST_TEST_REQUIRE(state.save(sample(2)).has_value());
    auto const backup_bytes = content_of(f.env.fs, state.backup_file());
    plant(raw, file, garbage);

    auto recovered = state.load();
    BOOST_TEST_REQUIRE(recovered.has_value());
    BOOST_TEST((recovered->report.outcome == load_outcome::recovered_from_backup));
    BOOST_TEST((recovered->state == sample(1)));
    BOOST_TEST_REQUIRE(recovered->report.quarantined.size() == 1u);
    auto const& moved = recovered->report.quarantined[0];
    BOOST_TEST(content_of(f.env.fs, moved.to) == garbage);
    BOOST_TEST(content_of(f.env.fs, file) == backup_bytes);
    BOOST_TEST(content_of(f.env.fs, state.backup_file()) == backup_bytes);
    BOOST_TEST(entries_starting(f.env.fs, f.env.root(), "state.json.corrupt-").size() == 1u);
    BOOST_TEST(temp_files_in(f.env.fs, f.env.root()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(state_file_behaviour)

BOOST_AUTO_TEST_CASE(saves_the_documented_document) {
    temp_directory dir;
    state_file<window> state(dir / "w.json", fixed_clock_options(3));
    BOOST_TEST_REQUIRE(state.save(window{1024, 768}).has_value());
    BOOST_TEST(content_of(posix_fs{}, dir / "w.json") ==
               "{\n"
               "  \"version\": 3,\n"
               "  \"last_updated\": \"2026-11-21T21:40:03Z\",\n"
               "  \"state\": {\n"
               "    \"width\": 1024,\n"
               "    \"height\": 768\n"
               "  }\n"
               "}\n");
    BOOST_TEST(
        (state.last_updated().value() == std::chrono::floor<std::chrono::seconds>(fixed_time())));
    auto const loaded_back = state.load().value();
    BOOST_TEST((loaded_back.report.last_updated ==
                std::chrono::floor<std::chrono::seconds>(fixed_time())));
    BOOST_TEST(loaded_back.report.summary() ==
               "loaded '" + (dir / "w.json").string() + "' (saved 2026-11-21T21:40:03Z)");
}

BOOST_AUTO_TEST_CASE(round_trips_nested_containers_optionals_and_enums) {
    temp_directory dir;
    state_file<session> state(dir / "s.json");
    for (std::uint64_t n : {1u, 2u}) {  // with and without the optional
        BOOST_TEST_REQUIRE(state.save(sample(n)).has_value());
        BOOST_TEST((state.load().value().state == sample(n)));
    }
    auto const text = content_of(posix_fs{}, dir / "s.json");
    BOOST_TEST(text.find("\"current\": \"editing\"") != std::string::npos, text);
    BOOST_TEST(text.find("\"last_error\": null") != std::string::npos, text);
}

BOOST_AUTO_TEST_CASE(missing_field_takes_its_default_and_unknown_field_is_tolerated) {
    temp_directory dir;
    auto const file = dir / "s.json";
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    plant(raw, file, R"({"version": 1, "added_later": true, "state": {
        "name": "old", "main_window": {"height": 900, "dpi": 2}, "plugin_data": [1, 2]}})");
    auto const loaded_state = state_file<session>(file).load();
    BOOST_TEST_REQUIRE(loaded_state.has_value());
    session expected;
    expected.name = "old";
    expected.main_window.height = 900;
    BOOST_TEST((loaded_state->state == expected));
    BOOST_TEST((loaded_state->report.outcome == load_outcome::loaded));
    BOOST_TEST(!loaded_state->report.last_updated.has_value());
}

BOOST_AUTO_TEST_CASE(type_mismatch_is_an_error_naming_the_field_and_touches_nothing) {
    temp_directory dir;
    auto const file = dir / "s.json";
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    auto const text = R"({"version": 1, "state": {"main_window": {"width": "wide"}}})"s;
    plant(raw, file, text);
    auto const loaded_state = state_file<session>(file).load();
    BOOST_TEST_REQUIRE(loaded_state.has_error());
    BOOST_TEST((loaded_state.error().stage() == stage::parse));
    BOOST_TEST(loaded_state.error().code() == make_error_code(errc::type_mismatch));
    BOOST_TEST(loaded_state.error().path() == file);
    BOOST_TEST(
        loaded_state.error().detail().starts_with("state.main_window.width: expected integer"));
    BOOST_TEST(content_of(posix_fs{}, file) == text);
    BOOST_TEST(entries_of(posix_fs{}, dir.path()) == std::vector{"s.json"s});
}

BOOST_AUTO_TEST_CASE(save_refuses_values_json_cannot_hold) {
    temp_directory dir;
    state_file<session> state(dir / "s.json");
    BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
    auto const before = content_of(posix_fs{}, dir / "s.json");
    session bad = sample(2);
    bad.zoom = std::numeric_limits<double>::quiet_NaN();
    auto const refused = state.save(bad);
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST((refused.error().stage() == stage::validate));
    BOOST_TEST(refused.error().code() == make_error_code(errc::invalid_input));
    BOOST_TEST(refused.error().detail() ==
               "state.zoom: NaN and infinity cannot be written as JSON");
    bad = sample(2);
    bad.open_files[1] = "caf\xe9.txt";
    BOOST_TEST(state.save(bad).error().detail() ==
               "state.open_files[1]: string is not valid UTF-8");
    BOOST_TEST(content_of(posix_fs{}, dir / "s.json") == before);
    BOOST_TEST(entries_of(posix_fs{}, dir.path()) == std::vector{"s.json"s});
}

BOOST_AUTO_TEST_CASE(last_updated_reports_missing_and_corrupt_files) {
    temp_directory dir;
    state_file<session> state(dir / "s.json");
    auto const missing = state.last_updated();
    BOOST_TEST_REQUIRE(missing.has_error());
    BOOST_TEST((missing.error().stage() == stage::read));
    BOOST_TEST(missing.error().code() ==
               std::make_error_code(std::errc::no_such_file_or_directory));
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    plant(raw, dir / "s.json", garbage);
    auto const corrupt = state.last_updated();
    BOOST_TEST_REQUIRE(corrupt.has_error());
    BOOST_TEST(corrupt.error().code() == make_error_code(errc::corrupt_data));
    BOOST_TEST(corrupt.error().detail().starts_with("line 1, column 39"), corrupt.error().detail());
    plant(raw, dir / "s.json", R"({"version": 1, "last_updated": "yesterday", "state": {}})");
    BOOST_TEST(state.last_updated().error().detail().starts_with(
        "\"last_updated\" is missing or not a UTC time"));
    BOOST_TEST(entries_of(posix_fs{}, dir.path()) ==
               std::vector{"s.json"s});  // nothing quarantined
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// Every recovery path, asserting what is left on disk.

BOOST_AUTO_TEST_SUITE(state_file_recovery)

BOOST_AUTO_TEST_CASE(corrupt_file_with_good_backup_is_quarantined_and_the_backup_put_back) {
    saved_twice s;
    plant(s.raw, s.file, garbage);
    auto const recovered = s.state.load();
    BOOST_TEST_REQUIRE(recovered.has_value());
    auto const& report = recovered->report;
    BOOST_TEST((report.outcome == load_outcome::recovered_from_backup));
    BOOST_TEST((recovered->state == sample(1)));
    BOOST_TEST(report.source == s.backup);
    BOOST_TEST_REQUIRE(report.quarantined.size() == 1u);
    BOOST_TEST(report.quarantined[0].from == s.file);
    BOOST_TEST(report.quarantined[0].to == s.dir / s.quarantine_name);
    BOOST_TEST(report.quarantined[0].reason.starts_with("line 1, column 39"),
               report.quarantined[0].reason);
    BOOST_TEST(s.content(s.quarantine_name) == garbage);  // the bytes, unchanged
    BOOST_TEST(s.content("state.json") == s.backup_bytes);
    BOOST_TEST(s.content("state.json.bak") == s.backup_bytes);
    BOOST_TEST((s.entries() == std::vector{"state.json"s, "state.json.bak"s, s.quarantine_name,
                                           "state.json.lock"s}));
    BOOST_TEST(report.summary().find("recovered from the backup") == 0, report.summary());
    BOOST_TEST(report.summary().find("line 1, column 39") != std::string::npos, report.summary());

    // The next load reads the restored file as is.
    BOOST_TEST((s.state.load()->report.outcome == load_outcome::loaded));
}

BOOST_AUTO_TEST_CASE(corrupt_file_and_corrupt_backup_are_both_quarantined_and_defaults_used) {
    saved_twice s;
    plant(s.raw, s.file, garbage);
    plant(s.raw, s.backup, "");  // empty: what a power cut can leave under no_sync
    auto const recovered = s.state.load();
    BOOST_TEST_REQUIRE(recovered.has_value());
    auto const& report = recovered->report;
    BOOST_TEST((report.outcome == load_outcome::corrupt_used_defaults));
    BOOST_TEST((recovered->state == session{}));
    BOOST_TEST(report.source.empty());
    BOOST_TEST_REQUIRE(report.quarantined.size() == 2u);
    BOOST_TEST(report.quarantined[1].from == s.backup);
    BOOST_TEST(report.quarantined[1].reason.starts_with("line 1, column 1"),
               report.quarantined[1].reason);
    auto const backup_quarantine =
        "state.json.bak" + s.quarantine_name.substr("state.json"s.size());
    BOOST_TEST(s.content(s.quarantine_name) == garbage);
    BOOST_TEST(s.content(backup_quarantine) == "");
    BOOST_TEST(
        (s.entries() == std::vector{backup_quarantine, s.quarantine_name, "state.json.lock"s}));
}

BOOST_AUTO_TEST_CASE(corrupt_file_without_backup_is_quarantined_and_defaults_used) {
    temp_directory dir;
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    // Valid JSON, but not a state document.
    plant(raw, dir / "state.json", R"({"state": {"name": "no version"}})");
    auto const recovered = state_file<session>(dir / "state.json", fixed_clock_options()).load();
    BOOST_TEST_REQUIRE(recovered.has_value());
    BOOST_TEST((recovered->report.outcome == load_outcome::corrupt_used_defaults));
    BOOST_TEST_REQUIRE(recovered->report.quarantined.size() == 1u);
    BOOST_TEST(recovered->report.quarantined[0].reason == "\"version\" is missing");
    auto const quarantined = entries_starting(posix_fs{}, dir.path(), "state.json.corrupt-");
    BOOST_TEST_REQUIRE(quarantined.size() == 1u);
    BOOST_TEST(content_of(posix_fs{}, dir / quarantined[0]) ==
               R"({"state": {"name": "no version"}})");
    BOOST_TEST(!posix_fs{}.stat(dir / "state.json"));
}

BOOST_AUTO_TEST_CASE(each_broken_envelope_is_corrupt_with_its_reason) {
    struct broken {
        std::string text;
        std::string reason;
    };
    broken const cases[] = {
        {"", "line 1, column 1: "},
        {"[1, 2]", "the document is not a JSON object"},
        {R"({"version": 0, "state": {}})", "\"version\" is not a positive integer"},
        {R"({"version": -3, "state": {}})", "\"version\" is not a positive integer"},
        {R"({"version": "2", "state": {}})", "\"version\" is not a positive integer"},
        {R"({"version": 1.5, "state": {}})", "\"version\" is not a positive integer"},
        {R"({"version": 1})", "\"state\" is missing"},
        {R"({"version": 1, "state": {}} trailing)", "line 1, column 29: extra data"},
    };
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT("document '" << c.text << "'") {
            temp_directory dir;
            atomic_file<posix_fs, no_sync, sibling_temp> raw;
            plant(raw, dir / "s.json", c.text);
            auto const loaded_state = state_file<session>(dir / "s.json").load();
            BOOST_TEST_REQUIRE(loaded_state.has_value());
            BOOST_TEST((loaded_state->report.outcome == load_outcome::corrupt_used_defaults));
            BOOST_TEST_REQUIRE(loaded_state->report.quarantined.size() == 1u);
            BOOST_TEST(loaded_state->report.quarantined[0].reason.starts_with(c.reason),
                       loaded_state->report.quarantined[0].reason);
        }
    }
}

BOOST_AUTO_TEST_CASE(last_updated_accepts_only_real_utc_times) {
    using namespace std::chrono;
    struct stamp {
        std::string text;
        std::optional<sys_seconds> time;
    };
    stamp const cases[] = {
        {"2024-02-29T23:59:59Z",
         sys_days(year(2024) / 2 / 29) + hours(23) + minutes(59) + seconds(59)},
        {"1970-01-01T00:00:00Z", sys_seconds{}},
        {"2023-02-29T00:00:00Z", std::nullopt},
        {"2026-11-21T24:00:00Z", std::nullopt},
        {"2026-11-21T21:60:00Z", std::nullopt},
        {"2026-11-21 21:40:03Z", std::nullopt},
        {"2026-11-21T21:40:03+01:00", std::nullopt},
        {"2026-11-21T21:40:03", std::nullopt},
    };
    temp_directory dir;
    atomic_file<posix_fs, no_sync, sibling_temp> raw;
    state_file<session> state(dir / "s.json");
    for (auto const& c : cases) {
        BOOST_TEST_CONTEXT("last_updated '" << c.text << "'") {
            plant(raw, dir / "s.json",
                  R"({"version": 1, "last_updated": ")" + c.text + R"(", "state": {}})");
            auto const read = state.last_updated();
            BOOST_TEST(read.has_value() == c.time.has_value());
            if (read && c.time) BOOST_TEST((*read == *c.time));
            if (c.time) BOOST_TEST(detail::format_utc_time(*c.time) == c.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(quarantine_adds_a_counter_when_the_name_is_taken) {
    saved_twice s;
    plant(s.raw, s.dir / s.quarantine_name, "an earlier quarantine");
    plant(s.raw, s.dir / (s.quarantine_name + "-1"), "and another");
    plant(s.raw, s.file, garbage);
    auto const recovered = s.state.load();
    BOOST_TEST_REQUIRE(recovered.has_value());
    BOOST_TEST(recovered->report.quarantined[0].to == s.dir / (s.quarantine_name + "-2"));
    BOOST_TEST(s.content(s.quarantine_name) == "an earlier quarantine");
    BOOST_TEST(s.content(s.quarantine_name + "-1") == "and another");
    BOOST_TEST(s.content(s.quarantine_name + "-2") == garbage);
}

BOOST_AUTO_TEST_CASE(quarantine_renames_where_hard_links_are_refused) {
    saved_twice s;
    plant(s.raw, s.file, garbage);
    // FAT and some FUSE filesystems refuse link(2) with EPERM.
    fault_fs<posix_fs> no_links;
    no_links.arm(fault{fs_op::link, 1, errno_code(EPERM), true});
    basic_state_file<session, atomic_file<fault_fs<posix_fs>, full_sync, sibling_temp>> state(
        s.file, fixed_clock_options(),
        atomic_file<fault_fs<posix_fs>, full_sync, sibling_temp>(no_links));
    auto const recovered = state.load();
    BOOST_TEST_REQUIRE(recovered.has_value());
    BOOST_TEST((recovered->report.outcome == load_outcome::recovered_from_backup));
    BOOST_TEST(no_links.injected() == 1u);
    BOOST_TEST(s.content(s.quarantine_name) == garbage);
    BOOST_TEST(s.content("state.json") == s.backup_bytes);
    BOOST_TEST(s.content("state.json.bak") == s.backup_bytes);
}

BOOST_AUTO_TEST_CASE(save_over_a_corrupt_file_keeps_the_good_backup) {
    saved_twice s;
    plant(s.raw, s.file, garbage);
    BOOST_TEST_REQUIRE(s.state.save(sample(3)).has_value());    // no load() first
    BOOST_TEST(s.content("state.json.bak") == s.backup_bytes);  // not the garbage
    BOOST_TEST(s.content(s.quarantine_name) == garbage);
    BOOST_TEST((s.state.load()->state == sample(3)));
    BOOST_TEST_REQUIRE(s.state.save(sample(4)).has_value());
    BOOST_TEST(s.content("state.json.bak").find("\"session 3\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unusable_backup_of_a_newer_version_refuses_and_touches_nothing) {
    saved_twice s;
    plant(s.raw, s.backup, R"({"version": 9, "state": {}})");
    plant(s.raw, s.file, garbage);
    auto const before = s.entries();
    auto const refused = s.state.load();
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::version_too_new));
    BOOST_TEST(refused.error().path() == s.backup);
    BOOST_TEST(s.content("state.json") == garbage);
    BOOST_TEST(s.content("state.json.bak") == R"({"version": 9, "state": {}})");
    auto after = s.entries();
    std::erase(after, "state.json.lock"s);
    BOOST_TEST(after == before);
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(state_file_migration)

namespace {

// Version 1 stored {"title": ..., "w": ...}; version 2 renamed title to name;
// version 3 moved w into main_window.width.
state_file_options two_step_chain() {
    state_file_options options = fixed_clock_options(3);
    options.migrations.push_back({2, [](json::value state) -> result<json::value> {
                                      auto& object = state.as_object();
                                      object["main_window"] = {{"width", object["w"]}};
                                      object.erase("w");
                                      return state;
                                  }});
    options.migrations.push_back({1, [](json::value state) -> result<json::value> {
                                      auto& object = state.as_object();
                                      object["name"] = object["title"];
                                      object.erase("title");
                                      return state;
                                  }});
    return options;
}

constexpr std::string_view version_1 =
    R"({"version": 1, "last_updated": "2020-01-02T03:04:05Z", "state": {"title": "legacy", "w": 1280}})";

}  // namespace

BOOST_AUTO_TEST_CASE(migrates_version_1_to_3_through_two_steps) {
    temp_directory dir;
    auto const file = dir / "s.json";
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    plant(raw, file, version_1);
    state_file<session> state(file, two_step_chain());
    auto const migrated = state.load();
    BOOST_TEST_REQUIRE(migrated.has_value());
    BOOST_TEST(migrated->state.name == "legacy");
    BOOST_TEST(migrated->state.main_window.width == 1280);
    BOOST_TEST(migrated->state.main_window.height == 600);
    BOOST_TEST((migrated->report.outcome == load_outcome::loaded));
    BOOST_TEST(migrated->report.migrated_from.value() == 1u);
    BOOST_TEST(migrated->report.summary().ends_with("migrated from version 1"),
               migrated->report.summary());
    BOOST_TEST(content_of(posix_fs{}, file) == version_1);  // load does not rewrite

    // The next save writes version 3 and keeps the version 1 file as the backup.
    BOOST_TEST_REQUIRE(state.save(migrated->state).has_value());
    BOOST_TEST(content_of(posix_fs{}, file).starts_with("{\n  \"version\": 3,"));
    BOOST_TEST(content_of(posix_fs{}, dir / "s.json.bak") == version_1);
}

BOOST_AUTO_TEST_CASE(a_missing_or_failing_step_is_an_error_and_touches_nothing) {
    temp_directory dir;
    auto const file = dir / "s.json";
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    plant(raw, file, version_1);

    auto options = two_step_chain();
    options.migrations.pop_back();  // no step from version 1
    auto const missing = state_file<session>(file, options).load();
    BOOST_TEST_REQUIRE(missing.has_error());
    BOOST_TEST(missing.error().code() == make_error_code(errc::no_migration));
    BOOST_TEST(missing.error().detail() == "no migration from version 1 to 2");

    options = two_step_chain();
    options.migrations[0].upgrade = [](json::value) -> result<json::value> {
        return error(stage::parse, errc::validation_failed, {}, {}, "w must be positive");
    };
    auto const refused = state_file<session>(file, options).load();
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::validation_failed));
    BOOST_TEST(refused.error().detail() ==
               "migration from version 2 to 3 failed: w must be positive");
    BOOST_TEST(content_of(posix_fs{}, file) == version_1);
    BOOST_TEST(entries_of(posix_fs{}, dir.path()) == std::vector{"s.json"s});
}

BOOST_AUTO_TEST_CASE(a_future_version_is_refused_and_left_byte_for_byte) {
    temp_directory dir;
    auto const file = dir / "s.json";
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    auto const future =
        R"({"version": 4, "state": {"name": "from the future", "hologram": true}})"s;
    plant(raw, file, future);
    auto const status_before = posix_fs{}.stat(file).value();
    state_file<session> state(file, two_step_chain());

    auto const loaded_state = state.load();
    BOOST_TEST_REQUIRE(loaded_state.has_error());
    BOOST_TEST((loaded_state.error().stage() == stage::parse));
    BOOST_TEST(loaded_state.error().code() == make_error_code(errc::version_too_new));
    BOOST_TEST(loaded_state.error().detail() == "version 4 is newer than this program's version 3");
    BOOST_TEST(loaded_state.error().message().find("written by a newer version") !=
               std::string::npos);

    auto const saved = state.save(sample(1));
    BOOST_TEST_REQUIRE(saved.has_error());
    BOOST_TEST(saved.error().code() == make_error_code(errc::version_too_new));
    BOOST_TEST(state.update([](session&) {}).error().code() ==
               make_error_code(errc::version_too_new));

    BOOST_TEST(content_of(posix_fs{}, file) == future);
    BOOST_TEST((posix_fs{}.stat(file).value() == status_before));  // same inode, size, mtime
    auto names = entries_of(posix_fs{}, dir.path());
    std::erase(names, "s.json.lock"s);
    BOOST_TEST(names == std::vector{"s.json"s});
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(state_file_update)

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
        pid_t const pid = ::fork();
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
    pid_t const reader = ::fork();
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
    children.push_back(reader);
    for (pid_t const child : children) {
        int status = 0;
        BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
        BOOST_TEST((WIFEXITED(status) && WEXITSTATUS(status) == 0),
                   "child " << child << " status " << status);
    }
    auto const final_state = fast_state(file).load();
    BOOST_TEST_REQUIRE(final_state.has_value());
    BOOST_TEST(final_state->state.counter == std::uint64_t{writers * rounds});
}

BOOST_AUTO_TEST_CASE(a_refused_or_throwing_update_saves_nothing) {
    temp_directory dir;
    state_file<session> state(dir / "s.json");
    BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
    auto const before = content_of(posix_fs{}, dir / "s.json");
    auto const refused = state.update([](session& s) -> result<void> {
        s.counter = 99;
        return error(stage::validate, errc::validation_failed, {}, {}, "counter too high");
    });
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::validation_failed));
    BOOST_CHECK_THROW((void)state.update([](session&) { throw std::runtime_error("gave up"); }),
                      std::runtime_error);
    BOOST_TEST(content_of(posix_fs{}, dir / "s.json") == before);

    auto const accepted = state.update([](session& s) -> result<void> {
        s.counter = 7;
        return {};
    });
    BOOST_TEST_REQUIRE(accepted.has_value());
    BOOST_TEST(accepted->state.counter == 7u);
    BOOST_TEST(content_of(posix_fs{}, dir / "s.json.bak") == before);
}

BOOST_AUTO_TEST_CASE(update_recovers_first_then_applies_the_change) {
    temp_directory dir;
    auto const file = dir / "s.json";
    atomic_file<posix_fs, full_sync, sibling_temp> raw;
    state_file<session> state(file);
    BOOST_TEST_REQUIRE(state.save(sample(1)).has_value());
    BOOST_TEST_REQUIRE(state.save(sample(2)).has_value());
    plant(raw, file, garbage);
    auto const updated = state.update([](session& s) { s.counter += 100; });
    BOOST_TEST_REQUIRE(updated.has_value());
    BOOST_TEST((updated->report.outcome == load_outcome::recovered_from_backup));
    BOOST_TEST(updated->state.counter == 101u);
    BOOST_TEST(state.load()->state.counter == 101u);
    BOOST_TEST(content_of(posix_fs{}, file.string() + ".bak").find("\"session 1\"") !=
               std::string::npos);
    auto const quarantined = entries_starting(posix_fs{}, dir.path(), "s.json.corrupt-");
    BOOST_TEST_REQUIRE(quarantined.size() == 1u);
    BOOST_TEST(content_of(posix_fs{}, dir / quarantined[0]) == garbage);
}

BOOST_AUTO_TEST_SUITE_END()

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
