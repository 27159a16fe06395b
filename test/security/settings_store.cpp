// settings_store against an attacker who can write into its directory
// (README, "Security"): what is planted at `<file>.lock` and `<file>.bak`
// is never followed, opened so as to block, or written through.
#include <persist/store/settings_store.hpp>

#include "support/planted_names.hpp"
#include "support/settings_files.hpp"

#include <boost/test/unit_test.hpp>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(settings_store_security)

BOOST_AUTO_TEST_CASE(a_plant_at_the_lock_name_fails_the_write_and_creates_nothing,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<file>.lock", [&](plant_kind what, planted_names const& names) {
        auto const global = names.dir() / "g.json";
        auto const lock = names.dir() / "g.json.lock";
        names.put(what, lock);
        settings_store store(global, names.dir() / "l.json");
        auto const set = store.set(settings_scope::global, "/a", 1);
        BOOST_TEST_REQUIRE(set.has_error());
        BOOST_TEST((set.error().stage() == stage::lock));
        BOOST_TEST(set.error().path() == global);
        BOOST_TEST(set.error().other_path() == lock);
        if (what == plant_kind::fifo) {
            BOOST_TEST(set.error().code() == make_error_code(errc::not_regular_file));
            BOOST_TEST(set.error().message().find("a FIFO, device or socket is at the lock "
                                                  "file's name") != std::string::npos,
                       set.error().message());
        } else {
            BOOST_TEST((set.error().code() == std::errc::too_many_symbolic_link_levels));
            BOOST_TEST(set.error().message().find("a symbolic link is at the lock file's "
                                                  "name") != std::string::npos,
                       set.error().message());
        }
        BOOST_TEST(!std::filesystem::exists(std::filesystem::symlink_status(global)));
        BOOST_TEST(planted_names::still_planted(what, lock));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(a_plant_at_the_backup_name_is_replaced_not_written_through,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<file>.bak", [&](plant_kind what, planted_names const& names) {
        auto const global = names.dir() / "g.json";
        auto const backup = names.dir() / "g.json.bak";
        atomic_file_options with_backup;
        with_backup.keep_backup = true;
        settings_store store(global, names.dir() / "l.json", {}, with_backup);
        BOOST_TEST_REQUIRE(store.set(settings_scope::global, "/a", 1).has_value());
        names.put(what, backup);
        BOOST_TEST_REQUIRE(store.set(settings_scope::global, "/a", 2).has_value());
        BOOST_TEST(std::filesystem::is_regular_file(std::filesystem::symlink_status(backup)));
        std::ifstream in(backup);
        std::string const kept{std::istreambuf_iterator<char>(in), {}};
        BOOST_TEST(kept == "{\n  \"a\": 1\n}\n");
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
