// sibling_temp: named, exclusive, private temp files next to the target.
#include <persist/naming/sibling_temp.hpp>

#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"

#include "support/planting_fs.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <regex>

namespace persist::test {
namespace {

using namespace std::string_literals;

}  // namespace

BOOST_AUTO_TEST_SUITE(sibling_temp_naming)

BOOST_AUTO_TEST_CASE(temp_is_a_private_dot_file_beside_the_target) {
    temp_directory dir;
    posix_fs fs;
    auto const target = dir / "settings.json";
    auto created = sibling_temp{}.create(fs, target);
    BOOST_TEST_REQUIRE(created.has_value());
    std::regex const shape(R"(\.settings\.json\.tmp-(\d+)-\d+-[0-9a-f]{16})");
    std::smatch parts;
    auto const name = created->path.filename().string();
    BOOST_TEST_REQUIRE(std::regex_match(name, parts, shape), name);
    BOOST_TEST(std::stoi(parts[1]) == ::getpid());
    BOOST_TEST(created->path.parent_path() == dir.path());
    BOOST_TEST(mode_of(fs, created->path) == 0600u);
    BOOST_TEST(fs.close(created->handle).has_value());

    auto second = sibling_temp{}.create(fs, target);
    BOOST_TEST_REQUIRE(second.has_value());
    BOOST_TEST(second->path != created->path);
    BOOST_TEST(fs.close(second->handle).has_value());
}

BOOST_AUTO_TEST_CASE(long_names_stay_within_name_max) {
    temp_directory dir;
    atomic_file<posix_fs, no_sync, sibling_temp> af;
    auto const target = dir / std::string(250, 'n');
    BOOST_TEST_REQUIRE(af.replace(target, "fits").has_value());
    BOOST_TEST(content_of(posix_fs{}, target) == "fits");
}

BOOST_AUTO_TEST_CASE(planted_symlinks_are_never_followed) {
    temp_directory dir;
    auto const victim = dir / "victim";
    atomic_file<posix_fs, no_sync, sibling_temp>{}.replace(victim, "untouched").value();
    atomic_file<planting_fs, full_sync, sibling_temp> af(planting_fs(victim, 3));
    auto const target = dir / "target";
    BOOST_TEST_REQUIRE(af.replace(target, "secret").has_value());
    BOOST_TEST(af.fs().planted() == 3);
    BOOST_TEST(content_of(posix_fs{}, victim) == "untouched");
    BOOST_TEST(content_of(posix_fs{}, target) == "secret");
}

BOOST_AUTO_TEST_CASE(gives_up_when_every_name_is_taken) {
    temp_directory dir;
    auto const victim = dir / "victim";
    atomic_file<posix_fs, no_sync, sibling_temp>{}.replace(victim, "untouched").value();
    atomic_file<planting_fs, no_sync, sibling_temp> af(planting_fs(victim, 1000));
    auto const replaced = af.replace(dir / "target", "x");
    BOOST_TEST_REQUIRE(replaced.has_error());
    BOOST_TEST((replaced.error().stage() == stage::create_temp));
    BOOST_TEST(replaced.error().code() == std::make_error_code(std::errc::file_exists));
    BOOST_TEST(content_of(posix_fs{}, victim) == "untouched");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
