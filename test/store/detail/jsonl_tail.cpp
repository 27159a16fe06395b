// tail_check_start: where a tail check begins, against a reference that
// scans the whole text, for every short file of '\n' and 'x' bytes and
// every block size; and how many bytes it reads to get there.
#include <persist/store/detail/jsonl_tail.hpp>

#include <persist/testing/counting_fs.hpp>
#include <persist/testing/memory_fs.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

namespace persist::test {
namespace {

/// What tail_check_start must return, from the whole text: the first line
/// start in the last `block` bytes, else the last line's start.
std::uint64_t expected_start(std::string const& text, std::size_t block) {
    if (text.size() <= block) return 0;
    std::uint64_t last_line = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] != '\n') continue;
        if (i + 1 >= text.size() - block) return i + 1;
        last_line = i + 1;
    }
    return last_line;
}

struct file_on_disk {
    explicit file_on_disk(std::string const& text) {
        auto made = fs.open_append("/log", 0644);
        BOOST_TEST_REQUIRE(made.has_value());
        BOOST_TEST_REQUIRE(
            fs.write(*made, std::as_bytes(std::span(text.data(), text.size()))).has_value());
        (void)fs.close(*made);
        auto opened = fs.open_read("/log");
        BOOST_TEST_REQUIRE(opened.has_value());
        handle = *opened;
    }
    ~file_on_disk() { (void)fs.close(handle); }

    counting_fs<memory_fs> fs;
    memory_fs::handle handle;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_tail)

BOOST_AUTO_TEST_CASE(begins_at_the_first_line_of_the_last_block_or_the_last_line) {
    // Every text of up to 9 bytes over {'x', '\n'}: boundaries at every
    // place, a block boundary on a '\n' and just after one included.
    for (std::size_t size = 0; size <= 9; ++size) {
        for (std::size_t bits = 0; bits < (std::size_t{1} << size); ++bits) {
            std::string text(size, 'x');
            for (std::size_t i = 0; i < size; ++i) {
                if ((bits >> i & 1) != 0) text[i] = '\n';
            }
            file_on_disk file(text);
            for (std::size_t block = 1; block <= 10; ++block) {
                BOOST_TEST_CONTEXT("text \"" << text << "\", block " << block) {
                    auto start = detail::tail_check_start(file.fs, file.handle, size, block);
                    BOOST_TEST_REQUIRE(start.has_value());
                    BOOST_TEST(*start == expected_start(text, block));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(reads_one_block_when_a_line_begins_there) {
    std::string text;
    while (text.size() < 1'000'000)
        text += "{\"short\":true}\n";
    file_on_disk file(text);
    auto start = detail::tail_check_start(file.fs, file.handle, text.size(), 4096);
    BOOST_TEST_REQUIRE(start.has_value());
    BOOST_TEST(*start == expected_start(text, 4096));
    BOOST_TEST(file.fs.bytes_read() == 4097u);
    BOOST_TEST(file.fs.count(fs_op::read) == 0u);
}

BOOST_AUTO_TEST_CASE(reads_a_long_last_line_back_to_its_start) {
    std::string const text = "{}\n" + std::string(100'000, 'x') + "\n";
    file_on_disk file(text);
    auto start = detail::tail_check_start(file.fs, file.handle, text.size(), 4096);
    BOOST_TEST_REQUIRE(start.has_value());
    BOOST_TEST(*start == 3u);
    // The last line whole, and nothing twice.
    BOOST_TEST(file.fs.bytes_read() >= text.size() - 3);
    BOOST_TEST(file.fs.bytes_read() <= text.size());
}

BOOST_AUTO_TEST_CASE(a_failed_read_is_reported) {
    std::string const text(100, 'x');
    file_on_disk file(text);
    auto writer = file.fs.open_append("/log", 0644);
    BOOST_TEST_REQUIRE(writer.has_value());
    auto start = detail::tail_check_start(file.fs, *writer, text.size(), 10);
    BOOST_TEST_REQUIRE(!start);
    BOOST_TEST(start.error() == errno_code(EBADF));
    (void)file.fs.close(*writer);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
