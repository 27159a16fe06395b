// sink: buffering, pass-through of large pieces, sticky errors.
#include <persist/sink.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace persist::test {
namespace {

struct recorder {
    std::vector<std::size_t> writes;
    std::string bytes;
    int fail_at = -1;  // index of the write to fail, -1 for none

    static std::error_code flush(void* self, std::span<std::byte const> b) {
        auto& r = *static_cast<recorder*>(self);
        if (static_cast<int>(r.writes.size()) == r.fail_at)
            return std::make_error_code(std::errc::no_space_on_device);
        r.writes.push_back(b.size());
        r.bytes.append(reinterpret_cast<char const*>(b.data()), b.size());
        return {};
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(sink_buffering)

BOOST_AUTO_TEST_CASE(small_pieces_are_gathered) {
    recorder r;
    sink out(&recorder::flush, &r);
    for (int i = 0; i < 1000; ++i)
        out.write("0123456789");
    BOOST_TEST(r.writes.empty());
    BOOST_TEST(!out.flush());
    BOOST_TEST(r.writes == std::vector<std::size_t>{10'000});
    BOOST_TEST(r.bytes.size() == 10'000u);
}

BOOST_AUTO_TEST_CASE(large_pieces_go_straight_through_in_order) {
    recorder r;
    sink out(&recorder::flush, &r);
    out.write("head");
    out.write(std::string(100'000, 'x'));
    out.write("tail");
    BOOST_TEST(!out.flush());
    BOOST_TEST((r.writes == std::vector<std::size_t>{4, 100'000, 4}));
    BOOST_TEST(r.bytes == "head" + std::string(100'000, 'x') + "tail");
}

BOOST_AUTO_TEST_CASE(first_error_is_sticky) {
    recorder r;
    r.fail_at = 0;
    sink out(&recorder::flush, &r);
    out.write(std::string(100'000, 'x'));
    BOOST_TEST(out.failed());
    out.write("more");
    BOOST_TEST((out.flush() == std::errc::no_space_on_device));
    BOOST_TEST(r.bytes.empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
