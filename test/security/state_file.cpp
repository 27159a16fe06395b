// state_file against an attacker who can write into its directory (README,
// "Security"): what is planted at `<file>.lock`, `<file>.bak` and the
// quarantine names is never followed, read through, blocked on or written
// through, and a planted backup is never taken for the state.
#include <persist/store/state_file.hpp>

#include "support/planted_names.hpp"
#include "support/sample_session.hpp"
#include "support/settings_files.hpp"

#include <boost/describe/class.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>

namespace persist::test {
namespace {

/// What the victim outside holds: a state a followed link would hand over.
struct secret_state {
    int secret = 0;
};
BOOST_DESCRIBE_STRUCT(secret_state, (), (secret))

using secret_file = basic_state_file<secret_state>;

}  // namespace

BOOST_AUTO_TEST_SUITE(state_file_security)

BOOST_AUTO_TEST_CASE(a_plant_at_the_lock_name_fails_update_and_recovery,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<file>.lock", [&](plant_kind what, planted_names const& names) {
        auto const file = names.dir() / "s.json";
        auto const lock = names.dir() / "s.json.lock";
        names.put(what, lock);
        secret_file state(file, fixed_clock_options());
        auto updated = state.update([](secret_state& s) { s.secret = 1; });
        BOOST_TEST_REQUIRE(updated.has_error());
        BOOST_TEST((updated.error().stage() == stage::lock));
        BOOST_TEST(updated.error().other_path() == lock);
        BOOST_TEST(!std::filesystem::exists(std::filesystem::symlink_status(file)));
        // Recovery of a corrupt file takes the lock too: it fails, and
        // the corrupt file stays where it is.
        write_by_hand(file, "{torn");
        auto loaded = state.load();
        BOOST_TEST_REQUIRE(loaded.has_error());
        BOOST_TEST((loaded.error().stage() == stage::lock));
        BOOST_TEST(on_disk(file) == "{torn");
        BOOST_TEST(planted_names::still_planted(what, lock));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(a_plant_at_the_backup_name_is_replaced_on_save,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<file>.bak", [&](plant_kind what, planted_names const& names) {
        auto const file = names.dir() / "s.json";
        auto const backup = names.dir() / "s.json.bak";
        secret_file state(file, fixed_clock_options());
        BOOST_TEST_REQUIRE(state.save({1}).has_value());
        auto const first = on_disk(file);
        names.put(what, backup);
        BOOST_TEST_REQUIRE(state.save({2}).has_value());
        BOOST_TEST(std::filesystem::is_regular_file(std::filesystem::symlink_status(backup)));
        BOOST_TEST(on_disk(backup) == first);
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(a_plant_at_the_backup_name_is_never_restored_from,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<file>.bak, <file> corrupt", [&](plant_kind what, planted_names const& names) {
        auto const file = names.dir() / "s.json";
        auto const backup = names.dir() / "s.json.bak";
        write_by_hand(file, "{torn");
        names.put(what, backup);
        secret_file state(file, fixed_clock_options());
        auto loaded = state.load();
        BOOST_TEST_REQUIRE(loaded.has_value(), loaded.error().message());
        BOOST_TEST((loaded->report.outcome == load_outcome::corrupt_used_defaults));
        BOOST_TEST(loaded->state.secret == 0);  // not the victim's 42
        BOOST_TEST(loaded->report.source.empty());
        // Both moved aside: the corrupt file and the plant, as it was.
        BOOST_TEST_REQUIRE(loaded->report.quarantined.size() == 2u);
        auto const& moved_plant = loaded->report.quarantined[1];
        BOOST_TEST(moved_plant.from == backup);
        BOOST_TEST(moved_plant.reason.find("is at the backup's name") != std::string::npos,
                   moved_plant.reason);
        BOOST_TEST(planted_names::still_planted(what, moved_plant.to));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(a_plant_at_the_quarantine_name_is_stepped_around,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<file>.corrupt-<time>", [&](plant_kind what, planted_names const& names) {
        auto const file = names.dir() / "s.json";
        auto const taken =
            names.dir() /
            ("s.json" + detail::quarantine_suffix(
                            "corrupt", std::chrono::floor<std::chrono::seconds>(fixed_time()), 0));
        write_by_hand(file, "{torn");
        names.put(what, taken);
        secret_file state(file, fixed_clock_options());
        auto loaded = state.load();
        BOOST_TEST_REQUIRE(loaded.has_value(), loaded.error().message());
        BOOST_TEST_REQUIRE(loaded->report.quarantined.size() == 1u);
        auto const& moved = loaded->report.quarantined[0];
        BOOST_TEST(moved.to != taken);
        BOOST_TEST(on_disk(moved.to) == "{torn");
        BOOST_TEST(planted_names::still_planted(what, taken));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
