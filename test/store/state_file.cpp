// state_file: its contract over the store matrix, then its behaviour, every
// recovery path and update. Migrations are in test/store/state_migration.cpp,
// faults and crashes in test/crash/state_file.cpp, processes updating at
// once and what a state_file knows of its file in
// test/concurrency/state_file.cpp.
#include <persist/store/state_file.hpp>

#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"
#include "support/sample_session.hpp"
#include "support/settings_files.hpp"
#include "support/stale_temps.hpp"
#include "support/temp_directory.hpp"

#include <persist/durability/no_sync.hpp>
#include <persist/testing/fault_fs.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace persist::test {

using namespace std::string_literals;
namespace json = boost::json;

namespace {

/// A directory with a state file that has been saved twice: the file holds
/// sample(2) and the backup sample(1).
struct saved_twice {
    temp_directory dir;
    std::filesystem::path file = dir / "state.json";
    std::filesystem::path backup = dir / "state.json.bak";
    std::string quarantine_name =
        "state.json" + detail::quarantine_suffix(
                           "corrupt", std::chrono::floor<std::chrono::seconds>(fixed_time()), 0);
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
// The contract, on every cell of the store matrix. Kept to two cases: each
// one instantiates the whole store once per cell.

BOOST_AUTO_TEST_SUITE(state_file_contract)

BOOST_AUTO_TEST_CASE_TEMPLATE(round_trips_and_keeps_the_previous_version_as_backup, Combo,
                              store_matrix) {
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
                              store_matrix) {
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
    // The lock file is the first save's: save() takes the lock (never removed).
    BOOST_TEST(entries_of(posix_fs{}, dir.path()) == (std::vector{"s.json"s, "s.json.lock"s}));
}

BOOST_AUTO_TEST_CASE(deep_state_loads_back_and_deeper_state_is_refused) {
    // The document holds the state one level down, so the state may nest
    // one level less than parse_json reads. Before, save() wrote what the
    // next load() quarantined as corrupt (parse_json stopped at 32 levels).
    temp_directory dir;
    state_file<json::value> state(dir / "s.json");
    auto in_array = [](json::value v) {
        json::array wrapper;  // not json::array{v}: clang and g++ pick different constructors
        wrapper.push_back(std::move(v));
        return json::value(std::move(wrapper));
    };
    json::value deepest = 1;
    for (std::size_t level = 1; level < json_max_depth; ++level)
        deepest = in_array(deepest);
    BOOST_TEST_REQUIRE(state.save(deepest).has_value());
    auto const loaded = state.load();
    BOOST_TEST_REQUIRE(loaded.has_value());
    BOOST_TEST((loaded->report.outcome == load_outcome::loaded));
    BOOST_TEST(loaded->state == deepest);

    auto const before = content_of(posix_fs{}, dir / "s.json");
    auto const refused = state.save(in_array(deepest));
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::invalid_input));
    BOOST_TEST(refused.error().detail() == "state: nesting is deeper than 127");
    BOOST_TEST(content_of(posix_fs{}, dir / "s.json") == before);
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
    BOOST_TEST(s.entries() == before);  // the lock file is the saves'; load() made nothing
}

BOOST_AUTO_TEST_SUITE_END()

// ---------------------------------------------------------------------------
// save() recognises the version it last wrote or loaded (README, "state_file
// save cost"): one stat(2) for a settled version, a read without a parse for
// a racy one, the full check for any other. Each foreign change below must be
// caught; each skip must really skip.

BOOST_AUTO_TEST_SUITE(state_file_update)

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

BOOST_AUTO_TEST_SUITE(state_file_stale_temps)

BOOST_AUTO_TEST_CASE(constructor_removes_only_stale_temps_unless_told_not_to) {
    temp_directory dir;
    pid_t const gone = dead_pid();
    auto const stale = dir / temp_name_for(gone, "state.json");
    auto const stale_backup = dir / temp_name_for(gone, "state.json.bak");
    auto const live = dir / temp_name_for(::getpid(), "state.json");
    auto const young = dir / temp_name_for(gone, "young.json");
    auto const lookalike = dir / (".state.json.tmp-" + std::to_string(gone) + "-backup");
    for (auto const& p : {stale, stale_backup, live, lookalike})
        plant_leftover(p);
    plant_leftover(young, 0);

    auto keep = fixed_clock_options();
    keep.stale_temps.enabled = false;
    { state_file<session> const untouched(dir / "state.json", keep); }
    BOOST_TEST(std::filesystem::exists(stale));

    state_file<session> const state(dir / "state.json");
    BOOST_TEST(!std::filesystem::exists(stale));
    BOOST_TEST(!std::filesystem::exists(stale_backup));
    for (auto const& p : {live, young, lookalike})
        BOOST_TEST(content_of(posix_fs{}, p) == "leftover", p);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
