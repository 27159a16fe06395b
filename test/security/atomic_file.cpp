// atomic_file against an attacker who can write into the target's directory
// (README, "Security"): a plant at `<file>.bak` is replaced, never written
// through; under symlink_mode::replace no link at the target is followed,
// for reads either.
#include <persist/atomic_file.hpp>

#include "support/planted_names.hpp"
#include "support/settings_files.hpp"

#include <persist/durability/full_sync.hpp>
#include <persist/fs/posix_fs.hpp>
#include <persist/naming/sibling_temp.hpp>

#include <boost/test/unit_test.hpp>

#include <fstream>

namespace persist::test {
namespace {

using default_file = atomic_file<posix_fs, full_sync, sibling_temp>;

}  // namespace

BOOST_AUTO_TEST_SUITE(atomic_file_security)

BOOST_AUTO_TEST_CASE(a_plant_at_the_backup_name_is_replaced_not_written_through,
                     *boost::unit_test::timeout(60)) {
    atomic_file_options options;
    options.keep_backup = true;
    default_file const af(posix_fs{}, options);
    for_each_plant("<file>.bak", [&](plant_kind what, planted_names const& names) {
        auto const file = names.dir() / "f";
        auto const backup = names.dir() / "f.bak";
        BOOST_TEST_REQUIRE(af.replace(file, "old").has_value());
        names.put(what, backup);
        BOOST_TEST_REQUIRE(af.replace(file, "new").has_value());
        BOOST_TEST(std::filesystem::is_regular_file(std::filesystem::symlink_status(backup)));
        BOOST_TEST(on_disk(backup) == "old");
        BOOST_TEST(on_disk(file) == "new");
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(under_symlink_mode_replace_a_link_at_the_target_is_never_read_through,
                     *boost::unit_test::timeout(60)) {
    atomic_file_options options;
    options.symlinks = symlink_mode::replace;
    default_file const af(posix_fs{}, options);
    for_each_plant("the target", [&](plant_kind what, planted_names const& names) {
        auto const file = names.dir() / "f";
        names.put(what, file);
        auto const read = af.read(file);
        BOOST_TEST_REQUIRE(read.has_error());
        BOOST_TEST((read.error().stage() == stage::read));
        auto const expected = what == plant_kind::fifo
                                  ? make_error_code(errc::not_regular_file)
                                  : std::make_error_code(std::errc::too_many_symbolic_link_levels);
        BOOST_TEST(read.error().code() == expected, read.error().message());
        // The default reads the caller's file through its link.
        if (what == plant_kind::link_to_outside_file)
            BOOST_TEST(default_file().read(file).value() == planted_names::victim_content);
        BOOST_TEST_REQUIRE(af.replace(file, "own").has_value());
        BOOST_TEST(on_disk(file) == "own");
        BOOST_TEST(!planted_names::still_planted(what, file));
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_CASE(a_name_persist_owns_is_read_only_as_a_regular_file,
                     *boost::unit_test::timeout(60)) {
    for_each_plant("read as a name persist owns", [&](plant_kind what, planted_names const& names) {
        auto const name = names.dir() / "f.bak";
        names.put(what, name);
        auto const read = default_file().read(name, name_owner::persist);
        BOOST_TEST_REQUIRE(read.has_error());
        BOOST_TEST(read.error().path() == name);
        names.check_outside_untouched();
    });
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
