// temp_dir: the temp lives in a chosen directory.
#include <persist/naming/temp_dir.hpp>

#include "support/fs_inspect.hpp"
#include "support/planting_fs.hpp"
#include "support/policy_matrix.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

namespace persist::test {

using namespace std::string_literals;

BOOST_AUTO_TEST_SUITE(temp_dir_naming)

BOOST_AUTO_TEST_CASE(temp_lives_in_the_chosen_directory) {
    temp_directory dir;
    std::filesystem::create_directory(dir / "tmp");
    std::filesystem::create_directory(dir / "data");
    atomic_file<posix_fs, full_sync, temp_dir> af(posix_fs{}, {}, temp_dir(dir / "tmp"));
    std::vector<std::string> temps_while_writing, data_while_writing;
    auto const replaced = af.replace_with(dir / "data" / "file", [&](sink& out) {
        out.write(std::string(100'000, 'd'));
        temps_while_writing = temp_files_in(posix_fs{}, dir / "tmp");
        data_while_writing = entries_of(posix_fs{}, dir / "data");
    });
    BOOST_TEST_REQUIRE(replaced.has_value());
    BOOST_TEST(temps_while_writing.size() == 1u);
    BOOST_TEST(data_while_writing.empty());
    BOOST_TEST(entries_of(posix_fs{}, dir / "tmp").empty());
    BOOST_TEST(entries_of(posix_fs{}, dir / "data") == std::vector{"file"s});
}

BOOST_AUTO_TEST_CASE(defaults_to_tmpdir_then_tmp) {
    char const* saved = std::getenv("TMPDIR");
    std::string const restore = saved ? saved : "";
    ::setenv("TMPDIR", "/var/tmp/persist-elsewhere", 1);
    BOOST_TEST(temp_dir().directory() == "/var/tmp/persist-elsewhere");
    ::setenv("TMPDIR", "", 1);
    BOOST_TEST(temp_dir().directory() == "/tmp");
    ::unsetenv("TMPDIR");
    BOOST_TEST(temp_dir().directory() == "/tmp");
    if (saved) ::setenv("TMPDIR", restore.c_str(), 1);
}

BOOST_AUTO_TEST_CASE(missing_temp_directory_is_a_create_temp_error) {
    temp_directory dir;
    atomic_file<posix_fs, full_sync, temp_dir> af(posix_fs{}, {}, temp_dir(dir / "no-such-dir"));
    auto const replaced = af.replace(dir / "file", "x");
    BOOST_TEST_REQUIRE(replaced.has_error());
    BOOST_TEST((replaced.error().stage() == stage::create_temp));
    BOOST_TEST(replaced.error().code() ==
               std::make_error_code(std::errc::no_such_file_or_directory));
    BOOST_TEST(replaced.error().other_path() == dir / "no-such-dir");
    BOOST_TEST(entries_of(posix_fs{}, dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(planted_symlinks_in_a_shared_directory_never_redirect_the_write) {
    temp_directory dir;
    auto const shared = dir / "shared";
    std::filesystem::create_directory(shared);
    std::filesystem::permissions(shared,
                                 std::filesystem::perms::all | std::filesystem::perms::sticky_bit);
    auto const victim = dir / "victim";
    atomic_file<posix_fs, no_sync, sibling_temp>{}.replace(victim, "untouched").value();

    atomic_file<planting_fs, full_sync, temp_dir> af(planting_fs(victim, 3), {}, temp_dir(shared));
    auto const target = dir / "target";
    BOOST_TEST_REQUIRE(af.replace(target, "secret").has_value());
    BOOST_TEST(af.fs().planted() == 3);
    BOOST_TEST(content_of(posix_fs{}, victim) == "untouched");
    BOOST_TEST(content_of(posix_fs{}, target) == "secret");
    BOOST_TEST(temp_files_in(posix_fs{}, shared).size() == 3u);  // only the attacker's links remain
    for (auto const& name : temp_files_in(posix_fs{}, shared)) {
        BOOST_TEST((std::filesystem::symlink_status(shared / name).type() ==
                    std::filesystem::file_type::symlink));
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
