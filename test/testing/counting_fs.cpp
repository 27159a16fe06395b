// counting_fs: the conformance test, and what it records.
#include <persist/testing/counting_fs.hpp>

#include "support/fs_conformance.hpp"

#include <persist/testing/memory_fs.hpp>

#include <boost/test/unit_test.hpp>

#include <array>
#include <string>

namespace persist::test {

BOOST_AUTO_TEST_SUITE(counting_fs_decorator)

BOOST_AUTO_TEST_CASE(conforms_to_fs_policy) {
    fs_environment<counting_fs<posix_fs>> real;
    test_fs_policy(real);
    fs_environment<counting_fs<memory_fs>> simulated;
    test_fs_policy(simulated);
    BOOST_TEST(simulated.fs.count(fs_op::rename) > 10u);
}

BOOST_AUTO_TEST_CASE(records_every_call_in_order) {
    memory_fs disk;
    counting_fs<memory_fs> fs(disk);
    auto h = fs.create_exclusive("/f", 0644);
    BOOST_TEST_REQUIRE(h.has_value());
    (void)fs.sync_full(*h);
    (void)fs.close(*h);
    (void)fs.stat("/missing");
    BOOST_TEST((fs.calls() ==
                std::vector{fs_op::create_exclusive, fs_op::sync_full, fs_op::close, fs_op::stat}));
    BOOST_TEST(fs.count(fs_op::stat) == 1u);
    auto copy = fs;
    copy.reset();
    BOOST_TEST(fs.calls().empty());
    BOOST_TEST(fs.count(fs_op::close) == 0u);
}

BOOST_AUTO_TEST_CASE(counts_the_bytes_reads_return) {
    memory_fs disk;
    counting_fs<memory_fs> fs(disk);
    auto h = fs.create_exclusive("/f", 0644);
    BOOST_TEST_REQUIRE(h.has_value());
    std::string const text = "abcdefgh";
    BOOST_TEST_REQUIRE(fs.write(*h, std::as_bytes(std::span(text.data(), text.size()))));
    (void)fs.close(*h);
    auto r = fs.open_read("/f");
    BOOST_TEST_REQUIRE(r.has_value());
    std::array<std::byte, 5> buffer{};
    BOOST_TEST(*fs.read(*r, buffer) == 5u);
    BOOST_TEST(*fs.read_at(*r, 6, buffer) == 2u);
    BOOST_TEST(*fs.read(*r, buffer) == 3u);
    BOOST_TEST(!fs.read_at(*h, 0, buffer));  // closed: fails, counts nothing
    BOOST_TEST(fs.bytes_read() == 10u);
    BOOST_TEST(fs.count(fs_op::read) == 2u);
    BOOST_TEST(fs.count(fs_op::read_at) == 2u);
    (void)fs.close(*r);
    fs.reset();
    BOOST_TEST(fs.bytes_read() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
