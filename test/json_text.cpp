#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(json_text)

BOOST_AUTO_TEST_CASE(formats_with_two_space_indent_and_trailing_newline) {
    auto const v = boost::json::parse(R"({"b":1,"a":{"x":[1,"two",{}],"y":[]},"s":"q\"\n"})");
    BOOST_TEST(format_json(v) ==
               "{\n"
               "  \"b\": 1,\n"
               "  \"a\": {\n"
               "    \"x\": [\n"
               "      1,\n"
               "      \"two\",\n"
               "      {}\n"
               "    ],\n"
               "    \"y\": []\n"
               "  },\n"
               "  \"s\": \"q\\\"\\n\"\n"
               "}\n");
    BOOST_TEST(boost::json::parse(format_json(v)) == v);
    BOOST_TEST(format_json(boost::json::value(nullptr)) == "null\n");
}

BOOST_AUTO_TEST_CASE(parse_error_names_line_and_column) {
    auto const parsed = parse_json("{\n  \"a\": 1,\n  \"b\": tru\n}\n", "/etc/app.json");
    BOOST_TEST_REQUIRE(parsed.has_error());
    BOOST_TEST((parsed.error().stage() == stage::parse));
    BOOST_TEST(parsed.error().code() == make_error_code(errc::corrupt_data));
    BOOST_TEST(parsed.error().path() == "/etc/app.json");
    BOOST_TEST(parsed.error().detail().rfind("line 3, column 8", 0) == 0, parsed.error().detail());
    BOOST_TEST(parsed.error().message().find("cannot parse '/etc/app.json' (line 3") == 0, parsed.error().message());
}

BOOST_AUTO_TEST_CASE(truncated_document_points_at_its_end) {
    auto const parsed = parse_json("{\"a\": [1, 2", "f");
    BOOST_TEST_REQUIRE(parsed.has_error());
    BOOST_TEST(parsed.error().detail().rfind("line 1, column 12", 0) == 0, parsed.error().detail());
}

BOOST_AUTO_TEST_CASE(position_of_counts_lines_and_bytes) {
    BOOST_TEST(position_of("ab\ncd", 0).line == 1u);
    BOOST_TEST(position_of("ab\ncd", 4).line == 2u);
    BOOST_TEST(position_of("ab\ncd", 4).column == 2u);
    BOOST_TEST(position_of("ab", 99).column == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
