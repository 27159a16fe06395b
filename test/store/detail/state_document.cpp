// The envelope state_file writes around a state: written as format_json
// would write it, read back to the same version, time and state.
#include <persist/store/detail/state_document.hpp>

#include <persist/json_text.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>

namespace persist::test {
namespace {

namespace json = boost::json;

std::chrono::sys_seconds const noon{std::chrono::seconds(1'765'108'800)};  // 2025-12-07T12:00:00Z

}  // namespace

BOOST_AUTO_TEST_SUITE(state_document)

BOOST_AUTO_TEST_CASE(is_written_as_format_json_writes_the_whole_envelope) {
    json::value const states[] = {
        json::object(),
        json::array(),
        42,
        "a \"quoted\"\nline",
        json::parse(R"({"cursor": 3, "entries": [{"id": 1, "note": "x"}, [], {}], "ratio": 0.85,
                        "k\u00e9y": null, "deep": {"a": {"b": [1, [2, [3]]]}}})"),
    };
    for (auto const& state : states) {
        json::object envelope;
        envelope["version"] = 7;
        envelope["last_updated"] = "2025-12-07T12:00:00Z";
        envelope["state"] = state;
        BOOST_TEST(detail::format_state_document(7, noon, state) == format_json(envelope),
                   json::serialize(state));
    }
}

BOOST_AUTO_TEST_CASE(reads_back_what_it_wrote) {
    json::value const state = json::parse(R"({"list": [1, 2.5, "three"], "flag": true})");
    auto const text = detail::format_state_document(3, noon, state);
    auto const document = detail::parse_state_document(text, "state.json");
    BOOST_TEST_REQUIRE(document.has_value(), document.error().message());
    BOOST_TEST(document->version == 3u);
    BOOST_TEST((document->last_updated == noon));
    BOOST_TEST(document->state == state);
}

BOOST_AUTO_TEST_CASE(a_document_without_a_state_is_corrupt) {
    auto const document = detail::parse_state_document(R"({"version": 1})", "state.json");
    BOOST_TEST_REQUIRE(document.has_error());
    BOOST_TEST(document.error().code() == make_error_code(errc::corrupt_data));
    BOOST_TEST(document.error().detail().find("\"state\" is missing") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
