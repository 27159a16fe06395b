// jsonl_reader: records with line numbers and offsets, strict and lenient
// modes, typed records, and reading in constant memory.
#include <persist/store/jsonl_reader.hpp>

#include "support/temp_directory.hpp"

#include <persist/fs/posix_fs.hpp>

#include <boost/describe/class.hpp>
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <string>
#include <vector>

namespace persist::test {
namespace {

namespace json = boost::json;
using namespace std::string_literals;

struct session_event {
    std::string kind;
    int seq = 0;
};
BOOST_DESCRIBE_STRUCT(session_event, (), (kind, seq))

struct reader_fixture {
    temp_directory dir;
    std::filesystem::path file = dir / "log.jsonl";

    void write(std::string const& bytes) const {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    jsonl_reader<posix_fs> open(jsonl_read_options options = {}) const {
        return jsonl_reader<posix_fs>::open(posix_fs{}, file, options).value();
    }
};

struct line_at {
    json::value value;
    std::uint64_t line;
    std::uint64_t offset;
};

/// Every record, or the error that stopped reading, as text.
std::vector<line_at> read_all(jsonl_reader<posix_fs>& reader, std::string* failure = nullptr) {
    std::vector<line_at> records;
    for (;;) {
        auto next = reader.next();
        if (!next) {
            if (failure) *failure = next.error().detail();
            return records;
        }
        if (!*next) return records;
        records.push_back({(*next)->value, (*next)->line, (*next)->offset});
    }
}

/// Current resident set size of this process, in bytes (0 if unknown).
std::size_t resident_bytes() {
    std::ifstream status("/proc/self/status");
    std::string key;
    while (status >> key) {
        if (key == "VmRSS:") {
            std::size_t kib = 0;
            status >> kib;
            return kib * 1024;
        }
        status.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
    }
    return 0;
}

/// Skips a memory test, saying why, where resident memory shows nothing.
boost::test_tools::assertion_result resident_memory_is_measurable(boost::unit_test::test_unit_id) {
    boost::test_tools::assertion_result measurable(true);
#if defined(__SANITIZE_ADDRESS__)
    measurable = false;
    measurable.message() << "AddressSanitizer keeps freed memory in quarantine, so RSS says "
                            "nothing about the reader";
#else
    if (resident_bytes() == 0) {
        measurable = false;
        measurable.message() << "/proc/self/status has no VmRSS, so memory cannot be measured";
    }
#endif
    return measurable;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_reader_tests)

BOOST_AUTO_TEST_CASE(yields_records_with_line_numbers_and_offsets_at_every_chunk_size) {
    reader_fixture f;
    std::string const text =
        "{\"a\":1}\n[1,2,3]\n\"caf\xC3\xA9\"\n{\"nested\":{\"x\":[true,null]}}\r\n42\n";
    f.write(text);
    for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u, 65536u}) {
        jsonl_read_options options;
        options.chunk_size = chunk;
        auto reader = f.open(options);
        auto const records = read_all(reader);
        BOOST_TEST_REQUIRE(records.size() == 5u, "chunk " << chunk);
        BOOST_TEST(records[0].value == json::parse(R"({"a":1})"));
        BOOST_TEST(records[2].value == json::value("caf\xC3\xA9"));
        BOOST_TEST(records[3].value == json::parse(R"({"nested":{"x":[true,null]}})"));
        BOOST_TEST(records[4].value == json::value(42));
        std::uint64_t offset = 0;
        for (std::size_t i = 0; i < records.size(); ++i) {
            BOOST_TEST(records[i].line == i + 1);
            BOOST_TEST(records[i].offset == offset);
            offset = text.find('\n', offset) + 1;
        }
        BOOST_TEST(reader.record_count() == 5u);
        BOOST_TEST(reader.line_count() == 5u);
        BOOST_TEST(reader.terminated_size() == text.size());
        BOOST_TEST(!reader.unterminated_line());
        BOOST_TEST(!reader.next().value());  // stays at the end
    }
}

BOOST_AUTO_TEST_CASE(strict_mode_stops_at_the_first_bad_line) {
    reader_fixture f;
    f.write("{\"a\":1}\n{\"a\":2}\n{oops}\n{\"a\":4}\n");
    auto reader = f.open();
    std::string failure;
    auto const records = read_all(reader, &failure);
    BOOST_TEST(records.size() == 2u);
    BOOST_TEST(failure.starts_with("line 3, byte offset 16: "), failure);
    auto again = reader.next();  // the error is final
    BOOST_TEST_REQUIRE(!again);
    BOOST_TEST((again.error().stage() == stage::parse));
    BOOST_TEST(again.error().code() == make_error_code(errc::corrupt_data));
    BOOST_TEST(again.error().path() == f.file);
}

BOOST_AUTO_TEST_CASE(lenient_mode_skips_and_reports_bad_lines) {
    reader_fixture f;
    std::string const text =
        "{\"a\":1}\n\n{\"a\":2} trailing\n\xFF\xFE\n{\"a\":3}\n   \n{\"a\":4}\n{\"a\":";
    f.write(text);
    jsonl_read_options options;
    options.mode = jsonl_read_mode::lenient;
    options.chunk_size = 5;
    auto reader = f.open(options);
    auto const records = read_all(reader);
    BOOST_TEST_REQUIRE(records.size() == 3u);
    BOOST_TEST(records[1].value == json::parse(R"({"a":3})"));
    BOOST_TEST(records[1].line == 5u);
    BOOST_TEST(records[2].line == 7u);
    auto const& bad = reader.bad_lines();
    BOOST_TEST_REQUIRE(bad.size() == 5u);
    BOOST_TEST(bad[0].line == 2u);
    BOOST_TEST(bad[0].offset == 8u);
    BOOST_TEST(bad[0].length == 0u);
    BOOST_TEST(bad[0].detail == "line 2, byte offset 8: empty line");
    BOOST_TEST(bad[1].line == 3u);
    BOOST_TEST(bad[1].length == 16u);
    BOOST_TEST(bad[2].line == 4u);
    BOOST_TEST(bad[3].line == 6u);  // whitespace only
    BOOST_TEST(bad[4].line == 8u);  // the torn final line
    BOOST_TEST(!bad[4].terminated);
    BOOST_TEST(bad[4].detail.starts_with("line 8, byte offset "));
    BOOST_TEST(bad[4].detail.find("torn final line without a newline") != std::string::npos);
    for (auto const& b : bad)
        BOOST_TEST(b.reason == make_error_code(errc::corrupt_data));
    BOOST_TEST(reader.bad_line_count() == 5u);
    BOOST_TEST_REQUIRE(reader.unterminated_line().has_value());
    BOOST_TEST(reader.unterminated_line()->offset == text.rfind('\n') + 1);
    BOOST_TEST(reader.unterminated_line()->length == 5u);
    BOOST_TEST(!reader.unterminated_line()->is_record);
    BOOST_TEST(reader.unterminated_line()->bytes.empty());  // not kept unless asked
}

BOOST_AUTO_TEST_CASE(a_final_record_without_newline_is_a_record) {
    reader_fixture f;
    f.write("{\"a\":1}\n{\"a\":2}");
    jsonl_read_options options;
    options.keep_line_bytes = true;
    auto reader = f.open(options);
    auto const records = read_all(reader);
    BOOST_TEST_REQUIRE(records.size() == 2u);
    BOOST_TEST(reader.raw_line() == "{\"a\":2}");
    BOOST_TEST_REQUIRE(reader.unterminated_line().has_value());
    BOOST_TEST(reader.unterminated_line()->is_record);
    BOOST_TEST(reader.unterminated_line()->bytes == "{\"a\":2}");
    BOOST_TEST(reader.terminated_size() == 8u);
}

BOOST_AUTO_TEST_CASE(strict_mode_reports_a_torn_final_line) {
    reader_fixture f;
    f.write("{\"a\":1}\n{\"a\":\"caf\xC3");
    auto reader = f.open();
    std::string failure;
    BOOST_TEST(read_all(reader, &failure).size() == 1u);
    BOOST_TEST(failure.starts_with("line 2, byte offset 8: torn final line without a newline"),
               failure);
}

BOOST_AUTO_TEST_CASE(byte_limit_reads_a_snapshot) {
    reader_fixture f;
    f.write("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
    jsonl_read_options options;
    options.byte_limit = 16;
    options.chunk_size = 3;
    auto reader = f.open(options);
    BOOST_TEST(read_all(reader).size() == 2u);
    BOOST_TEST(!reader.unterminated_line());
}

BOOST_AUTO_TEST_CASE(typed_records_convert_or_report_a_type_mismatch) {
    reader_fixture f;
    f.write(R"({"kind":"start","seq":1})"
            "\n"
            R"({"kind":"oops","seq":"not a number"})"
            "\n"
            R"({"kind":"stop","seq":3})"
            "\n");
    {
        jsonl_read_options options;
        options.mode = jsonl_read_mode::lenient;
        auto reader = f.open(options);
        std::vector<session_event> events;
        std::vector<std::uint64_t> lines;
        while (auto next = reader.next_as<session_event>().value()) {
            events.push_back(next->value);
            lines.push_back(next->line);
        }
        BOOST_TEST_REQUIRE(events.size() == 2u);
        BOOST_TEST(events[0].kind == "start");
        BOOST_TEST(events[1].seq == 3);
        BOOST_TEST(lines == (std::vector<std::uint64_t>{1, 3}));
        BOOST_TEST_REQUIRE(reader.bad_lines().size() == 1u);
        BOOST_TEST(reader.bad_lines()[0].line == 2u);
        BOOST_TEST(reader.bad_lines()[0].reason == make_error_code(errc::type_mismatch));
        BOOST_TEST(reader.record_count() == 2u);
    }
    {
        auto reader = f.open();
        BOOST_TEST(reader.next_as<session_event>().has_value());
        auto mismatch = reader.next_as<session_event>();
        BOOST_TEST_REQUIRE(!mismatch);
        BOOST_TEST((mismatch.error().stage() == stage::parse));
        BOOST_TEST(mismatch.error().code() == make_error_code(errc::type_mismatch));
        BOOST_TEST(mismatch.error().detail().starts_with(
            "line 2, byte offset 25: cannot convert the record"));
    }
}

BOOST_AUTO_TEST_CASE(lenient_mode_keeps_a_bounded_list_but_counts_all) {
    reader_fixture f;
    std::string text;
    for (int i = 0; i < 50; ++i)
        text += "bad\n{}\n";
    f.write(text);
    jsonl_read_options options;
    options.mode = jsonl_read_mode::lenient;
    options.max_bad_lines_kept = 10;
    auto reader = f.open(options);
    BOOST_TEST(read_all(reader).size() == 50u);
    BOOST_TEST(reader.bad_lines().size() == 10u);
    BOOST_TEST(reader.bad_line_count() == 50u);
}

BOOST_AUTO_TEST_CASE(open_reports_a_missing_file) {
    reader_fixture f;
    auto reader = jsonl_reader<posix_fs>::open(posix_fs{}, f.file);
    BOOST_TEST_REQUIRE(!reader);
    BOOST_TEST((reader.error().stage() == stage::read));
    BOOST_TEST(reader.error().code() == std::make_error_code(std::errc::no_such_file_or_directory));
}

BOOST_AUTO_TEST_CASE(memory_stays_flat_over_a_huge_bad_line_and_many_records,
                     *boost::unit_test::precondition(resident_memory_is_measurable)) {
    // 128 MiB of garbage on one line, then 200k records: a reader that
    // buffered lines or the file would hold well over 100 MiB.
    reader_fixture f;
    {
        std::ofstream out(f.file, std::ios::binary);
        std::string garbage(1 << 20, 'x');
        for (int i = 0; i < 128; ++i)
            out << garbage;
        out << '\n';
        for (int i = 0; i < 200'000; ++i)
            out << "{\"n\":" << i << ",\"pad\":\"................\"}\n";
    }
    std::size_t const before = resident_bytes();
    jsonl_read_options options;
    options.mode = jsonl_read_mode::lenient;
    auto reader = f.open(options);
    std::size_t records = 0;
    std::size_t peak = before;
    while (auto next = reader.next().value()) {
        if (++records % 10'000 == 0) peak = std::max(peak, resident_bytes());
    }
    peak = std::max(peak, resident_bytes());
    BOOST_TEST(records == 200'000u);
    BOOST_TEST(reader.bad_line_count() == 1u);
    BOOST_TEST(reader.bad_lines()[0].length == 128u << 20);
    BOOST_TEST(peak - before < std::size_t(16) << 20,
               "resident memory grew by " << (peak - before) << " bytes");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
