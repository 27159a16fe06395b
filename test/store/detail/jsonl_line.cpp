// The record checks that keep every written line readable.
#include <persist/store/detail/jsonl_line.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <limits>
#include <string>

namespace persist::test {
namespace {

namespace json = boost::json;

json::value nested(std::size_t depth) {
    json::value v = 1;
    for (std::size_t i = 0; i < depth; ++i) {
        json::array wrapper;  // not json::array{v}: clang and g++ pick different constructors
        wrapper.push_back(std::move(v));
        v = std::move(wrapper);
    }
    return v;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_line)

BOOST_AUTO_TEST_CASE(accepts_every_json_kind_and_writes_one_line) {
    json::value const record =
        json::parse(R"({"s":"a\nb\u0000","n":-1.5,"i":-3,"u":18446744073709551615,)"
                    R"("b":true,"z":null,"a":[1,{"k":[]}],"o":{}})");
    BOOST_TEST(detail::unwritable_reason(record).empty());
    std::string line;
    detail::append_jsonl_line(line, record);
    BOOST_TEST(line.back() == '\n');
    BOOST_TEST(line.find('\n') == line.size() - 1);  // the string's newline is escaped
    BOOST_TEST(json::parse(line) == record);
}

BOOST_AUTO_TEST_CASE(rejects_what_would_not_read_back) {
    // find_unrepresentable's reasons, with the path to the value.
    BOOST_TEST(detail::unwritable_reason(json::value(std::numeric_limits<double>::infinity())) ==
               "NaN and infinity cannot be written as JSON");
    BOOST_TEST(
        detail::unwritable_reason(json::array({1, std::numeric_limits<double>::quiet_NaN()})) ==
        "[1]: NaN and infinity cannot be written as JSON");
    BOOST_TEST(detail::unwritable_reason(json::object{{"k", "bad \xFF"}}) ==
               "k: string is not valid UTF-8");
    json::object bad_key;
    bad_key["\xC0\x80"] = 1;
    BOOST_TEST(detail::unwritable_reason(bad_key).ends_with("member name is not valid UTF-8"));
    json::object cut_sequence;
    cut_sequence["text"] = "caf\xC3";
    BOOST_TEST(detail::unwritable_reason(cut_sequence) == "text: string is not valid UTF-8");
}

BOOST_AUTO_TEST_CASE(depth_limit_matches_the_reader) {
    BOOST_TEST(detail::unwritable_reason(nested(detail::jsonl_max_depth)).empty());
    BOOST_TEST(detail::unwritable_reason(nested(detail::jsonl_max_depth + 1)) ==
               "nesting is deeper than 128");
    json::parse_options options;
    options.max_depth = detail::jsonl_max_depth;
    std::string line;
    detail::append_jsonl_line(line, nested(detail::jsonl_max_depth));
    boost::system::error_code ec;
    (void)json::parse(line, ec, {}, options);
    BOOST_TEST(!ec);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
