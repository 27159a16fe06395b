// The front door: write_file, write_file_with and read_file, with the
// default policies and no template arguments.
#include <persist/default_file.hpp>

#include "support/fs_inspect.hpp"
#include "support/temp_directory.hpp"

#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <string>
#include <vector>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(default_file)

BOOST_AUTO_TEST_CASE(write_file_replaces_the_content_and_leaves_no_temp) {
    temp_directory dir;
    auto const file = dir / "sub" / "settings.json";
    BOOST_TEST_REQUIRE(write_file(file, "{}\n").has_value());
    BOOST_TEST(content_of(posix_fs{}, file) == "{}\n");
    BOOST_TEST_REQUIRE(write_file(file, "{\"a\":1}\n").has_value());
    BOOST_TEST(content_of(posix_fs{}, file) == "{\"a\":1}\n");
    BOOST_TEST(entries_of(posix_fs{}, dir / "sub") == std::vector<std::string>{"settings.json"});
    BOOST_TEST(read_file(file).value() == "{\"a\":1}\n");
}

BOOST_AUTO_TEST_CASE(write_file_takes_atomic_file_options) {
    temp_directory dir;
    auto const file = dir / "state";
    atomic_file_options options;
    options.keep_backup = true;
    options.new_file_mode = 0640;
    BOOST_TEST_REQUIRE(write_file(file, "v1", options).has_value());
    BOOST_TEST_REQUIRE(write_file(file, "v2", options).has_value());
    BOOST_TEST(content_of(posix_fs{}, file) == "v2");
    BOOST_TEST(content_of(posix_fs{}, dir / "state.bak") == "v1");
    struct ::stat st {};
    BOOST_TEST_REQUIRE(::stat(file.c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0640u);
}

BOOST_AUTO_TEST_CASE(write_file_with_streams_and_a_failing_writer_changes_nothing) {
    temp_directory dir;
    auto const file = dir / "log.jsonl";
    auto streamed = write_file_with(file, [](sink& out) {
        for (int i = 0; i < 3; ++i)
            out.write(std::to_string(i) + "\n");
    });
    BOOST_TEST_REQUIRE(streamed.has_value());
    BOOST_TEST(content_of(posix_fs{}, file) == "0\n1\n2\n");
    auto refused = write_file_with(file, [](sink& out) {
        out.write("partial");
        return std::make_error_code(std::errc::operation_canceled);
    });
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST((refused.error().stage() == stage::write_temp));
    BOOST_TEST(content_of(posix_fs{}, file) == "0\n1\n2\n");
    BOOST_TEST(temp_files_in(posix_fs{}, dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(errors_name_the_stage_and_the_path) {
    temp_directory dir;
    auto const written = write_file(dir.path(), "x");
    BOOST_TEST_REQUIRE(written.has_error());
    BOOST_TEST((written.error().stage() == stage::validate));
    BOOST_TEST(written.error().code() == std::make_error_code(std::errc::is_a_directory));
    auto const missing = dir / "missing";
    auto const read = read_file(missing);
    BOOST_TEST_REQUIRE(read.has_error());
    BOOST_TEST((read.error().stage() == stage::read));
    BOOST_TEST(read.error().code() == std::make_error_code(std::errc::no_such_file_or_directory));
    BOOST_TEST(read.error().path() == missing);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
