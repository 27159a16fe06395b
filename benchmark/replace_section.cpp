// The replace section: atomic_file<posix_fs, Durability, Naming>::replace for
// every tier and naming policy, against the raw syscall sequence of the same
// tier, at 4 KiB and 256 KiB.
//
// Method. For each payload size and tier, the three library combinations and
// the raw sequence each replace their own existing file in one directory.
// A round runs, for each naming policy in turn, a batch that alternates one
// library replace and one raw sequence (library, raw, library, raw, ...; raw
// first in every other round), so that drift of the machine, down to a burst
// of other work, hits both alike. A round's ratio is the median latency of
// its library replaces over that of its raw sequences: the median, not the mean,
// because on a shared virtual machine a few operations in a batch stall for
// milliseconds (scheduler and journal waits caused by other tenants) and
// decide the mean. The reported ratio is the median over the rounds; the
// ratio of the batch means and of their CPU time (user + kernel, without
// waits) are in the JSON too. Syncs per op come from a separate, untimed
// pass through counting_fs.
#include "environment.hpp"
#include "guarantee.hpp"
#include "measure.hpp"
#include "raw_sequence.hpp"
#include "section.hpp"

#include <persist/persist.hpp>
#include <persist/testing/counting_fs.hpp>

#include <boost/json/array.hpp>
#include <boost/json/value_from.hpp>
#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <random>

namespace persist::bench {
namespace {

using tiers = boost::mp11::mp_list<no_sync, data_sync, file_sync, full_sync>;
constexpr std::array<std::size_t, 2> payload_sizes = {4 * 1024, 256 * 1024};
constexpr std::size_t naming_count = 3;
constexpr double ratio_limit = 1.05;  // issue 8: at most 1.05x the raw sequence

/// One library combination, ready to replace its target again and again,
/// and what its rounds measured.
struct combination {
    std::string naming;
    std::function<void()> replace_once;
    double syncs_per_op = 0;
    double fs_calls_per_op = 0;  ///< calls into the Fs policy, of any kind
    std::vector<double> latencies_us;
    std::vector<double> round_ratios;       ///< per round: library p50 / raw p50
    std::vector<double> round_mean_ratios;  ///< per round: library mean / raw mean
    std::vector<double> round_cpu_us;       ///< per round: CPU time per op
    std::vector<double> round_cpu_ratios;   ///< per round: library CPU / raw CPU

    void add_round(batch const& library, batch const& raw) {
        round_ratios.push_back(median(library.latencies_us) / median(raw.latencies_us));
        round_mean_ratios.push_back(library.mean_us() / raw.mean_us());
        round_cpu_us.push_back(library.cpu_per_op_us());
        round_cpu_ratios.push_back(library.cpu_per_op_us() / raw.cpu_per_op_us());
        latencies_us.insert(latencies_us.end(), library.latencies_us.begin(),
                            library.latencies_us.end());
    }
};

/// What one (payload, tier) cell measured.
struct tier_result {
    std::string_view tier;
    std::size_t payload_size = 0;
    guarantee survives;
    int raw_syncs_per_op = 0;
    std::vector<double> raw_latencies_us;
    std::vector<double> raw_round_cpu_us;
    std::vector<combination> combinations;

    void add_raw_round(batch const& raw) {
        raw_round_cpu_us.push_back(raw.cpu_per_op_us());
        raw_latencies_us.insert(raw_latencies_us.end(), raw.latencies_us.begin(),
                                raw.latencies_us.end());
    }
};

std::string size_label(std::size_t bytes) { return std::to_string(bytes / 1024) + " KiB"; }

std::string random_payload(std::size_t size) {
    std::mt19937_64 generator(size);
    std::string bytes(size, '\0');
    for (auto& b : bytes)
        b = static_cast<char>(generator());
    return bytes;
}

/// Flushes the filesystem under dir, so that one cell's dirty pages are not
/// written back on the next cell's time.
void settle_filesystem(std::filesystem::path const& dir) {
    int const fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd == -1) return;
    (void)::syncfs(fd);
    ::close(fd);
}

/// Creates target through Naming (so the timed replaces overwrite an existing
/// file, as an application does), then counts the Fs calls of a few replaces.
template <class Durability, class Naming>
combination make_combination(Naming const& naming, std::filesystem::path const& target,
                             std::string_view payload) {
    counting_fs<posix_fs> counter;
    atomic_file<counting_fs<posix_fs>, Durability, Naming> const counted(counter, {}, naming);
    require(counted.replace(target, payload));
    counter.reset();
    constexpr int counted_replaces = 4;
    for (int i = 0; i < counted_replaces; ++i)
        require(counted.replace(target, payload));
    std::size_t all_calls = 0;
    for (std::size_t op = 0; op < fs_op_count; ++op)
        all_calls += counter.count(static_cast<fs_op>(op));
    auto const syncs = counter.count(fs_op::sync_data) + counter.count(fs_op::sync_full) +
                       counter.count(fs_op::sync_directory);

    combination c;
    c.naming = Naming::name;
    c.syncs_per_op = static_cast<double>(syncs) / counted_replaces;
    c.fs_calls_per_op = static_cast<double>(all_calls) / counted_replaces;
    c.replace_once = [file = atomic_file<posix_fs, Durability, Naming>(posix_fs{}, {}, naming),
                      target, payload] { require(file.replace(target, payload)); };
    return c;
}

/// Which of the section's (payload, tier) cells is running, for the progress line.
struct cell_position {
    std::size_t index = 0;
    std::size_t count = 0;
};

void show_progress(section_context& context, cell_position position, double cell_done,
                   std::string const& what) {
    double const done =
        (static_cast<double>(position.index) + cell_done) / static_cast<double>(position.count);
    char line[160];
    std::snprintf(line, sizeof line, "replace %3.0f%%  %s", 100 * done, what.c_str());
    context.progress.update(line);
}

/// A round's library and raw batches, alternating op by op; the raw
/// sequence goes first in odd rounds, so neither side always follows the other.
template <class Library, class Raw>
std::pair<batch, batch> alternate(Library& library, Raw& raw, batch_size size, std::size_t round) {
    if (round % 2 == 0) return run_alternating(library, raw, size);
    auto [raw_batch, library_batch] = run_alternating(raw, library, size);
    return {std::move(library_batch), std::move(raw_batch)};
}

template <class Durability>
tier_result measure_tier(section_context& context, std::string_view payload,
                         std::filesystem::path const& temp_directory, cell_position position) {
    std::string const tier(Durability::name);
    auto const cell = context.directory / (std::to_string(payload.size() / 1024) + "k-" + tier);
    std::filesystem::create_directory(cell);

    tier_result result;
    result.tier = Durability::name;
    result.payload_size = payload.size();
    result.survives = guarantee_of<Durability>();
    result.raw_syncs_per_op = raw_sequence_of<Durability>().syncs_per_op();
    raw_replacer const raw(raw_sequence_of<Durability>(), cell / "raw.dat", payload);
    auto& combinations = result.combinations;
    combinations.push_back(
        make_combination<Durability>(sibling_temp{}, cell / "sibling_temp.dat", payload));
    combinations.push_back(
        make_combination<Durability>(anonymous_temp{}, cell / "anonymous_temp.dat", payload));
    combinations.push_back(
        make_combination<Durability>(temp_dir{temp_directory}, cell / "temp_dir.dat", payload));
    settle_filesystem(cell);

    // Size the batches from the raw sequence's speed, then warm every stream up.
    auto const raw_once = [&raw] { raw.replace(); };
    auto const batch_seconds = context.mode.batch_seconds;
    auto const probe = run_batch(raw_once, {9, batch_seconds});
    auto const operations = std::clamp<double>(  // pairs of a replace and a raw sequence
        batch_seconds * 1e6 / (2 * median(probe.latencies_us)), 5, 100000);
    batch_size const size{static_cast<std::size_t>(operations), 2 * batch_seconds};
    batch_size const warm_up{std::max<std::size_t>(3, size.operations / 4), batch_seconds};
    for (auto& c : combinations)
        (void)run_batch(c.replace_once, warm_up);
    (void)run_batch(raw_once, warm_up);

    auto const rounds = static_cast<std::size_t>(context.mode.rounds);
    for (std::size_t round = 0; round < rounds; ++round) {
        for (std::size_t k = 0; k < naming_count; ++k) {
            context.check_interrupted();
            auto& c = combinations[(k + round) % naming_count];  // rotate who goes first
            show_progress(context, position,
                          static_cast<double>(round * naming_count + k) /
                              static_cast<double>(rounds * naming_count),
                          size_label(payload.size()) + " " + tier + " " + c.naming + "  round " +
                              std::to_string(round + 1) + "/" + std::to_string(rounds));
            auto const [library, baseline] = alternate(c.replace_once, raw_once, size, round);
            c.add_round(library, baseline);
            result.add_raw_round(baseline);
        }
    }
    return result;
}

// Output --------------------------------------------------------------------

/// Latency to a sensible precision: 61.8, 452, 12345.
std::string microseconds(double us) { return fixed(us, us < 100 ? 1 : 0); }

std::string survives_label(guarantee const& g) {
    std::string label = g.process_crash ? "crash" : "-";
    if (g.power_loss_atomic) label += ", atomic";
    if (g.power_loss_durable) label += ", durable";
    return label;
}

double ratio_of(combination const& c) { return median(c.round_ratios); }

text_table table_for(std::size_t payload_size, std::vector<tier_result> const& results) {
    text_table table{"payload " + size_label(payload_size) + ", replacing an existing file",
                     {"tier", "naming", "ops/s", "p50 µs", "p99 µs", "CPU µs", "syncs/op", "×raw",
                      "≤1.05", "survives*"},
                     {false, false, true, true, true, true, true, true, false, false},
                     {}};
    for (auto const& r : results) {
        if (r.payload_size != payload_size) continue;
        if (!table.rows.empty()) table.rows.emplace_back();
        std::string const tier(r.tier);
        auto const raw = summarize(r.raw_latencies_us);
        table.rows.push_back({tier, "raw sequence", fixed(raw.ops_per_s(), 0),
                              microseconds(raw.p50_us), microseconds(raw.p99_us),
                              microseconds(median(r.raw_round_cpu_us)),
                              std::to_string(r.raw_syncs_per_op), "", "", ""});
        for (auto const& c : r.combinations) {
            auto const latency = summarize(c.latencies_us);
            auto const ratio = ratio_of(c);
            table.rows.push_back({tier, c.naming, fixed(latency.ops_per_s(), 0),
                                  microseconds(latency.p50_us), microseconds(latency.p99_us),
                                  microseconds(median(c.round_cpu_us)), fixed(c.syncs_per_op, 0),
                                  fixed(ratio, 3), ratio <= ratio_limit ? "yes" : "NO",
                                  survives_label(r.survives)});
        }
    }
    return table;
}

boost::json::object latency_json(latency_summary const& l) {
    return {{"operations", l.operations},
            {"ops_per_s", l.ops_per_s()},
            {"mean_us", l.mean_us},
            {"p50_us", l.p50_us},
            {"p99_us", l.p99_us}};
}

boost::json::object tier_json(tier_result const& r) {
    auto raw = latency_json(summarize(r.raw_latencies_us));
    raw["syncs_per_op"] = r.raw_syncs_per_op;
    raw["cpu_us_per_op"] = median(r.raw_round_cpu_us);
    boost::json::array combinations;
    for (auto const& c : r.combinations) {
        auto row = latency_json(summarize(c.latencies_us));
        row["naming"] = c.naming;
        row["syncs_per_op"] = c.syncs_per_op;
        row["fs_calls_per_op"] = c.fs_calls_per_op;
        row["ratio_to_raw"] = ratio_of(c);
        row["round_ratios"] = boost::json::value_from(c.round_ratios);
        row["ratio_of_means"] = median(c.round_mean_ratios);
        row["cpu_us_per_op"] = median(c.round_cpu_us);
        row["cpu_ratio_to_raw"] = median(c.round_cpu_ratios);
        combinations.push_back(std::move(row));
    }
    boost::json::object const survives{{"process_crash", r.survives.process_crash},
                                       {"power_loss_atomic", r.survives.power_loss_atomic},
                                       {"power_loss_durable", r.survives.power_loss_durable},
                                       {"source", source_label(r.survives.source)}};
    return {{"payload_bytes", r.payload_size},
            {"tier", r.tier},
            {"guarantee", survives},
            {"raw", std::move(raw)},
            {"combinations", std::move(combinations)}};
}

bar_chart chart_of(std::vector<tier_result> const& results) {
    bar_chart chart{"atomic_file::replace on posix_fs: latency per durability tier",
                    "bar: p50; whisker: p99; black line: the raw syscalls of the tier (p50); "
                    "number: ratio to the raw sequence",
                    "latency of one replace (log scale)",
                    true,
                    {},
                    "p50 (whisker: p99)",
                    "raw sequence of the tier (p50)",
                    {}};
    for (auto const& c : results.front().combinations)
        chart.series.push_back(c.naming);
    for (auto const payload_size : payload_sizes) {
        chart_panel panel{"payload " + size_label(payload_size), {}};
        for (auto const& r : results) {
            if (r.payload_size != payload_size) continue;
            chart_group group{std::string(r.tier), {}, summarize(r.raw_latencies_us).p50_us};
            for (auto const& c : r.combinations) {
                auto const latency = summarize(c.latencies_us);
                group.bars.push_back({latency.p50_us, latency.p99_us, fixed(ratio_of(c), 2)});
            }
            panel.groups.push_back(std::move(group));
        }
        chart.panels.push_back(std::move(panel));
    }
    return chart;
}

void report_results(section_context& context, std::vector<tier_result> const& results,
                    std::filesystem::path const& temp_directory, bool temp_same_device) {
    auto& out = context.report;
    out.notes.push_back(
        "atomic_file<posix_fs, Durability, Naming>::replace, against the raw syscall sequence of "
        "the "
        "same tier (open temp O_EXCL, write, [fdatasync|fsync], close, rename, [fsync dir]).");
    out.notes.push_back(
        std::string("temp_dir: its temp directory is a subdirectory of the measured directory, ") +
        (temp_same_device ? "on the same filesystem, so its rename never crosses devices."
                          : "but on ANOTHER device: its renames fall back to a copy."));
    for (auto const payload_size : payload_sizes)
        out.tables.push_back(table_for(payload_size, results));
    auto const source = results.front().survives.source;
    out.footnotes.push_back(
        "×raw: median over " + std::to_string(context.mode.rounds) +
        " rounds of (library p50 / raw p50); each round alternates library, raw, library, "
        "raw, ... op by op. "
        "ops/s is 1 / mean latency. CPU µs: CPU time (user + kernel) per op, without waits.");
    out.footnotes.push_back(
        "* survives (" + std::string(source_label(source)) +
        "): crash = after a process crash the file is old or new, whole; atomic = after a power "
        "loss the file, if present, is whole; durable = after a power loss a returned replace is "
        "kept.");

    boost::json::array rows;
    for (auto const& r : results) {
        rows.push_back(tier_json(r));
        for (auto const& c : r.combinations) {
            context.goals.push_back(at_most("replace " + size_label(r.payload_size) + " " +
                                                std::string(r.tier) + " " + c.naming +
                                                ": ratio to the raw sequence",
                                            ratio_of(c), ratio_limit));
        }
    }
    out.data = {
        {"rounds", context.mode.rounds},
        {"batch_seconds", context.mode.batch_seconds},
        {"ratio",
         "median over rounds of library p50 latency / raw p50 latency; each round "
         "alternates library and raw op by op"},
        {"ratio_of_means",
         "median over rounds of library batch mean latency / raw batch mean latency"},
        {"cpu_ratio_to_raw", "median over rounds of library batch CPU time / raw batch CPU time"},
        {"temp_dir_directory", temp_directory.string()},
        {"temp_dir_same_device", temp_same_device},
        {"results", std::move(rows)}};
    context.charts.push_back(chart_of(results));
}

void run(section_context& context) {
    // temp_dir's temp files go to a subdirectory, on the disk being measured:
    // the system temp dir may be another filesystem, whose copy fallback would
    // measure something else.
    auto const temp_directory = context.directory / "temp_dir-temps";
    std::filesystem::create_directory(temp_directory);

    std::vector<tier_result> results;
    cell_position position{0, payload_sizes.size() * boost::mp11::mp_size<tiers>::value};
    for (auto const payload_size : payload_sizes) {
        auto const payload = random_payload(payload_size);
        boost::mp11::mp_for_each<tiers>([&](auto tier) {
            results.push_back(
                measure_tier<decltype(tier)>(context, payload, temp_directory, position));
            ++position.index;
        });
    }
    report_results(context, results, temp_directory,
                   same_device(temp_directory, context.directory));
}

}  // namespace

extern section const replace_section;
section const replace_section = {
    "replace", "atomic_file::replace per tier and naming policy, against the raw syscalls", &run};

}  // namespace persist::bench
