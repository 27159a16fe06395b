#include <persist/json_parser.hpp>
#include <persist/json_text.hpp>

#include <boost/json/error.hpp>
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <string_view>

namespace persist::test {

namespace {

/// text parsed in one write, or the error's message.
boost::json::value parse(std::string_view text, json_syntax syntax = json_syntax::strict) {
    json_parser parser(syntax);
    boost::system::error_code ec;
    parser.write(text.data(), text.size(), ec);
    if (!ec) parser.finish(ec);
    BOOST_TEST_REQUIRE(!ec, "'" << text << "': " << ec.message());
    return parser.release();
}

std::uint64_t bits_of(double d) { return std::bit_cast<std::uint64_t>(d); }

/// A random finite double, from all 2^64 bit patterns but NaN and infinity.
double random_double(std::mt19937_64& random) {
    for (;;) {
        double const d = std::bit_cast<double>(random());
        if (std::isfinite(d)) return d;
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(json_parser_suite)

// The classic hard cases of decimal to binary conversion, each compared bit
// for bit with the value the compiler gives the same literal.
BOOST_AUTO_TEST_CASE(reads_hard_doubles_correctly_rounded) {
    struct hard_case {
        std::string_view text;
        double expected;
    };
    hard_case const cases[] = {
        {"5e-324", std::numeric_limits<double>::denorm_min()},
        {"2.2250738585072014e-308", std::numeric_limits<double>::min()},
        {"2.2250738585072011e-308", 2.2250738585072011e-308},  // the largest subnormal
        {"1.7976931348623157e308", std::numeric_limits<double>::max()},
        {"0.1", 0.1},
        {"1e23", 1e23},
        {"8.98846567431158e307", 8.98846567431158e307},
        // Boost 1.81 reads these one ulp off by default.
        {"0.9424502837770503", 0.9424502837770503},
        {"1.7777777777777777E47", 1.7777777777777777E47},
        {"9007199254740993.0", 9007199254740993.0},
    };
    for (auto const& c : cases) {
        auto const v = parse(c.text);
        BOOST_TEST_REQUIRE(v.is_double(), c.text);
        BOOST_TEST(bits_of(v.get_double()) == bits_of(c.expected), c.text);
    }
}

BOOST_AUTO_TEST_CASE(keeps_integers_integers) {
    BOOST_TEST(parse("9007199254740993").as_int64() == 9007199254740993);
    BOOST_TEST(parse("-9223372036854775808").as_int64() ==
               std::numeric_limits<std::int64_t>::min());
    BOOST_TEST(parse("18446744073709551615").as_uint64() ==
               std::numeric_limits<std::uint64_t>::max());
    // One past uint64 is a double, correctly rounded.
    auto const past = parse("18446744073709551616");
    BOOST_TEST_REQUIRE(past.is_double());
    BOOST_TEST(past.get_double() == 18446744073709551616.0);
}

BOOST_AUTO_TEST_CASE(signed_zero_and_underflow_read_as_signed_zero) {
    for (auto text : {"-0.0", "-1e-400", "-0e400"}) {
        auto const v = parse(text);
        BOOST_TEST_REQUIRE(v.is_double(), text);
        BOOST_TEST(v.get_double() == 0.0, text);
        BOOST_TEST(std::signbit(v.get_double()), text);
    }
    for (auto text : {"1e-400", "0e400", "0.0e999", "2e-324"}) {
        auto const v = parse(text);
        BOOST_TEST_REQUIRE(v.is_double(), text);
        BOOST_TEST(bits_of(v.get_double()) == bits_of(0.0), text);
    }
    BOOST_TEST(parse("3e-324").get_double() == std::numeric_limits<double>::denorm_min());
}

BOOST_AUTO_TEST_CASE(refuses_numbers_too_large_for_a_double) {
    for (std::string_view text :
         {"1e999", "-1e999", "1.7976931348623159e308", "[1, 2e400]", "{\"a\": 1e99999}"}) {
        json_parser parser;
        boost::system::error_code ec;
        parser.write(text.data(), text.size(), ec);
        if (!ec) parser.finish(ec);
        BOOST_TEST(ec == number_out_of_range(), text << ": " << ec.message());
    }
    BOOST_TEST(number_out_of_range().message() == "number is out of range for a double");
    // An exponent too long for Boost.JSON to hold: 1.81 fails it itself,
    // 1.83's precise mode reads infinity, which json_parser refuses.
    json_parser parser;
    boost::system::error_code ec;
    parser.write("1e99999999999", 13, ec);
    if (!ec) parser.finish(ec);
    BOOST_TEST((ec == boost::json::error::exponent_overflow || ec == number_out_of_range()),
               ec.message());
    auto const parsed = parse_json("{\n  \"big\": 1e999\n}\n", "s.json");
    BOOST_TEST_REQUIRE(parsed.has_error());
    BOOST_TEST(parsed.error().detail() == "line 2, column 15: number is out of range for a double");
}

// A stream cuts numbers anywhere: a number written a byte at a time reads
// as the same value as one written whole.
BOOST_AUTO_TEST_CASE(reads_numbers_cut_across_writes) {
    std::string_view const text = "[0.9424502837770503,-1e-400,1.7976931348623157e308,12,5e-324]";
    json_parser parser;
    boost::system::error_code ec;
    for (char const& c : text) {
        parser.write(&c, 1, ec);
        BOOST_TEST_REQUIRE(!ec, ec.message());
    }
    parser.finish(ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(parser.release() == parse(text));
    // And the cut parts of one number do not leak into the next document.
    parser.reset();
    parser.write("0.12", 4, ec);
    parser.reset();
    parser.write("7.5", 3, ec);
    parser.finish(ec);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST(parser.release().as_double() == 7.5);
}

// A million random doubles from all bit patterns, bit for bit, in the two
// forms they come in: the shortest round-trip text persist writes, and the
// 17 significant digits other programs (printf("%.17g")) write.
BOOST_AUTO_TEST_CASE(a_million_random_doubles_read_back_bit_for_bit) {
    constexpr std::size_t count = 1'000'000;
    std::mt19937_64 random(20261207);
    std::vector<double> values(count);
    for (auto& d : values)
        d = random_double(random);
    std::string shortest = "[";
    std::string printf_17 = "[";
    char buffer[40];
    for (auto const d : values) {
        append_json_double(shortest, d);
        shortest += ',';
        auto const n = std::snprintf(buffer, sizeof buffer, "%.17g,", d);
        printf_17.append(buffer, static_cast<std::size_t>(n));
    }
    shortest.back() = ']';
    printf_17.back() = ']';
    for (auto const* text : {&shortest, &printf_17}) {
        auto const parsed = parse(*text);
        auto const& array = parsed.as_array();
        BOOST_TEST_REQUIRE(array.size() == count);
        std::size_t wrong = 0;
        for (std::size_t i = 0; i < count; ++i) {
            double const read = array[i].is_double()  ? array[i].get_double()
                                : array[i].is_int64() ? double(array[i].get_int64())
                                                      : double(array[i].get_uint64());
            if (bits_of(read) != bits_of(values[i]) && ++wrong <= 5)
                BOOST_TEST_MESSAGE("element " << i << " read as " << read);
        }
        BOOST_TEST(wrong == 0u);
    }
}

BOOST_AUTO_TEST_CASE(strict_refuses_what_jsonc_accepts) {
    std::string_view const text = "{\n  // a comment\n  \"a\": [1, 2,], /* another */\n}";
    BOOST_TEST(parse(text, json_syntax::jsonc) == parse(R"({"a": [1, 2]})"));
    json_parser strict;
    boost::system::error_code ec;
    strict.write(text.data(), text.size(), ec);
    BOOST_TEST(ec == boost::json::error::syntax);
}

// Comments are read alike on every Boost: a /* comment ends at the first */
// after its /* (Boost 1.81's own reader does not end one at "**/"), "//"
// inside a string is text, and a comment cut across writes is still one.
BOOST_AUTO_TEST_CASE(jsonc_comments_end_where_they_should) {
    BOOST_TEST(parse("/** doc **/ {\"a\": 1 /*/ still a comment */, \"b\": \"x//y/*z*/\"}",
                     json_syntax::jsonc) == parse(R"({"a": 1, "b": "x//y/*z*/"})"));
    BOOST_TEST(parse("[1, // one\r\n 2 /***/, 3, /**/]", json_syntax::jsonc) == parse("[1, 2, 3]"));

    std::string_view const text = "{\"k\": /* a\n b */ 1, // c\n \"s\": \"\\\"//\"}";
    json_parser parser(json_syntax::jsonc);
    boost::system::error_code ec;
    for (char const& c : text) {
        BOOST_TEST_REQUIRE(parser.write(&c, 1, ec) == 1u);
        BOOST_TEST_REQUIRE(!ec, ec.message());
    }
    parser.finish(ec);
    BOOST_TEST_REQUIRE(!ec, ec.message());
    BOOST_TEST(parser.release() == parse(R"({"k": 1, "s": "\"//"})"));

    json_parser unclosed(json_syntax::jsonc);
    unclosed.write("[1 /* open", 10, ec);
    BOOST_TEST_REQUIRE(!ec);
    unclosed.finish(ec);
    BOOST_TEST(ec == unclosed_comment());
    BOOST_TEST(ec.message() == "a /* comment is not closed");
    BOOST_TEST(unclosed.unclosed_comment_offset() == 3u);  // counted across writes:
    json_parser split(json_syntax::jsonc);
    split.write("[1, /* a */ 2 ", 14, ec);
    split.write("/", 1, ec);
    split.write("* b", 3, ec);
    split.finish(ec);
    BOOST_TEST(ec == unclosed_comment());
    BOOST_TEST(split.unclosed_comment_offset() == 14u);  // the '/' written alone

    json_parser lone_slash(json_syntax::jsonc);
    lone_slash.write("[1]/", 4, ec);
    if (!ec) lone_slash.finish(ec);
    BOOST_TEST(ec == boost::json::error::extra_data, ec.message());
}

BOOST_AUTO_TEST_CASE(refuses_bytes_after_the_document_and_deep_nesting) {
    json_parser parser;
    boost::system::error_code ec;
    BOOST_TEST(parser.write("1 2", 3, ec) == 2u);
    BOOST_TEST(ec == boost::json::error::extra_data);

    json_parser shallow(json_syntax::strict, 2);
    shallow.write("[[[1]]]", 7, ec);
    BOOST_TEST(ec == boost::json::error::too_deep);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
