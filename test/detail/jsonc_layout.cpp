// The JSONC scanner's offsets, and carry_layout, which moves a container's
// layout from one text to the next instead of scanning the new text again.
// The editor's property test (test/json_edit.cpp) checks both on random
// documents; these are the cases named one by one.
#include <persist/detail/jsonc_layout.hpp>

#include <boost/test/unit_test.hpp>

#include <string>
#include <string_view>

namespace persist::test {

namespace {

using detail::jsonc_container;
using detail::jsonc_scanner;

jsonc_container root_of(std::string_view text) {
    jsonc_scanner const scan(text);
    return scan.scan_container(scan.skip_trivia(0));
}

std::string_view const document =
    "// settings\n"
    "{\n"
    "  \"a\": {\"x\": 1}, // the first\n"
    "  /* b */ \"b\": [1, \"]\", 2],\n"
    "  \"c\": 3\n"
    "}\n";

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonc_layout)

BOOST_AUTO_TEST_CASE(a_scan_finds_members_past_comments_and_brackets_in_strings) {
    auto const root = root_of(document);
    BOOST_TEST_REQUIRE(root.members.size() == 3U);
    auto const text_of = [](detail::jsonc_member const& m) {
        return std::string(document.substr(m.value_begin, m.value_end - m.value_begin));
    };
    BOOST_TEST(text_of(root.members[0]) == "{\"x\": 1}");
    BOOST_TEST(text_of(root.members[1]) == "[1, \"]\", 2]");
    BOOST_TEST(text_of(root.members[2]) == "3");
    BOOST_TEST(document.substr(root.members[1].begin, 3) == "\"b\"");
    BOOST_TEST(root.members[2].comma == detail::no_offset);
    BOOST_TEST(document[root.close] == '}');
}

BOOST_AUTO_TEST_CASE(a_change_inside_one_value_carries_the_layout) {
    std::string const after =
        "// settings\n{\n  \"a\": {\"x\": 100, \"y\": 2}, // the first\n"
        "  /* b */ \"b\": [1, \"]\", 2],\n  \"c\": 3\n}\n";
    auto const carried = detail::carry_layout(root_of(document), document, after);
    BOOST_TEST_REQUIRE(carried.has_value());
    BOOST_TEST((*carried == root_of(after)));

    std::string const shorter =
        "// settings\n{\n  \"a\": {\"x\": 1}, // the first\n"
        "  /* b */ \"b\": [],\n  \"c\": 3\n}\n";
    auto const moved = detail::carry_layout(root_of(document), document, shorter);
    BOOST_TEST_REQUIRE(moved.has_value());
    BOOST_TEST((*moved == root_of(shorter)));
    BOOST_TEST((*detail::carry_layout(root_of(document), document, document) == root_of(document)));
}

BOOST_AUTO_TEST_CASE(a_change_outside_one_value_needs_a_new_scan) {
    std::string_view const cases[] = {
        // a member added after the last one
        "// settings\n{\n  \"a\": {\"x\": 1}, // the first\n"
        "  /* b */ \"b\": [1, \"]\", 2],\n  \"c\": 3,\n  \"d\": 4\n}\n",
        // a member erased
        "// settings\n{\n  \"a\": {\"x\": 1}, // the first\n  \"c\": 3\n}\n",
        // a comment changed between members
        "// settings\n{\n  \"a\": {\"x\": 1}, // the first\n"
        "  /* B */ \"b\": [1, \"]\", 2],\n  \"c\": 3\n}\n",
        // a scalar that grew into the comma after it: not one value
        "// settings\n{\n  \"a\": {\"x\": 1}, // the first\n"
        "  /* b */ \"b\": [1, \"]\", 2],\n  \"c\": 3 , \"e\": 5\n}\n",
        // a value that now starts with a comment
        "// settings\n{\n  \"a\": {\"x\": 1}, // the first\n"
        "  /* b */ \"b\": [1, \"]\", 2],\n  \"c\": /**/3\n}\n",
    };
    for (auto const after : cases)
        BOOST_TEST(!detail::carry_layout(root_of(document), document, after), after);
}

BOOST_AUTO_TEST_CASE(common_runs_are_counted_across_block_boundaries) {
    std::string a(1000, 'x');
    std::string b = a;
    b[700] = 'y';
    BOOST_TEST(detail::common_run(a, b, false) == 700U);
    BOOST_TEST(detail::common_run(a, b, true) == 299U);
    BOOST_TEST(detail::common_run(a, a + "z", false) == 1000U);
    BOOST_TEST(detail::common_run(a, "z" + a, true) == 1000U);
    BOOST_TEST(detail::common_run("", a, false) == 0U);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
