// A file version's identity and the racy-clean rule that both stores use
// to decide when an equal stat(2) proves a file unchanged.
#include <persist/store/detail/file_identity.hpp>

#include <boost/test/unit_test.hpp>

#include <chrono>

namespace persist::test {
namespace {

using namespace std::chrono_literals;

file_status status_at(std::chrono::nanoseconds modified) {
    file_status s;
    s.device = 8;
    s.inode = 1234;
    s.size = 100;
    s.modified_ns = modified.count();
    return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_identity)

BOOST_AUTO_TEST_CASE(identity_is_device_inode_size_and_mtime) {
    auto const base = status_at(1'000'000'000ns);
    auto const same = detail::identity_of(base);
    BOOST_TEST((detail::identity_of(base) == same));
    auto differs = [&](auto change) {
        auto other = base;
        change(other);
        return !(detail::identity_of(other) == same);
    };
    BOOST_TEST(differs([](file_status& s) { s.device += 1; }));
    BOOST_TEST(differs([](file_status& s) { s.inode += 1; }));
    BOOST_TEST(differs([](file_status& s) { s.size += 1; }));
    BOOST_TEST(differs([](file_status& s) { s.modified_ns += 1; }));  // one nanosecond
    // What the identity leaves out: a mode change is not a new version.
    BOOST_TEST(!differs([](file_status& s) { s.mode ^= 0700; }));
}

BOOST_AUTO_TEST_CASE(a_version_is_settled_only_once_the_racy_window_has_passed) {
    auto const modified = std::chrono::nanoseconds(1'700'000'000'000'000'000);
    auto const status = status_at(modified);
    BOOST_TEST(!detail::is_settled(status, modified));  // read in its own mtime tick
    BOOST_TEST(!detail::is_settled(status, modified + detail::racy_window - 1ns));
    BOOST_TEST(detail::is_settled(status, modified + detail::racy_window));
    BOOST_TEST(detail::is_settled(status, modified + 1h));
    // An mtime in the future (a clock stepped back, a skewed server): racy.
    BOOST_TEST(!detail::is_settled(status, modified - 1h));
}

BOOST_AUTO_TEST_CASE(the_window_covers_two_second_mtimes) {
    BOOST_TEST((detail::racy_window > 2s));  // FAT's granularity
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
