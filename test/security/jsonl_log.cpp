// jsonl_log against an attacker who can write into its directory (README,
// "Security"): what is planted at `<log>.lock`, `<log>.torn-*` and the
// rotation names `<log>.N` is never followed, blocked on or written
// through; under symlink_mode::replace neither is the log's own name.
#include <persist/store/jsonl_log.hpp>

#include "support/planted_names.hpp"
#include "support/settings_files.hpp"

#include <persist/detail/utc_time.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/fs/fs_decorator.hpp>

#include <boost/json/value.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <memory>

namespace persist::test {
namespace {

/// posix_fs with an attacker who wins the race at the torn-tail name: right
/// after persist found `<log>.torn-*` free, it plants there.
class racing_planter : public fs_decorator<racing_planter, posix_fs> {
public:
    racing_planter(planted_names const& names, plant_kind what) : names_(&names), what_(what) {}

    io_result<file_status> lstat(std::filesystem::path const& p) {
        auto status = inner_.lstat(p);
        if (!*planted_ && !status && p.filename().string().find(".torn-") != std::string::npos) {
            names_->put(what_, p);
            *planted_ = true;
        }
        return status;
    }
    bool planted() const { return *planted_; }

private:
    planted_names const* names_;
    plant_kind what_;
    std::shared_ptr<bool> planted_ = std::make_shared<bool>(false);  // shared by copies
};

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_log_security)

BOOST_AUTO_TEST_CASE(a_plant_at_the_lock_name_fails_open_and_append,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<log>.lock", [&](plant_kind what, planted_names const& names) {
        auto const log_path = names.dir() / "s.jsonl";
        auto const lock = names.dir() / "s.jsonl.lock";
        auto log = jsonl_log::open(log_path);
        BOOST_TEST_REQUIRE(log.has_value());
        std::filesystem::remove(lock);  // the attacker swaps the lock file for the plant
        names.put(what, lock);
        auto appended = log->append(1);
        BOOST_TEST_REQUIRE(appended.has_error());
        BOOST_TEST((appended.error().stage() == stage::lock));
        BOOST_TEST(appended.error().other_path() == lock);
        auto reopened = jsonl_log::open(log_path);
        BOOST_TEST_REQUIRE(reopened.has_error());
        BOOST_TEST((reopened.error().stage() == stage::lock));
        BOOST_TEST(on_disk(log_path).empty());
        BOOST_TEST(planted_names::still_planted(what, lock));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(plants_at_the_next_torn_names_are_stepped_around,
                     *boost::unit_test::timeout(60)) {
    for_each_plant(
        "<log>.torn-<each of the next seconds>", [&](plant_kind what, planted_names const& names) {
            auto const log_path = names.dir() / "s.jsonl";
            write_by_hand(log_path, "1\n{\"torn");
            std::vector<std::filesystem::path> planted;
            auto const now = detail::utc_now();
            for (int second = 0; second < 5; ++second) {
                planted.push_back(
                    log_path.string() + ".torn-" +
                    detail::format_utc_time_for_file_name(now + std::chrono::seconds(second)));
                names.put(what, planted.back());
            }
            auto log = jsonl_log::open(log_path);
            BOOST_TEST_REQUIRE(log.has_value(), log.error().message());
            auto const& quarantine = log->recovery().quarantine_path;
            BOOST_TEST((std::find(planted.begin(), planted.end(), quarantine) == planted.end()));
            BOOST_TEST(on_disk(quarantine) == "{\"torn");
            BOOST_TEST(on_disk(log_path) == "1\n");
            for (auto const& p : planted)
                BOOST_TEST(planted_names::still_planted(what, p));
            names.check_outside_untouched();
        });
}

BOOST_AUTO_TEST_CASE(a_plant_that_wins_the_race_at_the_torn_name_is_replaced,
                     *boost::unit_test::timeout(60)) {
    using racing_log = basic_jsonl_log<atomic_file<racing_planter, no_sync, sibling_temp>>;
    for_each_plant("planted after the torn name was found free", [&](plant_kind what,
                                                                     planted_names const& names) {
        auto const log_path = names.dir() / "s.jsonl";
        write_by_hand(log_path, "1\n{\"torn");
        racing_planter fs(names, what);
        auto log =
            racing_log::open(log_path, {}, atomic_file<racing_planter, no_sync, sibling_temp>(fs));
        BOOST_TEST_REQUIRE(log.has_value(), log.error().message());
        auto const& quarantine = log->recovery().quarantine_path;
        BOOST_TEST(fs.planted());
        BOOST_TEST(std::filesystem::is_regular_file(std::filesystem::symlink_status(quarantine)));
        BOOST_TEST(on_disk(quarantine) == "{\"torn");
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(a_plant_at_the_next_rotation_name_is_stepped_around,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("<log>.1", [&](plant_kind what, planted_names const& names) {
        auto const log_path = names.dir() / "s.jsonl";
        auto const first = names.dir() / "s.jsonl.1";
        auto log = jsonl_log::open(log_path);
        BOOST_TEST_REQUIRE(log.has_value());
        BOOST_TEST_REQUIRE(log->append(1).has_value());
        names.put(what, first);
        auto rotated = log->rotate();
        BOOST_TEST_REQUIRE(rotated.has_value(), rotated.error().message());
        BOOST_TEST(*rotated == names.dir() / "s.jsonl.2");
        BOOST_TEST(on_disk(*rotated) == "1\n");
        BOOST_TEST(planted_names::still_planted(what, first));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(under_symlink_mode_replace_the_log_name_itself_is_never_followed,
                     *boost::unit_test::timeout(60)) {
    atomic_file_options options;
    options.symlinks = symlink_mode::replace;
    for_each_plant("the log's own name", [&](plant_kind what, planted_names const& names) {
        auto const log_path = names.dir() / "s.jsonl";
        names.put(what, log_path);
        auto log = jsonl_log::open(log_path, {}, jsonl_log::atomic_file_type(posix_fs{}, options));
        BOOST_TEST_REQUIRE(log.has_error());
        auto const expected = what == plant_kind::fifo
                                  ? make_error_code(errc::not_regular_file)
                                  : std::make_error_code(std::errc::too_many_symbolic_link_levels);
        BOOST_TEST(log.error().code() == expected, log.error().message());
        BOOST_TEST(planted_names::still_planted(what, log_path));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
