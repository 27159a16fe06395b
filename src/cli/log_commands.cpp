// persist append / read / repair: JSON Lines logs from the shell.
#include "commands.hpp"
#include "tiers.hpp"

#include <persist/json_text.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/jsonl_log.hpp>
#include <persist/sweep.hpp>

#include <iostream>

namespace persist::cli {
namespace {

template <class Durability>
using log_type = basic_jsonl_log<atomic_file<posix_fs, Durability, sibling_temp>>;

// Tells what opening the log repaired, on stderr: the caller's stdout is data.
void report_recovery(std::filesystem::path const& log, jsonl_recovery_report const& r,
                     std::ostream& out) {
    if (r.added_newline)
        out << "persist: " << log.string() << ": added the missing newline after the last record\n";
    if (r.torn_bytes != 0) {
        out << "persist: " << log.string() << ": moved a torn tail of " << r.torn_bytes
            << " bytes at offset " << r.torn_offset << " to " << r.quarantine_path.string() << "\n";
    }
    for (auto const& bad : r.corrupt_lines) {
        out << "persist: " << log.string() << ": corrupt line kept in place: " << bad.detail
            << "\n";
    }
}

// Every non-empty line of stdin as one JSON value; a bad line is a usage error.
std::vector<boost::json::value> parse_input_records() {
    auto input = read_standard_input();
    if (!input) throw usage_error{input.error().message()};
    std::vector<boost::json::value> records;
    std::string_view rest = *input;
    for (std::size_t line = 1; !rest.empty(); ++line) {
        auto const end = rest.find('\n');
        auto const text = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (text.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        auto value = parse_json(text, {});
        if (!value)
            throw usage_error{"standard input line " + std::to_string(line) +
                              " is not one JSON value: " + value.error().detail()};
        records.push_back(std::move(*value));
    }
    return records;
}

}  // namespace

int append_command(std::span<char const* const> words) {
    arguments const args(words, {"durability"}, {});
    std::filesystem::path const log = args.expect(1, "LOG")[0];
    auto const records = parse_input_records();  // all lines checked before anything is written
    return with_tier(args, [&]<class Durability>() {
        // The default tail check: an append costs the same on a log of any
        // size. `persist repair` checks every line.
        auto opened = log_type<Durability>::open(log);
        if (!opened) return report(opened.error());
        report_recovery(log, opened->recovery(), std::cerr);
        if (records.empty()) return int(exit_success);
        if (auto appended = opened->append_batch(records); !appended)
            return report(appended.error());
        return int(exit_success);
    });
}

int read_command(std::span<char const* const> words) {
    arguments const args(words, {}, {"lenient"});
    std::filesystem::path const log = args.expect(1, "LOG")[0];
    bool const lenient = args.flag("lenient");
    jsonl_read_options options;
    options.mode = jsonl_read_mode::lenient;  // bad lines are judged here, not thrown
    auto reader = jsonl_reader<posix_fs>::open(posix_fs{}, log, options);
    if (!reader) return report(reader.error());
    std::size_t reported = 0;
    for (;;) {
        auto record = reader->next();
        if (!record) return report(record.error());
        for (; reported < reader->bad_lines().size(); ++reported) {
            auto const& bad = reader->bad_lines()[reported];
            if (!bad.terminated) continue;  // the torn tail, told below
            if (!lenient) {
                std::cout.flush();
                print_error(log.string() + ": corrupt record (" + bad.detail +
                            "); --lenient skips it");
                return exit_failure;
            }
            print_error(log.string() + ": skipped corrupt record (" + bad.detail + ")");
        }
        if (!*record) break;
        std::cout << format_json_line((*record)->value) << '\n';
    }
    if (auto const& tail = reader->unterminated_line(); tail && !tail->is_record) {
        print_error(log.string() + ": torn tail of " + std::to_string(tail->length) +
                    " bytes at offset " + std::to_string(tail->offset) +
                    " not printed ('persist repair' moves it aside)");
    }
    std::cout.flush();
    return std::cout ? exit_success : exit_failure;
}

int repair_command(std::span<char const* const> words) {
    arguments const args(words, {"durability"}, {});
    std::filesystem::path const log = args.expect(1, "LOG")[0];
    return with_tier(args, [&]<class Durability>() {
        jsonl_log_options options;
        options.check = jsonl_open_check::full;  // a repair reports every corrupt line
        options.stale_temps.enabled = false;     // swept below, where each removal is reported
        auto opened = log_type<Durability>::open(log, options);
        if (!opened) return report(opened.error());
        auto const& r = opened->recovery();
        report_recovery(log, r, std::cout);
        std::cout << "persist: " << log.string() << ": " << r.records << " records, " << r.size
                  << " bytes" << (r.clean() ? ", nothing to repair" : "") << "\n";
        auto const dir = log.has_parent_path() ? log.parent_path() : std::filesystem::path(".");
        auto swept = sweep_stale_temps(dir);
        if (!swept) return report(swept.error());
        for (auto const& removed : swept->removed)
            std::cout << "persist: removed stale temp file " << removed.string() << "\n";
        return int(exit_success);
    });
}

}  // namespace persist::cli
