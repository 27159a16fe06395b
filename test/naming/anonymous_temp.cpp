// anonymous_temp: O_TMPFILE until complete, with a fallback to sibling_temp.
#include <persist/naming/anonymous_temp.hpp>

#include "support/fs_inspect.hpp"
#include "support/policy_matrix.hpp"

#include <persist/fs/fs_decorator.hpp>

#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

using namespace std::string_literals;

/// posix_fs whose O_TMPFILE fails with a chosen errno, as on filesystems and
/// kernels without it.
class no_tmpfile_fs : public fs_decorator<no_tmpfile_fs, posix_fs> {
public:
    explicit no_tmpfile_fs(std::errc refusal) : refusal_(refusal) {}

private:
    friend class fs_decorator<no_tmpfile_fs, posix_fs>;
    std::optional<std::error_code> intercept(fs_op op) {
        if (op == fs_op::create_anonymous) return std::make_error_code(refusal_);
        return std::nullopt;
    }
    std::errc refusal_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(anonymous_temp_naming)

BOOST_AUTO_TEST_CASE(nothing_visible_while_writing) {
    temp_directory dir;
    atomic_file<posix_fs, full_sync, anonymous_temp> af;
    auto const target = dir / "state";
    af.replace(target, "old").value();
    std::vector<std::string> seen_while_writing;
    auto const replaced = af.replace_with(target, [&](sink& out) {
        out.write(std::string(200'000, 'x'));  // beyond the sink's buffer: really on disk
        seen_while_writing = entries_of(posix_fs{}, dir.path());
    });
    BOOST_TEST_REQUIRE(replaced.has_value());
    BOOST_TEST(seen_while_writing == std::vector{"state"s});
    BOOST_TEST(entries_of(posix_fs{}, dir.path()) == std::vector{"state"s});
    BOOST_TEST(content_of(posix_fs{}, target).size() == 200'000u);
}

BOOST_AUTO_TEST_CASE(falls_back_to_a_sibling_temp_where_unsupported) {
    for (auto const refusal : {std::errc::operation_not_supported, std::errc::is_a_directory,
                               std::errc::invalid_argument}) {
        BOOST_TEST_CONTEXT("O_TMPFILE refused with " << std::make_error_code(refusal).message()) {
            temp_directory dir;
            atomic_file<no_tmpfile_fs, full_sync, anonymous_temp> af(no_tmpfile_fs{refusal});
            std::vector<std::string> seen_while_writing;
            auto const replaced = af.replace_with(dir / "state", [&](sink& out) {
                out.write(std::string(200'000, 'x'));
                seen_while_writing = temp_files_in(posix_fs{}, dir.path());
            });
            BOOST_TEST_REQUIRE(replaced.has_value());
            BOOST_TEST(seen_while_writing.size() == 1u);  // the sibling temp
            BOOST_TEST(entries_of(posix_fs{}, dir.path()) == std::vector{"state"s});
        }
    }
}

BOOST_AUTO_TEST_CASE(other_errors_are_reported_not_masked) {
    temp_directory dir;
    atomic_file<no_tmpfile_fs, full_sync, anonymous_temp> af(
        no_tmpfile_fs{std::errc::permission_denied});
    auto const replaced = af.replace(dir / "state", "x");
    BOOST_TEST_REQUIRE(replaced.has_error());
    BOOST_TEST((replaced.error().stage() == stage::create_temp));
    BOOST_TEST(replaced.error().code() == std::make_error_code(std::errc::permission_denied));
    BOOST_TEST(replaced.error().other_path() == dir.path());
    BOOST_TEST(entries_of(posix_fs{}, dir.path()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
