#include <persist/json_edit.hpp>

#include "support/random_jsonc.hpp"
#include "support/temp_directory.hpp"

#include <persist/detail/jsonc_layout.hpp>
#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace persist::test {

namespace {

json::value parse_jsonc(std::string_view text) {
    auto parsed = parse_json(text, "edited.json", json_syntax::jsonc);
    BOOST_TEST_REQUIRE(parsed.has_value(), parsed.error().message());
    return std::move(*parsed);
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
    auto const target = changed(vscode, [](json::value& v) { root(v).erase("editor.tabSize"); });
    auto expected = vscode;
    expected.erase(expected.find("  \"editor.tabSize\""),
                   std::string("  \"editor.tabSize\": 2, // two, like the style guide\n").size());
    BOOST_TEST(edited(vscode, target) == expected);
}

BOOST_AUTO_TEST_CASE(erase_the_last_member_drops_the_comma_before_it) {
    auto const target = changed(vscode, [](json::value& v) { root(v).erase("window.zoomLevel"); });
    auto expected = vscode;
    expected.replace(expected.find("  },\n  \"window"),
                     std::string("  },\n  \"window.zoomLevel\": 0.5\n").size(), "  }\n");
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
    BOOST_TEST(edited("{\"a\": {}, \"b\": [ /* none */ ]}",
                      json::parse(R"({"a": {"x": 1}, "b": [1, 2]})")) ==
               "{\"a\": {\"x\": 1}, \"b\": [ /* none */ 1, 2]}");
}

BOOST_AUTO_TEST_CASE(leading_commas_stay_leading) {
    std::string const doc = "{ \"a\": 1\n, \"b\": 2\n}\n";
    BOOST_TEST(edited(doc, json::parse(R"({"a": 1, "b": 2, "c": 3})")) ==
               "{ \"a\": 1\n, \"b\": 2\n, \"c\": 3\n}\n");
    std::string const own_lines = "{\n  \"a\": 1\n, \"b\": 2\n}\n";
    BOOST_TEST(edited(own_lines, json::parse(R"({"b": 2})")) == "{\n  \"b\": 2\n}\n");
}

BOOST_AUTO_TEST_CASE(a_changed_type_is_written_fresh_in_place) {
    BOOST_TEST(edited(vscode, changed(vscode,
                                      [](json::value& v) {
                                          root(v)["window.zoomLevel"] = json::parse(R"({"x": 1})");
                                      }))
                   .ends_with("  \"window.zoomLevel\": {\n    \"x\": 1\n  }\n}\n"));
    BOOST_TEST(edited("// top\n[1]\n", json::parse(R"({"a": 1})")) == "// top\n{\n  \"a\": 1\n}\n");
    BOOST_TEST(edited(" 1 ", json::value("x")) == " \"x\" ");
}

BOOST_AUTO_TEST_CASE(comments_end_where_the_parser_ends_them) {
    // A block comment ends at the first "*/" after its "/*", on every Boost
    // (Boost.JSON 1.81's own comment parser did not end one at "**/"), and
    // the editor reads them the same way: no member is read in a comment.
    BOOST_TEST(edited("{ /** doc **/ \"a\": 1 }", json::parse(R"({"a": 2})")) ==
               "{ /** doc **/ \"a\": 2 }");
    BOOST_TEST(edited("{ /* x***/ \"a\": 1 }", json::object()) == "{ /* x***/ }");
    BOOST_TEST(edited("{ /*/ \"a\": 1, */ \"b\": 2 }", json::parse(R"({"b": 3})")) ==
               "{ /*/ \"a\": 1, */ \"b\": 3 }");
}

BOOST_AUTO_TEST_CASE(one_set_in_a_large_commented_file) {
    std::string doc = "// generated\n{\n";
    for (int i = 0; doc.size() < 64 * 1024; ++i) {
        auto const n = std::to_string(i);
        doc += "  // group " + n + "\n  \"group" + n +
               "\": {\n    \"enabled\": true, // on\n    \"scale\": 0.5,\n    \"list\": [1, 2]\n  "
               "},\n";
    }
    doc += "  \"last\": 0\n}\n";
    // An integer: how doubles are written is about to change.
    auto const target =
        changed(doc, [](json::value& v) { root(v)["group100"].as_object()["scale"] = 2; });
    auto expected = doc;
    expected.replace(expected.find("0.5", expected.find("\"group100\"")), 3, "2");
    BOOST_TEST(edited(doc, target) == expected);
}

BOOST_AUTO_TEST_CASE(keys_that_need_escapes) {
    BOOST_TEST(edited("{\"a\\\"b\": 1}", json::parse(R"({"a\"b": 2, "\n": 3})")) ==
               R"({"a\"b": 2, "\n": 3})");
}

BOOST_AUTO_TEST_CASE(text_that_does_not_parse_is_refused) {
    for (auto const& [text, where] : {std::pair{"{\n  \"a\": 1,\n  /* open\n}", "line 3, column 3"},
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

// Found by the fuzzer: a second byte-order mark is not JSONC, and the
// editor refuses it as the parser does (it once read past the first mark
// twice and scanned the second as a member, without end).
BOOST_AUTO_TEST_CASE(a_second_byte_order_mark_is_refused) {
    auto const result =
        edit_json_text("\xEF\xBB\xBF\xEF\xBB\xBF{\r\n\t\"a\": [1],\r\n}\r\n", json::object(), "f");
    BOOST_TEST_REQUIRE(result.has_error());
    BOOST_TEST(result.error().detail().rfind("line 1, column 1: ", 0) == 0,
               result.error().detail());
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused) {
    auto const result = edit_json_text("{\n  \"x\": {\"a\": 1, \"a\": 2}\n}", json::object(), "f");
    BOOST_TEST_REQUIRE(result.has_error());
    BOOST_TEST(result.error().detail() == "line 2, column 8: duplicate key in this object");

    // check_unique_keys says the same, counting from after a byte-order mark.
    std::string const marked = "\xEF\xBB\xBF{\n  \"x\": {\"a\": 1, \"a\": 2}\n}";
    auto const checked = check_unique_keys(marked, parse_jsonc(marked), "f");
    BOOST_TEST_REQUIRE(checked.has_error());
    BOOST_TEST(checked.error().detail() == "line 2, column 8: duplicate key in this object");
    BOOST_TEST(check_unique_keys("{\"a\": {\"a\": 1}}", parse_jsonc("{\"a\": {\"a\": 1}}"), "f")
                   .has_value());
}

// A store that keeps the document it wrote says where it changed it; the
// editor then scans only the containers on that path, and finds members by
// their keys, escaped or not.
BOOST_AUTO_TEST_CASE(an_edit_told_its_place_finds_members_by_key) {
    std::string const text = "{\n  // first\n  \"a\\u0062\": 1,\n  \"c\": {\"d\": [1, 2]}\n}\n";
    auto target = parse_jsonc(text);
    target.as_object()["ab"] = 2;
    json::value const one = 1;
    std::vector<std::string> const ab{"ab"};
    BOOST_TEST(edit_json_text_at(text, target, ab, &one) ==
               "{\n  // first\n  \"a\\u0062\": 2,\n  \"c\": {\"d\": [1, 2]}\n}\n");
    auto added = parse_jsonc(text);
    added.as_object()["c"].as_object()["e"] = json::object{{"f", true}};
    std::vector<std::string> const cef{"c", "e", "f"};
    BOOST_TEST(
        edit_json_text_at(text, added, cef, nullptr) ==
        "{\n  // first\n  \"a\\u0062\": 1,\n  \"c\": {\"d\": [1, 2], \"e\": {\"f\": true}}\n}\n");
    auto erased = parse_jsonc(text);
    erased.as_object().erase("ab");
    BOOST_TEST(edit_json_text_at(text, erased, ab, &one) ==
               "{\n  // first\n  \"c\": {\"d\": [1, 2]}\n}\n");
}

namespace {

/// A step along a path: an object member's index (its key's place) or an
/// array index.
using path = std::vector<std::size_t>;

void collect_containers(json::value const& v, path& at, std::vector<path>& out) {
    if (!v.is_object() && !v.is_array()) return;
    out.push_back(at);
    std::size_t i = 0;
    auto visit = [&](json::value const& child) {
        at.push_back(i++);
        collect_containers(child, at, out);
        at.pop_back();
    };
    if (auto const* object = v.if_object()) {
        for (auto const& member : *object)
            visit(member.value());
    } else {
        for (auto const& element : v.get_array())
            visit(element);
    }
}

json::value& child(json::value& v, std::size_t i) {
    return v.is_object() ? (v.as_object().begin() + i)->value() : v.as_array()[i];
}

/// The container at p in text (which parses to a value of that shape).
detail::jsonc_container layout_at(std::string_view text, path const& p) {
    detail::jsonc_scanner const scan(text);
    auto begin = scan.skip_trivia(text.starts_with("\xEF\xBB\xBF") ? 3 : 0);
    for (auto const i : p)
        begin = scan.scan_container(begin).members.at(i).value_begin;
    return scan.scan_container(begin);
}

/// One random edit of doc's value: the new value, and the bytes [lo, hi)
/// of the old text outside which nothing may change.
struct random_edit {
    json::value target;
    std::size_t lo = 0;
    std::size_t hi = 0;
    std::string what;
    /// The same edit for edit_json_text_at: where it is, and what was there.
    std::vector<std::string> tokens;
    std::optional<json::value> before;
};

/// The reference tokens of the value at p in v, and that value.
std::pair<std::vector<std::string>, json::value const*> tokens_of(json::value const& v,
                                                                  path const& p) {
    std::vector<std::string> tokens;
    json::value const* at = &v;
    for (auto const i : p) {
        if (auto const* object = at->if_object()) {
            tokens.emplace_back((object->begin() + i)->key());
            at = &(object->begin() + i)->value();
        } else {
            tokens.push_back(std::to_string(i));
            at = &at->get_array()[i];
        }
    }
    return {tokens, at};
}

/// Where edit_json_text_at is told a change to member i of the container at
/// p is: at the member in an object (or, new there, without a before), at
/// the whole container in an array.
void locate(random_edit& edit, json::value const& old, path const& p,
            std::optional<std::size_t> member, std::string_view new_key = {}) {
    auto [tokens, container] = tokens_of(old, p);
    edit.tokens = std::move(tokens);
    if (auto const* object = container->if_object()) {
        if (member) {
            edit.tokens.emplace_back((object->begin() + *member)->key());
            edit.before = (object->begin() + *member)->value();
        } else {
            edit.tokens.emplace_back(new_key);
        }
    } else {
        edit.before = *container;
    }
}

random_edit make_edit(random_documents& random, std::string_view text, json::value const& old) {
    std::vector<path> containers;
    path at;
    collect_containers(old, at, containers);
    auto const where = containers[random.below(containers.size())];
    random_edit edit{old, 0, 0, {}, {}, {}};
    json::value* container = &edit.target;
    for (auto const i : where)
        container = &child(*container, i);
    auto const layout = layout_at(text, where);
    auto const& members = layout.members;
    std::size_t const n = members.size();
    auto const choice = n == 0 ? 2 : random.below(3);
    if (choice == 0) {  // set an existing member
        auto const i = random.below(n);
        child(*container, i) = random.value(2);
        edit = {
            std::move(edit.target), members[i].value_begin, members[i].value_end, "set", {}, {}};
        locate(edit, old, where, i);
    } else if (choice == 1) {  // erase one
        auto const i = random.below(n);
        locate(edit, old, where, i);
        auto last = i;  // of the equal elements from i, the editor erases the last
        if (container->is_object()) {
            container->as_object().erase(container->as_object().begin() + i);
        } else {
            auto& array = container->as_array();
            while (last + 1 < n && array[last + 1] == array[i])
                ++last;
            array.erase(array.begin() + i);
        }
        edit.lo = i > 0 ? members[i - 1].value_end : layout.open + 1;
        edit.hi = last + 1 < n ? members[last + 1].begin : layout.close;
        edit.what = "erase";
    } else {  // add a key, or append an element
        if (container->is_object()) {
            auto& object = container->as_object();
            auto const key = random.key();
            if (auto const found = object.find(key); found != object.end()) {  // a set after all
                auto const i = static_cast<std::size_t>(found - object.begin());
                found->value() = random.value(2);
                random_edit set{std::move(edit.target),
                                members[i].value_begin,
                                members[i].value_end,
                                "set",
                                {},
                                {}};
                locate(set, old, where, i);
                return set;
            }
            object[key] = random.value(2);
            locate(edit, old, where, std::nullopt, key);
        } else {
            locate(edit, old, where, std::nullopt);
            container->as_array().push_back(random.value(2));
        }
        edit.lo = n > 0 ? members[n - 1].value_end : layout.open + 1;
        edit.hi = layout.close;
        edit.what = "add";
    }
    return edit;
}

void check_edit(std::string const& before, random_edit const& edit, std::string const& after,
                document_style const& style) {
    auto const context = edit.what + " [" + std::to_string(edit.lo) + ", " +
                         std::to_string(edit.hi) + ") on\n" + before + "\ngave\n" + after;
    BOOST_TEST_REQUIRE(parse_jsonc(after) == edit.target, context);
    std::size_t const tail = before.size() - edit.hi;
    bool const untouched =
        after.size() >= edit.lo + tail &&
        std::string_view(after).starts_with(std::string_view(before).substr(0, edit.lo)) &&
        std::string_view(after).ends_with(std::string_view(before).substr(edit.hi));
    BOOST_TEST_REQUIRE(untouched, "bytes outside the edit changed: " << context);
    if (style.strict()) {
        boost::system::error_code ec;
        (void)json::parse(after, ec);
        BOOST_TEST_REQUIRE(!ec, "no longer strict JSON: " << context);
    }
}

/// Random sequences of edits on random documents, each edit checked by
/// check_edit and made three ways that must agree: edit_json_text (a
/// diff), edit_json_text_at (told the path), and the store's way,
/// edit_json_text_at with the top-level layout carried from the edit
/// before. on_text sees every text, the first and each edit's.
template <class OnText>
void random_edit_sequences(unsigned seed, int documents, bool strict_only, OnText on_text) {
    random_documents random(seed);
    for (int document = 0; document < documents; ++document) {
        auto style = random.style();
        if (strict_only) style.trailing_commas = style.comments = style.bom = false;
        json::object start;
        for (std::size_t i = random.below(6); i > 0; --i)
            start[random.key()] = random.value(3);
        auto text = random.text(start, style);
        on_text(text, style);
        json::value value = start;
        std::optional<detail::jsonc_container> layout;
        for (int step = 0; step < 6; ++step) {
            auto const edit = make_edit(random, text, value);
            auto after = edit_json_text(text, edit.target, "f");
            BOOST_TEST_REQUIRE(after.has_value(), after.error().message());
            check_edit(text, edit, *after, style);
            auto const* before = edit.before ? &*edit.before : nullptr;
            auto const context = [&] {
                return edit.what + " at " + std::to_string(edit.tokens.size()) + " tokens on\n" +
                       text;
            };
            BOOST_TEST_REQUIRE(edit_json_text_at(text, edit.target, edit.tokens, before) == *after,
                               context());
            BOOST_TEST_REQUIRE(
                detail::edit_json_text_at(text, edit.target, edit.tokens, before, layout) == *after,
                "with the layout carried: " << context());
            if (layout) {  // what it carried is what a scan of the new text finds
                BOOST_TEST_REQUIRE((*layout == layout_at(*after, {})),
                                   "carried layout wrong after " << context());
            }
            text = std::move(*after);
            on_text(text, style);
            value = parse_jsonc(text);  // in the text's key order, which erase does not keep
        }
    }
}

bool has_program(char const* name) {
    return std::system(("command -v " + std::string(name) + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace

BOOST_AUTO_TEST_CASE(random_edits_of_random_documents) {
    random_edit_sequences(20261207, 1000, false, [](std::string const&, document_style const&) {});
}

// Each issue-16 promise to other readers: a document without comments stays
// JSON that Python's json module and jq read, whatever was edited in it.
BOOST_AUTO_TEST_CASE(edited_strict_documents_stay_json_for_python_and_jq,
                     *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                         boost::test_tools::assertion_result found(has_program("python3") &&
                                                                   has_program("jq"));
                         if (!found) found.message() << "python3 or jq is not installed";
                         return found;
                     })) {
    temp_directory dir;
    std::vector<std::string> files;
    random_edit_sequences(20261208, 60, true, [&](std::string const& text, document_style const&) {
        files.push_back((dir / ("doc-" + std::to_string(files.size()) + ".json")).string());
        std::ofstream(files.back(), std::ios::binary) << text;
    });
    std::string list;
    for (auto const& file : files)
        list += " '" + file + "'";
    BOOST_TEST(
        std::system(("python3 -c 'import json, sys\nfor f in sys.argv[1:]: json.load(open(f, "
                     "encoding=\"utf-8\"))'" +
                     list)
                        .c_str()) == 0);
    BOOST_TEST(std::system(("jq -e . " + list + " >/dev/null").c_str()) == 0);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
