// The state section: basic_state_file<boost::json::value> on posix_fs. save()
// and load() of a small (~1 KB), a larger (~100 KB) and a large (~256 KiB)
// state, at no_sync and full_sync, with save's ratio to a bare atomic_file
// replace of the same bytes; the 256 KiB full_sync ratio has a goal.
//
// Method. save: each round alternates save() and the bare replace op by op
// (the replace first in odd rounds); the ratio is the median over the rounds
// of save's p50 over the replace's (see run_paired_rounds). The replace
// writes, to another file in the same directory, the bytes save left on disk.
// save also takes the lock, checks the current file (a version it wrote
// itself: by comparing its bytes, without a parse) and keeps it as `.bak`,
// which the bare replace does not. load: a batch per round; the p50 over all rounds.
#include "measure.hpp"
#include "section.hpp"

#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/state_file.hpp>

#include <boost/mp11/algorithm.hpp>
#include <boost/mp11/list.hpp>

#include <unistd.h>

#include <array>

namespace persist::bench {
namespace {

namespace json = boost::json;

using tiers = boost::mp11::mp_list<no_sync, full_sync>;
template <class Durability>
using state_type = basic_state_file<json::value, atomic_file<posix_fs, Durability, sibling_temp>>;

constexpr std::array<std::size_t, 3> item_counts = {10, 1'000, 2'500};  // ~1 KB, 100 KB, 256 KiB
constexpr std::size_t large_items = item_counts.back();
/// save() of the 256 KiB state at full_sync, against the bare replace.
constexpr double large_save_limit = 1.3;

/// A state of `items` entries of about 100 bytes each.
json::value sample_state(std::size_t items) {
    json::array entries;
    for (std::size_t i = 0; i < items; ++i)
        entries.push_back({{"id", i}, {"status", "done"}, {"note", "a line of the state kept"}});
    return json::object{{"cursor", items}, {"entries", std::move(entries)}};
}

struct measured {
    std::string tier;
    std::size_t items = 0;
    std::size_t bytes = 0;
    paired_rounds save;  ///< save against the bare replace
    std::vector<double> load_us;
};

template <class Durability>
measured measure(section_context& context, std::size_t items) {
    std::string const tier(Durability::name);
    auto const dir = context.directory / (tier + "-" + std::to_string(items));
    std::filesystem::create_directory(dir);
    auto const state = sample_state(items);
    state_type<Durability> const file(dir / "state.json");
    auto const save = [&] { require(file.save(state)); };
    save();
    measured m{tier, items, 0, {}, {}};
    auto const bytes = file_bytes(dir / "state.json");
    m.bytes = bytes.size();
    atomic_file<posix_fs, Durability, sibling_temp> const bare;
    auto const replace = [&] { require(bare.replace(dir / "bare.json", bytes)); };
    auto const load = [&] {
        if (auto const l = file.load(); !l) throw std::runtime_error(l.error().message());
    };
    replace();
    ::sync();
    auto const label = [&](std::string const& what, int round) {
        context.check_interrupted();
        context.progress.update("state " + what + ", " + tier + ", " + std::to_string(m.bytes) +
                                " bytes, round " + std::to_string(round + 1));
    };
    m.save =
        run_paired_rounds(save, replace, context.mode.rounds, {100'000, context.mode.batch_seconds},
                          [&](int round) { label("save", round); });
    for (int round = 0; round < context.mode.rounds; ++round) {
        label("load", round);
        auto const b = run_batch(load, {100'000, context.mode.batch_seconds / 2});
        m.load_us.insert(m.load_us.end(), b.latencies_us.begin(), b.latencies_us.end());
    }
    return m;
}

void run(section_context& context) {
    std::vector<measured> results;
    for (auto const items : item_counts) {
        boost::mp11::mp_for_each<tiers>(
            [&](auto tier) { results.push_back(measure<decltype(tier)>(context, items)); });
    }
    context.progress.clear();

    auto& out = context.report;
    out.notes.push_back(
        "basic_state_file<boost::json::value, atomic_file<posix_fs, Durability, sibling_temp>>: "
        "save() and load() of one state, against a bare atomic_file replace of the same bytes.");
    text_table table{
        "state_file save and load",
        {"tier", "file bytes", "save p50 µs", "replace p50 µs", "save × replace", "load p50 µs"},
        {false, true, true, true, true, true},
        {}};
    json::array data;
    for (auto const& m : results) {
        double const ratio = median(m.save.round_ratios);
        double const save_p50 = median(m.save.first_us);
        double const replace_p50 = median(m.save.second_us);
        double const load_p50 = median(m.load_us);
        table.rows.push_back({m.tier, std::to_string(m.bytes), fixed(save_p50, 1),
                              fixed(replace_p50, 1), fixed(ratio, 3), fixed(load_p50, 1)});
        data.push_back({{"tier", m.tier},
                        {"file_bytes", m.bytes},
                        {"save_p50_us", save_p50},
                        {"replace_p50_us", replace_p50},
                        {"save_ratio_to_replace", ratio},
                        {"load_p50_us", load_p50}});
    }
    out.tables.push_back(std::move(table));
    for (auto const& m : results) {
        if (m.items == large_items && m.tier == full_sync::name) {
            context.goals.push_back(at_most("state save 256 KiB vs replace, full_sync",
                                            median(m.save.round_ratios), large_save_limit));
        }
    }
    out.footnotes.push_back(
        "save × replace: median over " + std::to_string(context.mode.rounds) +
        " rounds of (save p50 / replace p50), alternating op by op. save also takes the "
        "lock, checks the current file (the version it wrote: read and compared, not parsed) "
        "and keeps it as .bak; the bare replace does none of that.");
    out.data = {{"rounds", context.mode.rounds},
                {"batch_seconds", context.mode.batch_seconds},
                {"results", std::move(data)}};
}

}  // namespace

extern section const state_section = {
    "state", "state_file: save and load of 1 KB, 100 KB and 256 KiB, save against replace", &run};

}  // namespace persist::bench
