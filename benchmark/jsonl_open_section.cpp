// The jsonl_open section: how long basic_jsonl_log::open takes on a 100 MB
// log, with the default tail check and with a full check.
//
// Method. The log (short records of about 100 bytes, about a million lines)
// is written once with plain writes and settled with sync(2), untimed; it
// is then in the page cache, as a log an application just wrote is. Each
// tail open (open, recovery, close) is timed on its own, `rounds` x 5 times;
// the reported figure is the median, with the slowest. A full open reads
// and parses all 100 MB, so it is timed once in quick mode, 3 times in full.
#include "measure.hpp"
#include "section.hpp"

#include <persist/durability/full_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/jsonl_log.hpp>

#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace persist::bench {
namespace {

namespace json = boost::json;

using log_type = basic_jsonl_log<atomic_file<posix_fs, full_sync, sibling_temp>>;

constexpr std::uint64_t log_bytes = 100'000'000;
constexpr double open_limit_ms = 5;  // issue 17: open of a 100 MB log at most 5 ms

/// A log of at least log_bytes bytes of short records, written without
/// persist, with a big buffer: a few hundred milliseconds.
void write_log(std::filesystem::path const& path) {
    std::string block;
    for (int seq = 0; block.size() < (1 << 20); ++seq) {
        block += R"({"role":"assistant","seq":)" + std::to_string(seq) +
                 R"(,"text":"a short message of the kind chat sessions log, line after"})" + "\n";
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    for (std::uint64_t written = 0; written < log_bytes; written += block.size())
        out.write(block.data(), static_cast<std::streamsize>(block.size()));
    out.close();
    if (!out) throw std::runtime_error("cannot write the log " + path.string());
    ::sync();
}

/// Milliseconds of each of `count` opens (and closes) of path with `check`.
std::vector<double> open_times_ms(section_context& context, std::filesystem::path const& path,
                                  jsonl_open_check check, std::size_t count) {
    jsonl_log_options options;
    options.check = check;
    std::vector<double> times;
    for (std::size_t i = 0; i < count; ++i) {
        context.check_interrupted();
        auto const start = bench_clock::now();
        {
            auto log = log_type::open(path, options).value();
            if (!log.recovery().clean())
                throw std::runtime_error("the benchmark log needed repair");
        }
        times.push_back(seconds_since(start) * 1e3);
    }
    return times;
}

void run(section_context& context) {
    auto const path = context.directory / "session.jsonl";
    context.progress.update("jsonl open: writing a 100 MB log");
    write_log(path);
    auto const size = std::filesystem::file_size(path);
    context.progress.update("jsonl open: tail check");
    auto const tail = open_times_ms(context, path, jsonl_open_check::tail,
                                    static_cast<std::size_t>(context.mode.rounds) * 5);
    context.progress.update("jsonl open: full check");
    auto const full = open_times_ms(context, path, jsonl_open_check::full,
                                    context.mode.name == quick_mode.name ? 1 : 3);
    context.progress.clear();

    auto& out = context.report;
    out.notes.push_back(
        "basic_jsonl_log<atomic_file<posix_fs, full_sync, sibling_temp>>::open of a log of " +
        fixed(static_cast<double>(size) / 1e6, 1) +
        " MB (short records, in the page cache): lock, open, recovery, close.");
    text_table table{"open of a 100 MB log (ms)",
                     {"check", "opens", "median", "slowest"},
                     {false, true, true, true},
                     {}};
    auto const slowest = [](std::vector<double> const& v) {
        return *std::max_element(v.begin(), v.end());
    };
    table.rows.push_back({"tail (default)", std::to_string(tail.size()), fixed(median(tail), 3),
                          fixed(slowest(tail), 3)});
    table.rows.push_back(
        {"full", std::to_string(full.size()), fixed(median(full), 1), fixed(slowest(full), 1)});
    out.tables.push_back(std::move(table));
    out.footnotes.push_back(
        "A tail open reads the last 64 KiB (jsonl_tail_block) and parses the lines that begin "
        "there; a full open reads and parses every line. Both repair a torn tail alike.");
    context.goals.push_back(
        at_most("jsonl log open 100 MB, tail check (median ms)", median(tail), open_limit_ms));
    out.data = {{"log_bytes", size},
                {"tail_open_ms_median", median(tail)},
                {"tail_open_ms_slowest", slowest(tail)},
                {"full_open_ms_median", median(full)},
                {"tail_opens", tail.size()},
                {"full_opens", full.size()}};
    std::filesystem::remove(path);
}

}  // namespace

extern section const jsonl_open_section = {
    "jsonl_open", "jsonl_log: open of a 100 MB log, tail check against full check", &run};

}  // namespace persist::bench
