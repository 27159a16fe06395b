#include <persist/tolerant_conversion.hpp>

#include "support/boost_version.hpp"

#include <boost/describe/class.hpp>
#include <boost/describe/enum.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value_to.hpp>
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace tolerant_test {

enum class theme { light, dark, high_contrast };
BOOST_DESCRIBE_ENUM(theme, light, dark, high_contrast)

struct window {
    int width = 800;
    int height = 600;
    bool maximized = false;
    friend bool operator==(window const&, window const&) = default;
};
BOOST_DESCRIBE_STRUCT(window, (), (width, height, maximized))

struct tab {
    std::string path;
    std::optional<int> cursor_line;
    theme look = theme::light;
    friend bool operator==(tab const&, tab const&) = default;
};
BOOST_DESCRIBE_STRUCT(tab, (), (path, cursor_line, look))

struct editor_state {
    window main_window;
    std::vector<tab> tabs;
    std::map<std::string, double> zoom_by_file;
    std::optional<std::string> last_search;
    std::optional<int> font_size = 12;
    theme look = theme::dark;
    std::uint8_t volume = 50;
    std::vector<std::vector<int>> grid;
    std::set<std::string> pinned;
    std::list<std::int64_t> history;
    friend bool operator==(editor_state const&, editor_state const&) = default;
};
BOOST_DESCRIBE_STRUCT(editor_state, (),
                      (main_window, tabs, zoom_by_file, last_search, font_size, look, volume, grid,
                       pinned, history))

// A type with its own conversion: "x,y" as a string.
struct point {
    int x = 0;
    int y = 0;
    friend bool operator==(point const&, point const&) = default;
};
inline void tag_invoke(boost::json::value_from_tag, boost::json::value& v, point const& p) {
    v = std::to_string(p.x) + "," + std::to_string(p.y);
}
inline point tag_invoke(boost::json::value_to_tag<point>, boost::json::value const& v) {
    auto const& s = v.as_string();  // throws on a non-string
    auto const comma = std::string_view(s).find(',');
    if (comma == std::string_view::npos) throw std::invalid_argument("point needs a comma");
    return {std::stoi(std::string(s.subview(0, comma))),
            std::stoi(std::string(s.subview(comma + 1)))};
}

struct drawing {
    std::vector<point> points;
    std::string name = "untitled";
    friend bool operator==(drawing const&, drawing const&) = default;
};
BOOST_DESCRIBE_STRUCT(drawing, (), (points, name))

// Opted in: Boost.JSON's own value_to becomes tolerant for it.
struct opted {
    int kept = 7;
    int read = 0;
};
BOOST_DESCRIBE_STRUCT(opted, (), (kept, read))
PERSIST_TOLERANT_CONVERSION(opted)

// A described class with a described base.
struct base_settings {
    int level = 1;
};
BOOST_DESCRIBE_STRUCT(base_settings, (), (level))
struct derived_settings : base_settings {
    std::string label = "d";
};
BOOST_DESCRIBE_STRUCT(derived_settings, (base_settings), (label))

// Not opted in to tolerance: Boost.JSON's own value_to converts it by its
// version's rules.
struct plain_record {
    int kept = 7;
    std::optional<int> maybe;
    friend bool operator==(plain_record const&, plain_record const&) = default;
};
BOOST_DESCRIBE_STRUCT(plain_record, (), (kept, maybe))

}  // namespace tolerant_test

namespace persist::test {

using namespace tolerant_test;
namespace json = boost::json;

namespace {

editor_state full_state() {
    editor_state s;
    s.main_window = {1920, 1080, true};
    s.tabs = {{"/src/a.cpp", 42, theme::dark}, {"/src/b.hpp", std::nullopt, theme::high_contrast}};
    s.zoom_by_file = {{"/src/a.cpp", 1.25}, {"weird \"name\"", -0.5}};
    s.last_search = "needle";
    s.font_size = std::nullopt;
    s.look = theme::light;
    s.volume = 255;
    s.grid = {{1, 2}, {}, {3}};
    s.pinned = {"x", "a"};
    s.history = {-1, 9'007'199'254'740'993};  // not exact as a double
    return s;
}

/// The detail of a failed conversion, or "<converted>" so a wrong pass prints.
template <class T>
std::string mismatch_of(std::string_view json_text, std::string_view root = "state") {
    auto const converted = tolerant_value_to<T>(json::parse(json_text), root);
    if (converted) return "<converted>";
    BOOST_TEST((converted.error().stage() == stage::parse));
    BOOST_TEST(converted.error().code() == make_error_code(errc::type_mismatch));
    return converted.error().detail();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tolerant_conversion)

BOOST_AUTO_TEST_CASE(round_trips_nested_containers_optionals_and_enums) {
    auto const original = full_state();
    auto const json_value = tolerant_value_from(original);
    auto const back = tolerant_value_to<editor_state>(json_value);
    BOOST_TEST_REQUIRE(back.has_value());
    BOOST_TEST((*back == original));
    // Through text too, as a state file does.
    auto const reparsed = tolerant_value_to<editor_state>(json::parse(json::serialize(json_value)));
    BOOST_TEST_REQUIRE(reparsed.has_value());
    BOOST_TEST((*reparsed == original));
}

BOOST_AUTO_TEST_CASE(writes_members_in_order_enums_as_names_nullopt_as_null) {
    auto const v = tolerant_value_from(full_state());
    auto const& object = v.as_object();
    std::vector<std::string> keys;
    for (auto const& member : object)
        keys.emplace_back(member.key());
    BOOST_TEST((keys == std::vector<std::string>{"main_window", "tabs", "zoom_by_file",
                                                 "last_search", "font_size", "look", "volume",
                                                 "grid", "pinned", "history"}));
    BOOST_TEST(object.at("look") == json::value("light"));
    BOOST_TEST(object.at("font_size").is_null());
    BOOST_TEST(object.at("tabs").as_array()[1].as_object().at("cursor_line").is_null());
    BOOST_TEST(object.at("tabs").as_array()[1].as_object().at("look") ==
               json::value("high_contrast"));
    BOOST_TEST(json::serialize(object.at("main_window")) ==
               R"({"width":1920,"height":1080,"maximized":true})");
}

BOOST_AUTO_TEST_CASE(missing_fields_keep_their_defaults_at_every_depth) {
    auto const read = tolerant_value_to<editor_state>(
        json::parse(R"({"main_window": {"width": 1024}, "tabs": [{}]})"));
    BOOST_TEST_REQUIRE(read.has_value());
    editor_state expected;
    expected.main_window.width = 1024;
    expected.tabs = {tab{}};
    BOOST_TEST((*read == expected));
    BOOST_TEST(read->main_window.height == 600);
    BOOST_TEST(read->font_size.value() == 12);  // a non-empty default survives absence
    BOOST_TEST((read->look == theme::dark));

    auto const empty = tolerant_value_to<editor_state>(json::parse("{}"));
    BOOST_TEST_REQUIRE(empty.has_value());
    BOOST_TEST((*empty == editor_state{}));
}

BOOST_AUTO_TEST_CASE(unknown_fields_are_ignored_at_every_depth) {
    auto const read = tolerant_value_to<editor_state>(json::parse(R"({
        "added_in_v9": {"anything": [1, 2, 3]},
        "main_window": {"width": 640, "dpi": 192},
        "tabs": [{"path": "/x", "pinned": true}]
    })"));
    BOOST_TEST_REQUIRE(read.has_value());
    BOOST_TEST(read->main_window.width == 640);
    BOOST_TEST_REQUIRE(read->tabs.size() == 1u);
    BOOST_TEST(read->tabs[0].path == "/x");
}

BOOST_AUTO_TEST_CASE(optional_reads_null_as_nullopt_and_values_as_values) {
    auto const read =
        tolerant_value_to<editor_state>(json::parse(R"({"font_size": null, "last_search": "q"})"));
    BOOST_TEST_REQUIRE(read.has_value());
    BOOST_TEST(!read->font_size.has_value());
    BOOST_TEST(read->last_search.value() == "q");
    BOOST_TEST(mismatch_of<editor_state>(R"({"font_size": "big"})")
                   .starts_with("state.font_size: expected integer"));
}

BOOST_AUTO_TEST_CASE(type_mismatch_names_the_field_path) {
    BOOST_TEST(mismatch_of<editor_state>(R"({"main_window": {"width": "wide"}})") ==
               "state.main_window.width: expected integer from -2147483648 to 2147483647");
    BOOST_TEST(mismatch_of<editor_state>(R"({"main_window": {"maximized": 1}})") ==
               "state.main_window.maximized: expected boolean");
    BOOST_TEST(mismatch_of<editor_state>(R"({"tabs": [{}, {"look": "sepia"}]})") ==
               "state.tabs[1].look: expected one of: light, dark, high_contrast");
    BOOST_TEST(mismatch_of<editor_state>(R"({"zoom_by_file": {"a \"q\"": "x"}})") ==
               R"(state.zoom_by_file["a \"q\""]: expected number)");
    BOOST_TEST(mismatch_of<editor_state>(R"({"grid": [[1], [2, "3"]]})") ==
               "state.grid[1][1]: expected integer from -2147483648 to 2147483647");
    BOOST_TEST(mismatch_of<editor_state>(R"({"tabs": {}})") == "state.tabs: expected array");
    BOOST_TEST(mismatch_of<editor_state>(R"({"main_window": []})") ==
               "state.main_window: expected object");
    BOOST_TEST(mismatch_of<editor_state>("[]") == "state: expected object");
    BOOST_TEST(mismatch_of<editor_state>("[]", "") == "expected object");
    BOOST_TEST(mismatch_of<editor_state>(R"({"main_window": {"width": null}})", "") ==
               "main_window.width: expected integer from -2147483648 to 2147483647");
    BOOST_TEST(mismatch_of<editor_state>(R"({"last_search": 5})") ==
               "state.last_search: expected string");
}

BOOST_AUTO_TEST_CASE(integers_are_range_checked_and_exact) {
    BOOST_TEST(tolerant_value_to<std::uint8_t>(json::parse("255")).value() == 255);
    BOOST_TEST(tolerant_value_to<int>(json::parse("2.0")).value() == 2);
    BOOST_TEST(tolerant_value_to<std::uint64_t>(json::parse("18446744073709551615")).value() ==
               18446744073709551615ull);
    BOOST_TEST(tolerant_value_to<std::int64_t>(json::parse("-9223372036854775808")).value() ==
               std::numeric_limits<std::int64_t>::min());
    BOOST_TEST(mismatch_of<std::uint8_t>("256") == "state: expected integer from 0 to 255");
    BOOST_TEST(mismatch_of<std::uint8_t>("-1") == "state: expected integer from 0 to 255");
    BOOST_TEST(mismatch_of<int>("2.5").starts_with("state: expected integer"));
    BOOST_TEST(
        mismatch_of<std::int64_t>("9223372036854775808.0").starts_with("state: expected integer"));
    BOOST_TEST(mismatch_of<std::uint64_t>("-1").starts_with("state: expected integer"));
    BOOST_TEST(mismatch_of<int>("true").starts_with("state: expected integer"));
    BOOST_TEST(tolerant_value_to<double>(json::parse("3")).value() == 3.0);
    BOOST_TEST(mismatch_of<float>("1e300") ==
               "state: expected number within the range of a 32-bit float");
    BOOST_TEST(mismatch_of<double>("\"1\"") == "state: expected number");
}

BOOST_AUTO_TEST_CASE(enums_read_names_or_integers_and_write_unnamed_values_as_integers) {
    BOOST_TEST((tolerant_value_to<theme>(json::parse("\"high_contrast\"")).value() ==
                theme::high_contrast));
    BOOST_TEST((tolerant_value_to<theme>(json::parse("1")).value() == theme::dark));
    auto const unnamed = static_cast<theme>(17);
    BOOST_TEST(tolerant_value_from(unnamed) == json::value(17));
    BOOST_TEST((tolerant_value_to<theme>(tolerant_value_from(unnamed)).value() == unnamed));
    BOOST_TEST(mismatch_of<theme>("\"Dark\"") ==
               "state: expected one of: light, dark, high_contrast");
}

BOOST_AUTO_TEST_CASE(uses_a_types_own_tag_invoke_inside_described_structs) {
    drawing d;
    d.points = {{1, 2}, {-3, 4}};
    auto const v = tolerant_value_from(d);
    BOOST_TEST(json::serialize(v) == R"({"points":["1,2","-3,4"],"name":"untitled"})");
    BOOST_TEST((tolerant_value_to<drawing>(v).value() == d));
    BOOST_TEST(mismatch_of<drawing>(R"({"points": ["1,2", "12"]})") ==
               "state.points[1]: point needs a comma");
    BOOST_TEST(mismatch_of<drawing>(R"({"points": [5]})").starts_with("state.points[0]: "));
}

BOOST_AUTO_TEST_CASE(macro_makes_boost_json_value_to_tolerant) {
    auto const read = json::value_to<opted>(json::parse(R"({"read": 3, "unknown": true})"));
    BOOST_TEST(read.kept == 7);
    BOOST_TEST(read.read == 3);
    BOOST_TEST(json::serialize(json::value_from(read)) == R"({"kept":7,"read":3})");
    // Inside a container converted by Boost.JSON itself.
    auto const many = json::value_to<std::vector<opted>>(json::parse(R"([{}, {"kept": 1}])"));
    BOOST_TEST_REQUIRE(many.size() == 2u);
    BOOST_TEST(many[1].kept == 1);
    try {
        (void)json::value_to<opted>(json::parse(R"({"read": "three"})"));
        BOOST_FAIL("a type mismatch must throw");
    } catch (persist::exception const& e) {
        BOOST_TEST(e.error().detail() == "read: expected integer from -2147483648 to 2147483647");
        BOOST_TEST(e.code() == make_error_code(errc::type_mismatch));
    }
}

BOOST_AUTO_TEST_CASE(reads_and_writes_described_bases) {
    auto const read = tolerant_value_to<derived_settings>(json::parse(R"({"level": 3})"));
    BOOST_TEST_REQUIRE(read.has_value());
    BOOST_TEST(read->level == 3);
    BOOST_TEST(read->label == "d");
    BOOST_TEST(json::serialize(tolerant_value_from(*read)) == R"({"level":3,"label":"d"})");
}

BOOST_AUTO_TEST_CASE(json_values_pass_through_unchanged) {
    auto const v = json::parse(R"({"a": [1, {"b": null}]})");
    BOOST_TEST(tolerant_value_to<json::value>(v).value() == v);
    BOOST_TEST(tolerant_value_from(v) == v);
    BOOST_TEST(mismatch_of<json::object>("[]").starts_with("state: "));
}

// Boost.JSON's own conversion of a described struct became more lenient
// from version to version (test/support/boost_version.hpp); persist's does
// the same on every one. One case per difference.
BOOST_AUTO_TEST_CASE(missing_optional_member_boost_json_by_version_persist_always_accepts) {
    auto const v = json::parse(R"({"kept": 3})");
    BOOST_TEST(json::try_value_to<plain_record>(v).has_value() ==
               boost_behaviour::described_value_to_allows_missing_optional);
    BOOST_TEST((tolerant_value_to<plain_record>(v).value() == plain_record{3, std::nullopt}));
}

BOOST_AUTO_TEST_CASE(unknown_key_boost_json_by_version_persist_always_ignores) {
    auto const v = json::parse(R"({"kept": 3, "maybe": 4, "added_later": true})");
    BOOST_TEST(json::try_value_to<plain_record>(v).has_value() ==
               boost_behaviour::described_value_to_ignores_unknown_keys);
    BOOST_TEST((tolerant_value_to<plain_record>(v).value() == plain_record{3, 4}));
}

BOOST_AUTO_TEST_CASE(missing_member_boost_json_rejects_on_every_version_persist_defaults_it) {
    auto const v = json::parse(R"({"maybe": 4})");
    BOOST_TEST(!json::try_value_to<plain_record>(v).has_value());
    BOOST_TEST((tolerant_value_to<plain_record>(v).value() == plain_record{7, 4}));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
