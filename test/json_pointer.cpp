#include <persist/json_pointer.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

namespace persist::test {
namespace {

namespace json = boost::json;

// The example document of RFC 6901, section 5.
json::value rfc_document() {
    return json::parse(R"({"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4,
                           "i\\j": 5, "k\"l": 6, " ": 7, "m~n": 8})");
}

/// Checks that a failed result has exactly this stage and code, and that its
/// detail names the pointer.
template <class T>
void check_failure(result<T> const& r, stage where, errc code, std::string const& pointer) {
    BOOST_TEST_REQUIRE(r.has_error());
    BOOST_TEST((r.error().stage() == where));
    BOOST_TEST(r.error().code() == make_error_code(code), r.error().code().message());
    BOOST_TEST(r.error().detail().find("'" + pointer + "'") != std::string::npos,
               r.error().detail());
    BOOST_TEST(r.error().path().empty());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_pointer)

BOOST_AUTO_TEST_CASE(parses_tokens_and_unescapes_in_order) {
    using tokens = std::vector<std::string>;
    BOOST_TEST(parse_json_pointer("").value() == tokens{});
    BOOST_TEST(parse_json_pointer("/").value() == tokens{""});
    BOOST_TEST(parse_json_pointer("/a~1b/m~0n").value() == (tokens{"a/b", "m~n"}));
    // "~01" is "~" then "1", never "/": ~0 is unescaped after ~1 (RFC 6901 section 4).
    BOOST_TEST(parse_json_pointer("/~01").value() == tokens{"~1"});
    BOOST_TEST(parse_json_pointer("/a//b/").value() == (tokens{"a", "", "b", ""}));
}

BOOST_AUTO_TEST_CASE(rejects_malformed_pointers) {
    check_failure(parse_json_pointer("a/b"), stage::validate, errc::invalid_input, "a/b");
    check_failure(parse_json_pointer("/a~2"), stage::validate, errc::invalid_input, "/a~2");
    check_failure(parse_json_pointer("/a~"), stage::validate, errc::invalid_input, "/a~");
    auto const root = rfc_document();
    check_failure(find_at_pointer(root, "foo"), stage::validate, errc::invalid_input, "foo");
}

BOOST_AUTO_TEST_CASE(escapes_tokens_so_they_parse_back) {
    BOOST_TEST(escape_json_pointer_token("a/b~c") == "a~1b~0c");
    BOOST_TEST(escape_json_pointer_token("~1") == "~01");
    BOOST_TEST(parse_json_pointer("/" + escape_json_pointer_token("~1/~0")).value() ==
               std::vector<std::string>{"~1/~0"});
}

BOOST_AUTO_TEST_CASE(finds_every_example_of_rfc_6901) {
    auto const doc = rfc_document();
    struct example {
        char const* pointer;
        json::value expected;
    };
    example const examples[] = {
        {"", doc},         {"/foo", json::array{"bar", "baz"}},
        {"/foo/0", "bar"}, {"/", 0},
        {"/a~1b", 1},      {"/c%d", 2},
        {"/e^f", 3},       {"/g|h", 4},
        {"/i\\j", 5},      {"/k\"l", 6},
        {"/ ", 7},         {"/m~0n", 8},
    };
    for (auto const& e : examples) {
        BOOST_TEST_CONTEXT("pointer '" << e.pointer << "'") {
            auto const found = find_at_pointer(doc, e.pointer);
            BOOST_TEST_REQUIRE(found.has_value());
            BOOST_TEST(**found == e.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(find_tells_missing_from_mistyped) {
    auto const doc = json::parse(R"({"a": {"n": 5, "list": [10, 20]}})");
    check_failure(find_at_pointer(doc, "/a/missing"), stage::read, errc::not_found, "/a/missing");
    check_failure(find_at_pointer(doc, "/a/list/2"), stage::read, errc::not_found, "/a/list/2");
    check_failure(find_at_pointer(doc, "/a/list/-"), stage::read, errc::not_found, "/a/list/-");
    check_failure(find_at_pointer(doc, "/a/n/deeper"), stage::read, errc::type_mismatch,
                  "/a/n/deeper");
    check_failure(find_at_pointer(doc, "/a/list/x"), stage::read, errc::invalid_input, "/a/list/x");
    check_failure(find_at_pointer(doc, "/a/list/01"), stage::read, errc::invalid_input,
                  "/a/list/01");
    auto const through = find_at_pointer(doc, "/a/n/deeper");
    BOOST_TEST(
        through.error().detail() ==
            "cannot follow '/a/n/deeper' through '/a/n', which is a number, not an object or array",
        through.error().detail());
    auto const huge = find_at_pointer(doc, "/a/list/99999999999999999999999");
    BOOST_TEST(huge.error().code() == make_error_code(errc::not_found));
}

BOOST_AUTO_TEST_CASE(set_creates_intermediate_objects_in_order) {
    json::value doc = json::object{{"z", 1}};
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/ui/font/size", 14).has_value());
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/ui/theme", "dark").has_value());
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/z", 2).has_value());  // replaced in place, not moved
    BOOST_TEST(json::serialize(doc) == R"({"z":2,"ui":{"font":{"size":14},"theme":"dark"}})");
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/a~1b/m~0n", true).has_value());
    BOOST_TEST(doc.at("a/b").at("m~n") == json::value(true));
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "", json::object{{"fresh", nullptr}}).has_value());
    BOOST_TEST(json::serialize(doc) == R"({"fresh":null})");
}

BOOST_AUTO_TEST_CASE(set_replaces_or_appends_array_elements) {
    json::value doc = json::parse(R"({"list": [1, {"x": 1}]})");
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/list/0", "one").has_value());
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/list/-", 3).has_value());
    BOOST_TEST_REQUIRE(set_at_pointer(doc, "/list/1/y/z", 2).has_value());
    BOOST_TEST(json::serialize(doc) == R"({"list":["one",{"x":1,"y":{"z":2}},3]})");
}

BOOST_AUTO_TEST_CASE(set_refuses_scalars_and_bad_indexes_and_changes_nothing) {
    json::value const original = json::parse(R"({"n": 5, "s": "text", "list": [1, 2]})");
    json::value doc = original;
    check_failure(set_at_pointer(doc, "/n/deeper", 1), stage::validate, errc::type_mismatch,
                  "/n/deeper");
    check_failure(set_at_pointer(doc, "/s/a/b/c", 1), stage::validate, errc::type_mismatch,
                  "/s/a/b/c");
    check_failure(set_at_pointer(doc, "/list/x", 1), stage::validate, errc::invalid_input,
                  "/list/x");
    check_failure(set_at_pointer(doc, "/list/2", 1), stage::validate, errc::invalid_input,
                  "/list/2");
    check_failure(set_at_pointer(doc, "/list/-/a", 1), stage::validate, errc::invalid_input,
                  "/list/-/a");
    check_failure(set_at_pointer(doc, "/list/01", 1), stage::validate, errc::invalid_input,
                  "/list/01");
    check_failure(set_at_pointer(doc, "/bad~", 1), stage::validate, errc::invalid_input, "/bad~");
    BOOST_TEST(doc == original);
    json::value scalar = 7;
    check_failure(set_at_pointer(scalar, "/a", 1), stage::validate, errc::type_mismatch, "/a");
    BOOST_TEST(scalar == json::value(7));
}

BOOST_AUTO_TEST_CASE(erase_keeps_order_and_reports_whether_it_removed) {
    json::value doc = json::parse(R"({"a": 1, "b": {"c": 2, "d": 3}, "e": [1, 2, 3], "f": 4})");
    BOOST_TEST(erase_at_pointer(doc, "/a").value());
    BOOST_TEST(erase_at_pointer(doc, "/b/c").value());
    BOOST_TEST(erase_at_pointer(doc, "/e/0").value());
    BOOST_TEST(json::serialize(doc) == R"({"b":{"d":3},"e":[2,3],"f":4})");
    BOOST_TEST(!erase_at_pointer(doc, "/a").value());
    BOOST_TEST(!erase_at_pointer(doc, "/missing/deeper").value());
    BOOST_TEST(!erase_at_pointer(doc, "/e/2").value());
    BOOST_TEST(!erase_at_pointer(doc, "/e/-").value());
    BOOST_TEST(json::serialize(doc) == R"({"b":{"d":3},"e":[2,3],"f":4})");
    check_failure(erase_at_pointer(doc, "/f/x"), stage::validate, errc::type_mismatch, "/f/x");
    check_failure(erase_at_pointer(doc, "/e/x"), stage::validate, errc::invalid_input, "/e/x");
    BOOST_TEST(erase_at_pointer(doc, "").error().code() == make_error_code(errc::invalid_input));
}

BOOST_AUTO_TEST_CASE(merge_is_deep_for_objects_and_replaces_everything_else) {
    json::value base =
        json::parse(R"({"ui": {"theme": "light", "font": {"size": 12, "family": "mono"}},
                                       "list": [1, 2, 3], "n": 1, "obj": {"x": 1}, "s": "keep"})");
    json::value const overlay = json::parse(R"({"ui": {"font": {"size": 14}, "new": true},
                                               "list": [9], "n": {"now": "object"}, "obj": 5, "extra": null})");
    merge_json(base, overlay);
    BOOST_TEST(json::serialize(base) ==
               R"({"ui":{"theme":"light","font":{"size":14,"family":"mono"},"new":true},)"
               R"("list":[9],"n":{"now":"object"},"obj":5,"s":"keep","extra":null})");
    json::value scalar = 1;
    merge_json(scalar, overlay);
    BOOST_TEST(scalar == overlay);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
