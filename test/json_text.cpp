#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
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

BOOST_AUTO_TEST_CASE(malformed_at_names_file_line_and_column) {
    auto const e = malformed_at("{\n  x", 4, "/etc/app.json", "syntax error");
    BOOST_TEST((e.stage() == stage::parse));
    BOOST_TEST(e.code() == make_error_code(errc::corrupt_data));
    BOOST_TEST(e.path() == "/etc/app.json");
    BOOST_TEST(e.detail() == "line 2, column 3: syntax error");
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

// Doubles as a person writes them, and each the shortest text that reads
// back as the same bits.
BOOST_AUTO_TEST_CASE(writes_doubles_plainly_and_shortest) {
    struct written {
        double value;
        std::string_view text;
    };
    written const cases[] = {
        {0.85, "0.85"},
        {1.5, "1.5"},
        {100.0, "100.0"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {-2.5, "-2.5"},
        {0.1, "0.1"},
        {0.000001, "0.000001"},
        {1e-7, "1e-7"},
        {1.5e300, "1.5e+300"},
        {-1.25e-300, "-1.25e-300"},
        {1e20, "100000000000000000000.0"},
        {1e21, "1e+21"},
        {123456789012345678.0, "123456789012345680.0"},
        {0.9424502837770503, "0.9424502837770503"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {1e23, "1e+23"},
        {12.375, "12.375"},
    };
    for (auto const& c : cases) {
        std::string out = "x";
        append_json_double(out, c.value);
        BOOST_TEST(out.substr(1) == c.text);
        auto const back = parse_json(out.substr(1), "n.json");
        BOOST_TEST_REQUIRE(back.has_value(), c.text);
        BOOST_TEST_REQUIRE(back->is_double(), c.text << " reads back as a double");
        BOOST_TEST(std::bit_cast<std::uint64_t>(back->get_double()) ==
                   std::bit_cast<std::uint64_t>(c.value));
    }
}

BOOST_AUTO_TEST_CASE(formats_numbers_plainly_in_both_layouts) {
    auto const v = *parse_json(
        R"({"scale":1.5,"opacity":0.85,"zoom":100.0,"n":100,"big":18446744073709551615})",
        "v.json");
    BOOST_TEST(format_json(v) ==
               "{\n"
               "  \"scale\": 1.5,\n"
               "  \"opacity\": 0.85,\n"
               "  \"zoom\": 100.0,\n"
               "  \"n\": 100,\n"
               "  \"big\": 18446744073709551615\n"
               "}\n");
    BOOST_TEST(format_json_line(v) ==
               R"({"scale":1.5,"opacity":0.85,"zoom":100.0,"n":100,"big":18446744073709551615})");
    BOOST_TEST(format_json_line(*parse_json(R"([{}, [], "a\"b", null, true, -0.0])", "v.json")) ==
               R"([{},[],"a\"b",null,true,-0.0])");
}

BOOST_AUTO_TEST_CASE(jsonc_takes_comments_trailing_commas_and_a_byte_order_mark) {
    std::string const text =
        std::string(utf8_byte_order_mark) +
        "// settings\r\n{\r\n  \"a\": 1, /* one */\r\n  \"b\": [true,],\r\n}\r\n";
    auto const read = parse_json(text, "s.json", json_syntax::jsonc);
    BOOST_TEST_REQUIRE(read.has_value(), read.error().message());
    BOOST_TEST(*read == *parse_json(R"({"a": 1, "b": [true]})", "s.json"));

    auto const strict = parse_json(text, "s.json");
    BOOST_TEST_REQUIRE(strict.has_error());
    BOOST_TEST(strict.error().detail().rfind("line 1, column 1: ", 0) == 0,
               strict.error().detail());

    // Columns count from after the mark.
    auto const bad =
        parse_json(std::string(utf8_byte_order_mark) + "{ x", "s.json", json_syntax::jsonc);
    BOOST_TEST_REQUIRE(bad.has_error());
    BOOST_TEST(bad.error().detail().rfind("line 1, column 3: ", 0) == 0, bad.error().detail());
}

BOOST_AUTO_TEST_CASE(jsonc_errors_name_line_and_column) {
    struct broken {
        std::string_view text;
        std::string_view where;
    };
    broken const cases[] = {
        {"{\n  \"a\": 1 /* never closed\n}\n", "line 2, column 10: a /* comment is not closed"},
        {"{\n  \"a\": 1,\n  ]\n}", "line 3, column 3: "},
        {"{\n  \"a\": \"cut /* in a string\n}", "line 2, column "},
        {"{ / }", "line 1, column 3: syntax error"},
    };
    for (auto const& c : cases) {
        auto const parsed = parse_json(c.text, "s.json", json_syntax::jsonc);
        BOOST_TEST_REQUIRE(parsed.has_error(), c.text);
        BOOST_TEST(parsed.error().detail().rfind(c.where, 0) == 0, parsed.error().detail());
    }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
