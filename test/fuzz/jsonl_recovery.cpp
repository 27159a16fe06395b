// Fuzzes recover_jsonl and jsonl_reader with arbitrary bytes as a log file
// on memory_fs. The input is the log; every line is judged independently by
// Boost.JSON (the rules the reader documents: one value, valid UTF-8, depth
// up to 128), and recovery and the reader must agree with that judgement:
//  - every '\n'-terminated line stays, byte for byte and in order (so no
//    complete valid record is ever dropped, and corrupt lines stay too);
//  - a final line without '\n' gets its '\n' if it is a record, and is
//    otherwise quarantined byte for byte and cut off;
//  - the report counts the records and corrupt lines there are;
//  - recovering again changes nothing, byte for byte, and reports nothing;
//  - a lenient reader over the recovered log, in small chunks, returns
//    exactly the record lines (value, line number, offset, raw bytes) and
//    reports exactly the others;
//  - jsonl_log opens the recovered log without repairing it, and an append
//    adds its line after the existing bytes, which stay as they were.
#include "fuzz/fuzz_support.hpp"

#include <persist/atomic_file.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/json_text.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/jsonl_log.hpp>
#include <persist/store/jsonl_reader.hpp>
#include <persist/store/jsonl_recovery.hpp>


namespace {

using namespace persist;
using namespace persist::fuzz;
using memory_file = atomic_file<memory_fs, no_sync, sibling_temp>;

std::filesystem::path const log_path = "/work/log.jsonl";

/// One line of the input, judged on its own.
struct line_view {
    std::string_view bytes;  ///< without the '\n'
    std::uint64_t offset = 0;
    bool is_record = false;
};

// Whole-line parses with the parser the reader uses: the reader's streaming
// and cutting must agree with it.
bool parses_as_record(std::string_view line) { return parse_json(line, "line").has_value(); }

boost::json::value parsed(std::string_view line) { return *parse_json(line, "line"); }

/// The '\n'-terminated lines of input; the rest (after the last '\n') is tail.
std::vector<line_view> terminated_lines(std::string_view input, std::string_view& tail) {
    std::vector<line_view> lines;
    std::size_t start = 0;
    for (auto nl = input.find('\n'); nl != std::string_view::npos; nl = input.find('\n', start)) {
        auto const bytes = input.substr(start, nl - start);
        lines.push_back({bytes, start, parses_as_record(bytes)});
        start = nl + 1;
    }
    tail = input.substr(start);
    return lines;
}

void check_reader(memory_fs& fs, std::vector<line_view> const& lines, std::size_t chunk_size) {
    jsonl_read_options options;
    options.mode = jsonl_read_mode::lenient;
    options.chunk_size = chunk_size;
    options.keep_line_bytes = true;
    auto reader = jsonl_reader<memory_fs>::open(fs, log_path, options);
    require(reader.has_value(), "reader: cannot open the recovered log");
    std::size_t bad = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        auto const& line = lines[i];
        if (!line.is_record) {
            ++bad;
            continue;
        }
        auto record = reader->next();
        require(record.has_value(), "reader: lenient next() failed",
                record ? "" : record.error().message());
        require(record->has_value(), "reader: a record line was not returned",
                "line " + std::to_string(i + 1));
        require((*record)->line == i + 1 && (*record)->offset == line.offset,
                "reader: wrong line number or offset", "line " + std::to_string(i + 1));
        require(reader->raw_line() == line.bytes, "reader: raw_line differs",
                expected_got(line.bytes, reader->raw_line()));
        require(same_json((*record)->value, parsed(line.bytes)), "reader: record value differs",
                expected_got(parsed(line.bytes), (*record)->value));
    }
    auto end = reader->next();
    require(end.has_value() && !end->has_value(), "reader: more records than record lines");
    require(reader->bad_line_count() == bad, "reader: wrong bad line count");
    require(!reader->unterminated_line().has_value(), "reader: a recovered log has a torn line");
    std::size_t kept = 0;
    for (std::size_t i = 0; i < lines.size() && kept < reader->bad_lines().size(); ++i) {
        if (lines[i].is_record) continue;
        auto const& reported = reader->bad_lines()[kept++];
        require(reported.line == i + 1 && reported.offset == lines[i].offset &&
                    reported.length == lines[i].bytes.size() && reported.terminated,
                "reader: a bad line is reported at the wrong place", reported.detail);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const* data, std::size_t size) {
    auto const input = input_bytes(data, size);
    std::string_view tail;
    auto lines = terminated_lines(input, tail);
    std::string_view const head = input.substr(0, input.size() - tail.size());
    bool const tail_is_record = !tail.empty() && parses_as_record(tail);

    auto fs = fresh_fs();
    put_file(fs, log_path, input);
    memory_file const file(fs);

    auto report = recover_jsonl(file, log_path);
    require(report.has_value(), "recovery failed on memory_fs",
            report ? "" : report.error().message());
    auto const recovered = test::content_of(fs, log_path);

    // Nothing terminated is touched; the tail is completed or quarantined.
    std::string expected(head);
    if (tail_is_record) expected.append(tail).append("\n");
    require(recovered == expected, "recovery: wrong log content",
            expected_got(expected, recovered));
    require(report->added_newline == tail_is_record, "recovery: added_newline is wrong");
    require(report->size == recovered.size(), "recovery: report.size is wrong");
    if (!tail.empty() && !tail_is_record) {
        require(report->torn_bytes == tail.size() && report->torn_offset == head.size(),
                "recovery: wrong torn tail in the report");
        auto const quarantined = test::content_of(fs, report->quarantine_path);
        require(quarantined == tail, "recovery: quarantine does not hold the tail",
                expected_got(tail, quarantined));
    } else {
        require(report->torn_bytes == 0 && report->quarantine_path.empty(),
                "recovery: quarantined without a torn tail");
    }
    std::uint64_t records = tail_is_record ? 1 : 0;
    std::uint64_t corrupt = 0;
    for (auto const& line : lines)
        (line.is_record ? records : corrupt) += 1;
    require(
        report->records == records, "recovery: wrong record count",
        std::to_string(records) + " expected, " + std::to_string(report->records) + " reported");
    require(report->corrupt_line_count == corrupt, "recovery: wrong corrupt line count");

    // Idempotent: the second recovery finds a clean log (but for the corrupt
    // lines, which it reports again) and leaves it as it was.
    auto const files_before = files_in_work(fs);
    auto again = recover_jsonl(file, log_path);
    require(again.has_value(), "second recovery failed", again ? "" : again.error().message());
    require(!again->repaired() && again->corrupt_line_count == corrupt,
            "second recovery: repaired or counted differently");
    require(files_in_work(fs) == files_before, "second recovery changed the files");

    // The reader, in chunks small enough to cut lines and UTF-8 sequences.
    if (tail_is_record) lines.push_back({tail, head.size(), true});
    check_reader(fs, lines, 1 + size % 7);

    auto log = basic_jsonl_log<memory_file>::open(log_path, {}, file);
    require(log.has_value(), "jsonl_log: cannot open the recovered log",
            log ? "" : log.error().message());
    require(!log->recovery().repaired() && log->recovery().corrupt_line_count == corrupt,
            "jsonl_log: opening repaired a recovered log, or counted differently");
    auto appended = log->append(boost::json::object{{"appended", size}});
    require(appended.has_value(), "jsonl_log: append failed",
            appended ? "" : appended.error().message());
    auto const after_append = test::content_of(fs, log_path);
    auto const expected_after = recovered + "{\"appended\":" + std::to_string(size) + "}\n";
    require(after_append == expected_after, "jsonl_log: append changed the existing bytes",
            expected_got(expected_after, after_append));
    return 0;
}
