// migrate_state: the upgrade chain on its own, then through state_file: a
// file two versions old loads and saves as the new version, a missing or
// failing step fails the load with the file untouched, and a newer file is
// refused byte for byte.
#include <persist/store/state_migration.hpp>

#include "support/fs_inspect.hpp"
#include "support/sample_session.hpp"
#include "support/temp_directory.hpp"

#include <persist/store/state_file.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace persist::test {

using namespace std::string_literals;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(state_migration)

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

BOOST_AUTO_TEST_CASE(runs_each_step_once_in_version_order_whatever_the_chain_order) {
    auto const chain = two_step_chain().migrations;  // listed 2->3, then 1->2
    auto const upgraded = migrate_state(json::parse(R"({"title": "t", "w": 7})"), 1, 3, chain);
    BOOST_TEST_REQUIRE(upgraded.has_value());
    BOOST_TEST(*upgraded == json::parse(R"({"name": "t", "main_window": {"width": 7}})"));
    auto const halfway = migrate_state(json::parse(R"({"title": "t", "w": 7})"), 1, 2, chain);
    BOOST_TEST(halfway.value() == json::parse(R"({"w": 7, "name": "t"})"));
    BOOST_TEST(migrate_state(json::value("as is"), 3, 3, {}).value() == json::value("as is"));
}

BOOST_AUTO_TEST_CASE(names_the_missing_or_failing_step_and_no_file) {
    auto chain = two_step_chain().migrations;
    auto const gap = migrate_state(json::object(), 0, 3, chain);
    BOOST_TEST_REQUIRE(gap.has_error());
    BOOST_TEST((gap.error().stage() == stage::parse));
    BOOST_TEST(gap.error().code() == make_error_code(errc::no_migration));
    BOOST_TEST(gap.error().detail() == "no migration from version 0 to 1");
    BOOST_TEST(gap.error().path().empty());

    chain[1].upgrade = [](json::value) -> result<json::value> {
        return error(stage::parse, errc::validation_failed, {}, {}, "");
    };
    auto const refused = migrate_state(json::object(), 1, 3, chain);
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().code() == make_error_code(errc::validation_failed));
    BOOST_TEST(refused.error().detail() == "migration from version 1 to 2 failed");
}

// Through state_file: the file is named, and nothing on disk changes.

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

}  // namespace persist::test
