#include <persist/json_edit.hpp>

#include <persist/detail/jsonc_layout.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <random>
#include <string>
#include <variant>
#include <vector>

namespace persist::test {

namespace {

namespace json = boost::json;

json::value parse_jsonc(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    json::parse_options options;
    options.allow_comments = true;
    options.allow_trailing_commas = true;
    return json::parse(text, {}, options);
}

/// original with target written over it; the result must parse to target.
std::string edited(std::string_view original, json::value const& target) {
    auto text = edit_json_text(original, target, "settings.json");
    BOOST_TEST_REQUIRE(text.has_value(), text.error().message());
    BOOST_TEST(parse_jsonc(*text) == target, *text);
    return std::move(*text);
}

/// The value of original with one change made by `change`.
template <class Change>
json::value changed(std::string_view original, Change change) {
    auto value = parse_jsonc(original);
    change(value);
    return value;
}

json::object& root(json::value& v) { return v.as_object(); }

std::string const vscode =
    "// Place your settings in this file to overwrite the default settings\n"
    "{\n"
    "  // Controls the font size in pixels.\n"
    "  \"editor.fontSize\": 14,\n"
    "\n"
    "  /* Tabs */\n"
    "  \"editor.tabSize\": 2, // two, like the style guide\n"
    "  \"files.exclude\": {\n"
    "    \"**/.git\": true,\n"
    "    \"**/node_modules\": true\n"
    "  },\n"
    "  \"window.zoomLevel\": 0.5\n"
    "}\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(json_edit)

BOOST_AUTO_TEST_CASE(set_replaces_only_the_value) {
    auto const target = changed(vscode, [](json::value& v) { root(v)["editor.tabSize"] = 4; });
    auto expected = vscode;
    expected.replace(expected.find("2, //"), 1, "4");
    BOOST_TEST(edited(vscode, target) == expected);
}

BOOST_AUTO_TEST_CASE(unchanged_value_keeps_every_byte) {
    BOOST_TEST(edited(vscode, parse_jsonc(vscode)) == vscode);
}

BOOST_AUTO_TEST_CASE(set_in_a_nested_object) {
    auto const target = changed(vscode, [](json::value& v) {
        root(v)["files.exclude"].as_object()["**/node_modules"] = false;
    });
    auto expected = vscode;
    expected.replace(expected.find("true\n  }"), 4, "false");
    BOOST_TEST(edited(vscode, target) == expected);
}

BOOST_AUTO_TEST_CASE(erase_takes_the_line_and_its_comment) {
    auto const target =
        changed(vscode, [](json::value& v) { root(v).erase("editor.tabSize"); });
    auto expected = vscode;
    expected.erase(expected.find("  \"editor.tabSize\""),
                   std::string("  \"editor.tabSize\": 2, // two, like the style guide\n").size());
    BOOST_TEST(edited(vscode, target) == expected);
}

BOOST_AUTO_TEST_CASE(erase_the_last_member_drops_the_comma_before_it) {
    auto const target =
        changed(vscode, [](json::value& v) { root(v).erase("window.zoomLevel"); });
    auto expected = vscode;
    expected.replace(expected.find("  },\n  \"window"), std::string("  },\n  \"window.zoomLevel\": 0.5\n").size(),
                     "  }\n");
    BOOST_TEST(edited(vscode, target) == expected);
    BOOST_TEST(json::parse(edited("{\"a\": 1, \"b\": 2}", json::parse("{\"a\": 1}"))) ==
               json::parse("{\"a\": 1}"));  // strict JSON stays strict
}

BOOST_AUTO_TEST_CASE(add_appends_in_the_neighbours_style) {
    auto const target = changed(vscode, [](json::value& v) {
        root(v)["terminal"] = json::parse(R"({"shell": "bash", "args": ["-l"], "env": {}})");
    });
    auto expected = vscode;
    expected.replace(expected.find("0.5\n}"), 4,
                     "0.5,\n"
                     "  \"terminal\": {\n"
                     "    \"shell\": \"bash\",\n"
                     "    \"args\": [\n"
                     "      \"-l\"\n"
                     "    ],\n"
                     "    \"env\": {}\n"
                     "  }\n");
    BOOST_TEST(edited(vscode, target) == expected);
}

BOOST_AUTO_TEST_CASE(add_after_a_trailing_comment_puts_the_comma_after_the_value) {
    std::string const doc = "{\n  \"a\": 1 // one\n}\n";
    BOOST_TEST(edited(doc, json::parse(R"({"a": 1, "b": 2})")) ==
               "{\n  \"a\": 1, // one\n  \"b\": 2\n}\n");
}

BOOST_AUTO_TEST_CASE(crlf_tabs_and_trailing_commas_are_kept) {
    std::string const doc =
        "\xEF\xBB\xBF{\r\n\t\"a\": 1,\r\n\t\"b\": {\r\n\t\t\"c\": 2,\r\n\t},\r\n}\r\n";
    BOOST_TEST(edited(doc, json::parse(R"({"a": 1, "b": {"c": 2, "d": [1]}, "e": 3})")) ==
               "\xEF\xBB\xBF{\r\n\t\"a\": 1,\r\n\t\"b\": {\r\n\t\t\"c\": 2,\r\n"
               "\t\t\"d\": [\r\n\t\t\t1\r\n\t\t],\r\n\t},\r\n\t\"e\": 3,\r\n}\r\n");
    BOOST_TEST(edited(doc, json::parse(R"({"b": {"c": 2}})")) ==
               "\xEF\xBB\xBF{\r\n\t\"b\": {\r\n\t\t\"c\": 2,\r\n\t},\r\n}\r\n");
}

BOOST_AUTO_TEST_CASE(four_space_indent_is_detected) {
    std::string const doc = "{\n    \"a\": {\n        \"b\": 1\n    }\n}";
    BOOST_TEST(edited(doc, json::parse(R"({"a": {"b": 1, "c": {"d": 2}}})")) ==
               "{\n    \"a\": {\n        \"b\": 1,\n        \"c\": {\n"
               "            \"d\": 2\n        }\n    }\n}");
}

BOOST_AUTO_TEST_CASE(first_member_of_an_empty_container) {
    BOOST_TEST(edited("{}", json::parse(R"({"a": 1})")) == "{\n  \"a\": 1\n}");
    BOOST_TEST(edited("{ /* none yet */ }\n", json::parse(R"({"a": 1})")) ==
               "{ /* none yet */\n  \"a\": 1\n}\n");
    BOOST_TEST(edited("{\n  \"list\": [] // later\n}\n", json::parse(R"({"list": [true]})")) ==
               "{\n  \"list\": [\n    true\n  ] // later\n}\n");
    BOOST_TEST(edited("{\n  // nothing\n}\n", json::parse(R"({"a": 1})")) ==
               "{\n  // nothing\n  \"a\": 1\n}\n");
}

BOOST_AUTO_TEST_CASE(erasing_every_member_leaves_an_empty_container) {
    BOOST_TEST(edited("{\"a\": 1, \"b\": 2}", json::object()) == "{}");
    BOOST_TEST(edited("{\n  \"a\": 1,\n  \"b\": 2\n}\n", json::object()) == "{\n}\n");
    BOOST_TEST(edited("[1, 2, 3]", json::array()) == "[]");
}

BOOST_AUTO_TEST_CASE(arrays_change_only_the_elements_between_equal_ends) {
    std::string const doc = "{\n  \"l\": [\n    1, // one\n    2, // two\n    3 // three\n  ]\n}";
    BOOST_TEST(edited(doc, json::parse(R"({"l": [1, 3]})")) ==
               "{\n  \"l\": [\n    1, // one\n    3 // three\n  ]\n}");
    BOOST_TEST(edited(doc, json::parse(R"({"l": [1, 2]})")) ==
               "{\n  \"l\": [\n    1, // one\n    2 // two\n  ]\n}");
    BOOST_TEST(edited(doc, json::parse(R"({"l": [1, 2, 3, 4]})")) ==
               "{\n  \"l\": [\n    1, // one\n    2, // two\n    3, // three\n    4\n  ]\n}");
    BOOST_TEST(edited(doc, json::parse(R"({"l": [1, 5, 3]})")) ==
               "{\n  \"l\": [\n    1, // one\n    5, // two\n    3 // three\n  ]\n}");
    BOOST_TEST(edited("[1, 2]", json::parse("[1, 9, 2]")) == "[1, 9, 2]");
    BOOST_TEST(edited("[1, 2]", json::parse("[0, 1, 2]")) == "[0, 1, 2]");
}

BOOST_AUTO_TEST_CASE(one_line_containers_stay_on_one_line) {
    BOOST_TEST(edited("{\"a\": 1}", json::parse(R"({"a": 1, "b": {"c": [1, 2]}})")) ==
               R"({"a": 1, "b": {"c": [1, 2]}})");
    BOOST_TEST(edited("{\"a\":1,\"b\":2}", json::parse(R"({"b": 2})")) == R"({"b":2})");
    BOOST_TEST(edited("{\"a\":1,\"b\":2}", json::parse(R"({"a": 1, "c": 3})")) ==
               R"({"a":1, "c":3})");
    BOOST_TEST(edited("[1, 2,]", json::parse("[1, 2, 3]")) == "[1, 2, 3,]");
}

BOOST_AUTO_TEST_CASE(leading_commas_stay_leading) {
    std::string const doc = "{ \"a\": 1\n, \"b\": 2\n}\n";
    BOOST_TEST(edited(doc, json::parse(R"({"a": 1, "b": 2, "c": 3})")) ==
               "{ \"a\": 1\n, \"b\": 2\n, \"c\": 3\n}\n");
    std::string const own_lines = "{\n  \"a\": 1\n, \"b\": 2\n}\n";
    BOOST_TEST(edited(own_lines, json::parse(R"({"b": 2})")) == "{\n  \"b\": 2\n}\n");
}

BOOST_AUTO_TEST_CASE(a_changed_type_is_written_fresh_in_place) {
    BOOST_TEST(edited(vscode, changed(vscode, [](json::value& v) {
                   root(v)["window.zoomLevel"] = json::parse(R"({"x": 1})");
               })).ends_with("  \"window.zoomLevel\": {\n    \"x\": 1\n  }\n}\n"));
    BOOST_TEST(edited("// top\n[1]\n", json::parse(R"({"a": 1})")) ==
               "// top\n{\n  \"a\": 1\n}\n");
    BOOST_TEST(edited(" 1 ", json::value("x")) == " \"x\" ");
}

BOOST_AUTO_TEST_CASE(keys_that_need_escapes) {
    BOOST_TEST(edited("{\"a\\\"b\": 1}", json::parse(R"({"a\"b": 2, "\n": 3})")) ==
               R"({"a\"b": 2, "\n": 3})");
}

BOOST_AUTO_TEST_CASE(text_that_does_not_parse_is_refused) {
    for (auto const& [text, where] :
         {std::pair{"{\n  \"a\": 1,\n  /* open\n}", "line 4, column 2"},
          std::pair{"{\n  \"a\": tru\n}", "line 2, column 8"},
          std::pair{"\xEF\xBB\xBF{\"a\": 1} x", "line 1, column 10"}}) {
        auto const result = edit_json_text(text, json::object(), "/etc/app.json");
        BOOST_TEST_REQUIRE(result.has_error());
        BOOST_TEST((result.error().stage() == stage::parse));
        BOOST_TEST(result.error().code() == make_error_code(errc::corrupt_data));
        BOOST_TEST(result.error().path() == "/etc/app.json");
        BOOST_TEST(result.error().detail().rfind(where, 0) == 0, result.error().detail());
    }
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused) {
    auto const result = edit_json_text("{\n  \"x\": {\"a\": 1, \"a\": 2}\n}", json::object(), "f");
    BOOST_TEST_REQUIRE(result.has_error());
    BOOST_TEST(result.error().detail() == "line 2, column 8: duplicate key in this object");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
