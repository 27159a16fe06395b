// UTC time text: both formats of one instant, and the reader's refusals.
#include <persist/detail/utc_time.hpp>

#include <boost/test/unit_test.hpp>

namespace persist::test {

using namespace std::chrono;

namespace {
/// 2026-11-21 21:40:03 UTC.
sys_seconds const an_instant =
    sys_days(year(2026) / 11 / 21) + hours(21) + minutes(40) + seconds(3);
}  // namespace

BOOST_AUTO_TEST_SUITE(utc_time)

BOOST_AUTO_TEST_CASE(formats_one_instant_both_ways) {
    BOOST_TEST(detail::format_utc_time(an_instant) == "2026-11-21T21:40:03Z");
    BOOST_TEST(detail::format_utc_time_for_file_name(an_instant) == "20261121T214003Z");
    BOOST_TEST(detail::format_utc_time_for_file_name(sys_seconds{}) == "19700101T000000Z");
}

BOOST_AUTO_TEST_CASE(reads_back_what_it_writes_and_nothing_else) {
    auto const read = detail::parse_utc_time(detail::format_utc_time(an_instant));
    BOOST_TEST_REQUIRE(read.has_value());
    BOOST_TEST((*read == an_instant));
    BOOST_TEST(!detail::parse_utc_time("20261121T214003Z").has_value());
    BOOST_TEST(!detail::parse_utc_time("2026-11-21T21:40:03.5Z").has_value());
}

BOOST_AUTO_TEST_CASE(now_is_whole_seconds_of_the_system_clock) {
    auto const before = floor<seconds>(system_clock::now());
    auto const now = detail::utc_now();
    BOOST_TEST((now >= before));
    BOOST_TEST((now <= system_clock::now()));
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
