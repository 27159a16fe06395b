#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>

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
    BOOST_TEST(parsed.error().message().find("cannot parse '/etc/app.json' (line 3") == 0,
               parsed.error().message());
}

BOOST_AUTO_TEST_CASE(truncated_document_points_at_its_end) {
    auto const parsed = parse_json("{\"a\": [1, 2", "f");
    BOOST_TEST_REQUIRE(parsed.has_error());
    BOOST_TEST(parsed.error().detail().rfind("line 1, column 12", 0) == 0, parsed.error().detail());
}

BOOST_AUTO_TEST_CASE(extra_data_points_at_its_first_byte) {
    for (auto const& [text, where] :
         {std::pair{"{\"a\":1} x", "line 1, column 9"}, std::pair{"{\"a\":1}x", "line 1, column 8"},
          std::pair{"[1]\n  2", "line 2, column 3"}}) {
        auto const parsed = parse_json(text, "f");
        BOOST_TEST_REQUIRE(parsed.has_error());
        BOOST_TEST(parsed.error().detail().rfind(where, 0) == 0, parsed.error().detail());
    }
}

BOOST_AUTO_TEST_CASE(position_of_counts_lines_and_bytes) {
    BOOST_TEST(position_of("ab\ncd", 0).line == 1u);
    BOOST_TEST(position_of("ab\ncd", 4).line == 2u);
    BOOST_TEST(position_of("ab\ncd", 4).column == 2u);
    BOOST_TEST(position_of("ab", 99).column == 3u);
}

BOOST_AUTO_TEST_CASE(finds_values_json_text_cannot_hold) {
    namespace json = boost::json;
    json::value v =
        json::parse(R"({"ok": [1, 2.5, "\u00e9\ud83d\ude00"], "tabs": [{}, {"title": "x"}]})");
    BOOST_TEST(!find_unrepresentable(v, "state").has_value());
    BOOST_TEST(parse_json(format_json(v), "f").value() == v);

    v.as_object()["tabs"].as_array()[1].as_object()["title"] = std::string("caf\xe9");  // Latin-1
    BOOST_TEST(find_unrepresentable(v, "state").value() ==
               "state.tabs[1].title: string is not valid UTF-8");
    BOOST_TEST(parse_json(format_json(v), "f").has_error());  // why it matters

    json::value nan = {{"a b", {{"x", std::numeric_limits<double>::quiet_NaN()}}}};
    BOOST_TEST(find_unrepresentable(nan).value() ==
               R"(["a b"].x: NaN and infinity cannot be written as JSON)");
    BOOST_TEST(
        find_unrepresentable(json::value(-std::numeric_limits<double>::infinity())).value() ==
        "NaN and infinity cannot be written as JSON");

    json::object bad_key;
    bad_key[std::string("\xc0\xaf")] = 1;  // an overlong '/'
    BOOST_TEST(find_unrepresentable(bad_key).has_value());
}

BOOST_AUTO_TEST_CASE(nesting_limit_is_the_one_parse_json_reads) {
    // Found by the settings fuzzer: parse_json used Boost.JSON's default
    // depth, 32, while find_unrepresentable had no limit, so a settings
    // store wrote a 33-level document (set with a long pointer) and then
    // refused to read its own file.
    namespace json = boost::json;
    auto objects_nested = [](std::size_t depth) {
        json::value v = 1;
        for (std::size_t i = 0; i < depth; ++i) {
            json::object wrapper;
            wrapper["k"] = std::move(v);
            v = std::move(wrapper);
        }
        return v;
    };
    auto const deepest = objects_nested(json_max_depth);
    BOOST_TEST(!find_unrepresentable(deepest).has_value());
    BOOST_TEST(parse_json(format_json(deepest), "f").value() == deepest);

    auto const too_deep = objects_nested(json_max_depth + 1);
    BOOST_TEST(find_unrepresentable(too_deep, "root").value() ==
               "root: nesting is deeper than 128");
    BOOST_TEST(find_unrepresentable(too_deep).value() == "nesting is deeper than 128");
    auto const refused = parse_json(format_json(too_deep), "f");
    BOOST_TEST_REQUIRE(refused.has_error());
    BOOST_TEST(refused.error().detail().ends_with("too deep"));

    // Written one level down (state_file's "state"), one level less fits.
    BOOST_TEST(find_unrepresentable(deepest, "state", 1).value() ==
               "state: nesting is deeper than 127");
    BOOST_TEST(!find_unrepresentable(objects_nested(json_max_depth - 1), "state", 1).has_value());
}

BOOST_AUTO_TEST_CASE(utf8_check_matches_the_parser) {
    // Each byte sequence inside a JSON string: find_unrepresentable and the
    // parser must agree on whether it is valid.
    std::string const sequences[] = {
        "a",
        "\xc3\xa9",
        "\xe2\x82\xac",
        "\xf0\x9f\x98\x80",
        "\xf4\x8f\xbf\xbf",
        "\xc0\x80",
        "\xc1\xbf",
        "\xe0\x9f\xbf",
        "\xed\xa0\x80",
        "\xf0\x8f\xbf\xbf",
        "\xf4\x90\x80\x80",
        "\xf5\x80\x80\x80",
        "\x80",
        "\xc3",
        "\xe2\x82",
        "\xff",
        "\xed\x9f\xbf",
    };
    for (auto const& bytes : sequences) {
        bool const parses = parse_json("\"" + bytes + "\"", "f").has_value();
        bool const representable =
            !find_unrepresentable(boost::json::value(boost::json::string(bytes))).has_value();
        BOOST_TEST(parses == representable,
                   "bytes of length " << bytes.size() << " starting " << int(bytes[0] & 0xff));
    }
}

// What parse_json does with numbers today, pinned on every Boost from 1.81 to
// 1.88 alike: it uses Boost.JSON's default (imprecise) number mode, which 1.83
// and later keep, so their precise mode changes nothing here. A long
// mantissa can read one ulp low, a too large number reads as infinity and
// "0e400" as NaN (README, settings_store, "Not guaranteed").
BOOST_AUTO_TEST_CASE(reads_numbers_as_boost_json_default_mode_does_on_every_version) {
    // The shortest form of 0x1.f23d4cdb2e431p+156, which format_json writes.
    auto const long_mantissa = parse_json("1.7777777777777777E47", "n.json");
    BOOST_TEST_REQUIRE(long_mantissa.has_value());
    BOOST_TEST(long_mantissa->as_double() == std::nextafter(1.7777777777777777E47, 0.0));

    auto const huge = parse_json("1e999", "n.json");
    BOOST_TEST_REQUIRE(huge.has_value());
    BOOST_TEST(huge->as_double() == std::numeric_limits<double>::infinity());

    auto const zero_huge_exponent = parse_json("0e400", "n.json");
    BOOST_TEST_REQUIRE(zero_huge_exponent.has_value());
    BOOST_TEST(std::isnan(zero_huge_exponent->as_double()));

    auto const short_form = parse_json("0.85", "n.json");
    BOOST_TEST_REQUIRE(short_form.has_value());
    BOOST_TEST(short_form->as_double() == 0.85);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
