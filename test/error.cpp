// The error model: stages, codes, messages, and the throwing wrapper.
#include <persist/error.hpp>

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <set>
#include <string>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(error_model)

BOOST_AUTO_TEST_CASE(message_names_stage_paths_and_cause) {
    error const e(stage::sync_temp, errno_code(EIO), "/a/b", "/a/.b.tmp-1-2-3");
    BOOST_TEST(e.message() ==
               "cannot sync temporary file '/a/.b.tmp-1-2-3' for '/a/b': Input/output error");
}

BOOST_AUTO_TEST_CASE(message_without_second_path) {
    BOOST_TEST(error(stage::read, errno_code(ENOENT), "/x").message() ==
               "cannot read '/x': No such file or directory");
    BOOST_TEST(error(stage::validate, errc::invalid_input, "", {}, "the path is empty").message() ==
               "refused '' (the path is empty): invalid input");
}

BOOST_AUTO_TEST_CASE(directory_sync_failure_says_the_content_is_in_place) {
    auto const m = error(stage::sync_directory, errno_code(EIO), "/a/b", "/a").message();
    BOOST_TEST(
        m ==
        "cannot sync directory '/a' after replacing '/a/b', which now holds the new content whose "
        "durability is unknown: Input/output error");
}

BOOST_AUTO_TEST_CASE(every_errc_has_its_own_message) {
    std::set<std::string> messages;
    for (int e = static_cast<int>(errc::invalid_input); e <= static_cast<int>(errc::no_migration);
         ++e) {
        auto const text = make_error_code(static_cast<errc>(e)).message();
        BOOST_TEST(text != "unknown persist error", "errc " << e);
        messages.insert(text);
    }
    BOOST_TEST(messages.size() == static_cast<std::size_t>(errc::no_migration));
    BOOST_TEST(make_error_code(errc::no_migration).message() == "no upgrade step for this version");
}

BOOST_AUTO_TEST_CASE(every_stage_has_a_name) {
    BOOST_TEST(to_string(stage::validate) == "validate");
    BOOST_TEST(to_string(stage::sync_directory) == "sync_directory");
    BOOST_TEST(to_string(stage::append) == "append");
}

BOOST_AUTO_TEST_CASE(errno_codes_compare_with_std_errc) {
    BOOST_TEST((errno_code(ENOSPC) == std::errc::no_space_on_device));
    BOOST_TEST(std::error_code(errc::corrupt_data) == make_error_code(errc::corrupt_data));
    BOOST_TEST(std::string(persist_category().name()) == "persist");
    BOOST_TEST(make_error_code(errc::corrupt_data).message() == "corrupt data");
}

BOOST_AUTO_TEST_CASE(value_throws_persist_exception) {
    result<int> const failed = error(stage::rename, errno_code(EXDEV), "/t", "/tmp/x");
    try {
        (void)failed.value();
        BOOST_FAIL("value() did not throw");
    } catch (exception const& e) {
        BOOST_TEST(e.error() == failed.error());
        BOOST_TEST((e.code() == std::errc::cross_device_link));
        BOOST_TEST(std::string(e.what()).find("cannot rename temporary file '/tmp/x' to '/t'") ==
                   0);
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
