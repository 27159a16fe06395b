// recover_jsonl: torn tails of every length are quarantined byte for byte,
// a final record gets its newline, corruption in the middle is reported and
// kept, and recovery is idempotent, also after a crash half-way.
#include <persist/store/jsonl_recovery.hpp>

#include "support/fail_nth_fs.hpp"
#include "support/fs_inspect.hpp"
#include "support/temp_directory.hpp"

#include <persist/atomic_file.hpp>
#include <persist/detail/utc_time.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/testing/counting_fs.hpp>

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>
#include <sstream>

namespace persist::test {
namespace {

using namespace std::string_literals;
namespace json = boost::json;

using quick_file = atomic_file<posix_fs, no_sync, sibling_temp>;

/// Five records of several kinds, with 2-, 3- and 4-byte UTF-8 sequences.
std::string const valid_log =
    "{\"id\":1,\"text\":\"plain\"}\n"
    "{\"id\":2,\"text\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}\n"
    "[\"array\",3,{\"k\":null}]\n"
    "\"a string record \xC3\xA9\"\n"
    "{\"id\":5,\"nested\":{\"a\":[1,2,{\"b\":true}]}}\n";

void write_file(std::filesystem::path const& p, std::string const& bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
}

std::string read_file(std::filesystem::path const& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
}

jsonl_open_check const both_checks[] = {jsonl_open_check::full, jsonl_open_check::tail};

/// Short valid records, more than a tail block of them.
std::string const long_log = [] {
    std::string text;
    for (int id = 0; text.size() < 2 * jsonl_tail_block; ++id)
        text += "{\"id\":" + std::to_string(id) + ",\"text\":\"a short record\"}\n";
    return text;
}();

/// The quarantine files next to log, sorted.
std::vector<std::string> torn_files(std::filesystem::path const& log) {
    auto names = entries_of(posix_fs{}, log.parent_path());
    std::erase_if(names, [&](std::string const& n) {
        return !n.starts_with(log.filename().string() + ".torn-");
    });
    return names;
}

/// Runs recovery on `content` and checks it against the rule: the bytes after
/// the last '\n' are quarantined unless they parse, in which case they get a
/// newline; everything up to the last '\n' is kept as it was. Under either
/// check: the rule looks only at the end.
void check_recovery_of(std::string const& content, std::string const& label,
                       jsonl_open_check check = jsonl_open_check::full) {
    BOOST_TEST_CONTEXT(label << (check == jsonl_open_check::tail ? ", tail check" : "")) {
        temp_directory dir;
        auto const log = dir / "session.jsonl";
        write_file(log, content);
        auto const cut = content.rfind('\n') == std::string::npos ? 0 : content.rfind('\n') + 1;
        auto const kept = content.substr(0, cut);
        auto const tail = content.substr(cut);
        boost::system::error_code parse_error;
        bool const tail_is_record = !tail.empty() && (json::parse(tail, parse_error), !parse_error);

        auto report = recover_jsonl(quick_file{}, log, jsonl_corruption::report, check).value();
        BOOST_TEST(report.corrupt_line_count == 0u);
        if (tail.empty()) {
            BOOST_TEST(report.clean());
            BOOST_TEST(read_file(log) == content);
        } else if (tail_is_record) {
            BOOST_TEST(report.added_newline);
            BOOST_TEST(report.torn_bytes == 0u);
            BOOST_TEST(read_file(log) == content + "\n");
        } else {
            BOOST_TEST(report.torn_bytes == tail.size());
            BOOST_TEST(report.torn_offset == cut);
            BOOST_TEST(report.size == cut);
            BOOST_TEST(read_file(log) == kept);
            BOOST_TEST_REQUIRE(torn_files(log).size() == 1u);
            BOOST_TEST(report.quarantine_path == dir / torn_files(log)[0]);
            BOOST_TEST(read_file(report.quarantine_path) == tail);  // byte for byte
            BOOST_TEST(mode_of(posix_fs{}, report.quarantine_path) == 0600u);
        }
        // Idempotent: a second recovery finds nothing to do.
        auto const after = read_file(log);
        auto again = recover_jsonl(quick_file{}, log, jsonl_corruption::report, check).value();
        BOOST_TEST(again.clean());
        BOOST_TEST(read_file(log) == after);
        BOOST_TEST(torn_files(log).size() == (tail.empty() || tail_is_record ? 0u : 1u));
        // The next record lands on a line of its own: the file reads back whole.
        {
            std::ofstream append(log, std::ios::binary | std::ios::app);
            append << "{\"next\":true}\n";
        }
        jsonl_read_options strict;
        auto reader = jsonl_reader<posix_fs>::open(posix_fs{}, log, strict).value();
        std::size_t records = 0;
        while (auto record = reader.next().value())
            ++records;
        if (again.checked_offset == 0) BOOST_TEST(records == again.records + 1);
        BOOST_TEST(reader.bad_line_count() == 0u);
    }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(jsonl_recovery)

BOOST_AUTO_TEST_CASE(torn_tails_of_every_length_are_quarantined_byte_for_byte) {
    // Every prefix of a valid log: cuts inside keys, numbers, multi-byte
    // UTF-8 sequences, and right before or after each '\n'.
    for (std::size_t length = 0; length <= valid_log.size(); ++length) {
        auto const label = "prefix of " + std::to_string(length) + " bytes";
        for (auto const check : both_checks) {
            check_recovery_of(valid_log.substr(0, length), label, check);
            // Past the tail block, so that a tail check reads only the end.
            check_recovery_of(long_log + valid_log.substr(0, length), "a long log, then a " + label,
                              check);
        }
    }
}

BOOST_AUTO_TEST_CASE(nul_and_garbage_tails_are_quarantined) {
    check_recovery_of(valid_log + std::string(1, '\0'), "one NUL");
    check_recovery_of(valid_log + std::string(4096, '\0'), "a page of NULs");
    check_recovery_of(valid_log.substr(0, 30) + std::string(100, '\0'), "NULs after a cut record");
    check_recovery_of(std::string(512, '\0'), "only NULs");
    check_recovery_of(valid_log + "\xFF\xFE\xC3", "invalid UTF-8");
    check_recovery_of(valid_log + "{\"id\":6,\"text\":\"\xF0\x9F\x98",
                      "a 4-byte sequence cut after 3");
    std::mt19937 random(20240607);
    for (int round = 0; round < 20; ++round) {
        std::string garbage(1 + random() % 300, '\0');
        for (auto& c : garbage) {
            do
                c = static_cast<char>(random() % 256);
            while (c == '\n');
        }
        check_recovery_of(valid_log + garbage, "garbage round " + std::to_string(round));
        check_recovery_of(long_log + garbage, "garbage round " + std::to_string(round),
                          jsonl_open_check::tail);
    }
}

BOOST_AUTO_TEST_CASE(corruption_in_the_middle_is_reported_and_kept) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string const content =
        "{\"a\":1}\n{oops}\n{\"a\":3}\n"s + std::string(3, '\0') + "\n{\"a\":5}\n{\"a\":";
    write_file(log, content);
    auto report = recover_jsonl(quick_file{}, log).value();
    BOOST_TEST(report.corrupt_line_count == 2u);
    BOOST_TEST_REQUIRE(report.corrupt_lines.size() == 2u);
    BOOST_TEST(report.corrupt_lines[0].line == 2u);
    BOOST_TEST(report.corrupt_lines[0].offset == 8u);
    BOOST_TEST(report.corrupt_lines[0].detail.starts_with("line 2, byte offset 8: "));
    BOOST_TEST(report.corrupt_lines[1].line == 4u);
    BOOST_TEST(report.corrupt_lines[1].offset == 23u);
    BOOST_TEST(report.corrupt_lines[1].length == 3u);
    BOOST_TEST(report.records == 3u);
    // Only the torn tail went; the corrupt lines are still there.
    BOOST_TEST(report.torn_bytes == 5u);
    BOOST_TEST(read_file(log) == content.substr(0, content.size() - 5));
}

BOOST_AUTO_TEST_CASE(a_tail_check_finds_only_the_corrupt_lines_at_the_end) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string const content = "{oops}\n"s + long_log + "{bad}\n{\"a\":";
    auto const bad_offset = 7 + long_log.size();
    write_file(log, content);
    auto tail =
        recover_jsonl(quick_file{}, log, jsonl_corruption::report, jsonl_open_check::tail).value();
    BOOST_TEST(tail.checked_offset > 0u);
    BOOST_TEST(tail.checked_offset + jsonl_tail_block >= content.size());
    BOOST_TEST(tail.corrupt_line_count == 1u);  // not the first line
    BOOST_TEST_REQUIRE(tail.corrupt_lines.size() == 1u);
    BOOST_TEST(tail.corrupt_lines[0].line == 0u);  // its number is not known
    BOOST_TEST(tail.corrupt_lines[0].offset == bad_offset);
    BOOST_TEST(tail.corrupt_lines[0].detail.starts_with("byte offset " +
                                                        std::to_string(bad_offset) + ": "));
    BOOST_TEST(tail.torn_bytes == 5u);
    BOOST_TEST(tail.size == content.size() - 5);

    write_file(log, content);
    auto full =
        recover_jsonl(quick_file{}, log, jsonl_corruption::report, jsonl_open_check::full).value();
    BOOST_TEST(full.checked_offset == 0u);
    BOOST_TEST(full.corrupt_line_count == 2u);
    BOOST_TEST_REQUIRE(full.corrupt_lines.size() == 2u);
    BOOST_TEST(full.corrupt_lines[0].detail.starts_with("line 1, byte offset 0: "));
    BOOST_TEST(full.corrupt_lines[1].offset == bad_offset);
    BOOST_TEST(full.records > tail.records);
    BOOST_TEST(full.torn_bytes == tail.torn_bytes);
    BOOST_TEST(full.size == tail.size);
}

BOOST_AUTO_TEST_CASE(fail_mode_fails_on_the_lines_its_check_looks_at) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string const middle = "{oops}\n"s + long_log + "{\"a\":";
    write_file(log, middle);
    auto tail = recover_jsonl(quick_file{}, log, jsonl_corruption::fail, jsonl_open_check::tail);
    BOOST_TEST_REQUIRE(tail.has_value());  // the corrupt line is before the tail
    BOOST_TEST(tail->torn_bytes == 5u);
    write_file(log, middle);
    auto full = recover_jsonl(quick_file{}, log, jsonl_corruption::fail, jsonl_open_check::full);
    BOOST_TEST_REQUIRE(!full);
    BOOST_TEST(full.error().detail().starts_with("line 1, byte offset 0: "));
    BOOST_TEST(read_file(log) == middle);

    std::string const at_the_end = long_log + "{oops}\n{\"a\":";
    write_file(log, at_the_end);
    auto refused = recover_jsonl(quick_file{}, log, jsonl_corruption::fail, jsonl_open_check::tail);
    BOOST_TEST_REQUIRE(!refused);
    BOOST_TEST((refused.error().stage() == stage::parse));
    BOOST_TEST(refused.error().detail().starts_with("byte offset " +
                                                    std::to_string(long_log.size()) + ": "));
    BOOST_TEST(read_file(log) == at_the_end);
    BOOST_TEST(torn_files(log).size() == 1u);  // the first recovery's only
}

BOOST_AUTO_TEST_CASE(a_last_line_longer_than_the_block_is_read_whole) {
    std::string const big_record =
        "{\"big\":\"" + std::string(3 * jsonl_tail_block, 'b') + "\",\"end\":1}";
    for (auto const check : both_checks) {
        check_recovery_of(long_log + big_record, "a long record without its newline", check);
        check_recovery_of(long_log + big_record.substr(0, big_record.size() - 1),
                          "a long torn record", check);
        check_recovery_of(long_log + big_record + "\n", "a long last record", check);
        // One line, no newline: nothing before it to find.
        check_recovery_of(big_record, "only a long record without its newline", check);
        check_recovery_of(big_record.substr(0, big_record.size() - 1), "only a long torn record",
                          check);
        check_recovery_of("{\"a\":1}", "only a record without its newline", check);
        check_recovery_of("{\"a\":", "only a torn record", check);
    }
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    write_file(log, long_log + big_record + "\n");
    auto report =
        recover_jsonl(quick_file{}, log, jsonl_corruption::report, jsonl_open_check::tail).value();
    BOOST_TEST(report.checked_offset == long_log.size());  // the last line, and only it
    BOOST_TEST(report.records == 1u);
}

BOOST_AUTO_TEST_CASE(an_empty_log_is_checked_whole) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    write_file(log, "");
    for (auto const check : both_checks) {
        auto report = recover_jsonl(quick_file{}, log, jsonl_corruption::report, check).value();
        BOOST_TEST(report.clean());
        BOOST_TEST(report.checked_offset == 0u);
        BOOST_TEST(report.size == 0u);
        BOOST_TEST(read_file(log).empty());
    }
}

BOOST_AUTO_TEST_CASE(a_tail_check_begins_at_a_line_start_near_the_block_boundary) {
    // The last line is block - 1, block or block + 1 bytes long with its
    // '\n': the block begins just after a '\n', on one, or inside the line.
    for (std::size_t length : {jsonl_tail_block - 1, jsonl_tail_block, jsonl_tail_block + 1}) {
        BOOST_TEST_CONTEXT("a last line of " << length << " bytes") {
            std::string const line = "{\"pad\":\"" + std::string(length - 11, 'p') + "\"}\n";
            BOOST_TEST_REQUIRE(line.size() == length);
            temp_directory dir;
            auto const log = dir / "log.jsonl";
            write_file(log, long_log + line);
            auto report =
                recover_jsonl(quick_file{}, log, jsonl_corruption::report, jsonl_open_check::tail)
                    .value();
            BOOST_TEST(report.checked_offset == long_log.size());
            BOOST_TEST(report.records == 1u);
            BOOST_TEST(report.clean());
            BOOST_TEST(report.size == long_log.size() + length);
        }
    }
}

BOOST_AUTO_TEST_CASE(a_tail_check_reads_the_end_only) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string content;
    while (content.size() < 10'000'000)
        content += long_log;
    write_file(log, content + "{\"torn");
    counting_fs<> fs;
    atomic_file<counting_fs<>, no_sync, sibling_temp> af(fs);
    auto tail = recover_jsonl(af, log, jsonl_corruption::report, jsonl_open_check::tail).value();
    BOOST_TEST(tail.torn_bytes == 6u);
    BOOST_TEST(read_file(log) == content);
    // The last block and the byte before it, then the lines in it again.
    BOOST_TEST(fs.bytes_read() <= 2 * jsonl_tail_block + 1);
    BOOST_TEST(fs.count(fs_op::read) == 0u);
    fs.reset();
    auto full = recover_jsonl(af, log, jsonl_corruption::report, jsonl_open_check::full).value();
    BOOST_TEST(fs.bytes_read() == content.size());
    BOOST_TEST(full.records > tail.records);
}

BOOST_AUTO_TEST_CASE(fail_mode_refuses_a_corrupt_log_and_changes_nothing) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string const content = "{\"a\":1}\nnot json\n{\"a\":";
    write_file(log, content);
    auto report = recover_jsonl(quick_file{}, log, jsonl_corruption::fail);
    BOOST_TEST_REQUIRE(!report);
    BOOST_TEST((report.error().stage() == stage::parse));
    BOOST_TEST(report.error().code() == make_error_code(errc::corrupt_data));
    BOOST_TEST(report.error().detail().starts_with("line 2, byte offset 8: "));
    BOOST_TEST(read_file(log) == content);
    BOOST_TEST(torn_files(log).empty());
}

BOOST_AUTO_TEST_CASE(a_missing_log_is_not_created) {
    temp_directory dir;
    auto report = recover_jsonl(quick_file{}, dir / "absent.jsonl").value();
    BOOST_TEST(report.clean());
    BOOST_TEST(entries_of(posix_fs{}, dir.path()).empty());
}

BOOST_AUTO_TEST_CASE(a_taken_quarantine_name_gets_a_number) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    for (int attempt = 0; attempt < 5; ++attempt) {
        write_file(log, "{}\n{\"torn");
        auto const stamp = detail::format_utc_time_for_file_name(detail::utc_now());
        auto const taken = log.string() + ".torn-" + stamp;
        write_file(taken, "earlier");
        auto report = recover_jsonl(quick_file{}, log).value();
        if (detail::format_utc_time_for_file_name(detail::utc_now()) != stamp)
            continue;  // the second ticked over; again
        BOOST_TEST(report.quarantine_path == taken + "-1");
        BOOST_TEST(read_file(taken) == "earlier");
        BOOST_TEST(read_file(report.quarantine_path) == "{\"torn");
        return;
    }
    BOOST_FAIL("the clock ticked over during every attempt");
}

BOOST_AUTO_TEST_CASE(the_quarantine_is_durable_before_the_log_is_cut) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    write_file(log, "{}\n{\"torn");
    counting_fs<> fs;
    atomic_file<counting_fs<>, full_sync, sibling_temp> af(fs);
    auto report = recover_jsonl(af, log).value();
    BOOST_TEST(report.torn_bytes == 6u);
    auto calls = fs.calls();
    auto const first = [&](fs_op op) {
        return std::find(calls.begin(), calls.end(), op) - calls.begin();
    };
    auto const last = [&](fs_op op) {
        return calls.rend() - std::find(calls.rbegin(), calls.rend(), op) - 1;
    };
    // The quarantine file: written, synced, renamed into place, directory synced;
    // only then is the log truncated, and the truncation synced.
    BOOST_TEST(first(fs_op::sync_full) < first(fs_op::rename));
    BOOST_TEST(first(fs_op::rename) < first(fs_op::sync_directory));
    BOOST_TEST(first(fs_op::sync_directory) < first(fs_op::truncate));
    BOOST_TEST(first(fs_op::truncate) < last(fs_op::sync_full));
    BOOST_TEST(fs.count(fs_op::truncate) == 1u);
}

BOOST_AUTO_TEST_CASE(a_crash_between_quarantine_and_truncation_is_recovered_next_time) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string const content = "{\"a\":1}\n{\"a\":2,\"cut";
    write_file(log, content);
    fail_nth_fs<> failing;
    failing.arm(fs_op::truncate, EIO);
    auto failed = recover_jsonl(atomic_file<fail_nth_fs<>, no_sync, sibling_temp>(failing), log);
    BOOST_TEST_REQUIRE(!failed);
    BOOST_TEST((failed.error().stage() == stage::recover));
    BOOST_TEST(failed.error().code() == errno_code(EIO));
    BOOST_TEST_REQUIRE(torn_files(log).size() == 1u);
    BOOST_TEST(failed.error().other_path() == dir / torn_files(log)[0]);
    BOOST_TEST(read_file(log) == content);  // not cut, like a crash before the truncation

    auto report = recover_jsonl(quick_file{}, log).value();
    BOOST_TEST(report.torn_bytes == 11u);
    BOOST_TEST(read_file(log) == "{\"a\":1}\n");
    auto const quarantined = torn_files(log);
    BOOST_TEST_REQUIRE(quarantined.size() == 2u);  // the same bytes twice: nothing is lost
    for (auto const& name : quarantined)
        BOOST_TEST(read_file(dir / name) == "{\"a\":2,\"cut");
}

BOOST_AUTO_TEST_CASE(a_failed_quarantine_leaves_the_log_untouched) {
    temp_directory dir;
    auto const log = dir / "log.jsonl";
    std::string const content = "{\"a\":1}\n{\"a\":2,\"cut";
    write_file(log, content);
    fail_nth_fs<> failing;
    failing.arm(fs_op::rename, ENOSPC);
    auto failed = recover_jsonl(atomic_file<fail_nth_fs<>, no_sync, sibling_temp>(failing), log);
    BOOST_TEST_REQUIRE(!failed);
    BOOST_TEST((failed.error().stage() == stage::recover));
    BOOST_TEST(failed.error().code() == errno_code(ENOSPC));
    BOOST_TEST(failed.error().detail().find("the log is untouched") != std::string::npos);
    BOOST_TEST(read_file(log) == content);
    BOOST_TEST(torn_files(log).empty());
    BOOST_TEST(temp_files_in(posix_fs{}, dir.path()).empty());
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace persist::test
