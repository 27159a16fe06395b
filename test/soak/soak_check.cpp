// The soak's verdict: after every worker has stopped, each file parses, each
// acked log record is in the log exactly once, each acked settings value and
// replaced version is there (or a later one of the same worker), and after a
// sweep no temporary file, nor any file of another name, remains.
#include "soak/soak.hpp"
#include "soak/soak_driver.hpp"

#include <persist/detail/temp_name.hpp>
#include <persist/store/jsonl_log.hpp>
#include <persist/store/settings_store.hpp>
#include <persist/store/state_file.hpp>
#include <persist/sweep.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

namespace soak {

namespace {

using record_key = std::pair<int, std::uint64_t>;

std::optional<std::string> read_whole(std::filesystem::path const& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void check_log(std::filesystem::path const& data, soak_run& run) {
    auto& violations = run.numbers.violations;
    auto log = persist::jsonl_log::open(data / log_name);
    if (!log) {
        violations.push_back("the log does not open: " + log.error().message());
        return;
    }
    if (auto const& found = log->recovery(); found.corrupt_line_count != 0) {
        violations.push_back("the log has " + std::to_string(found.corrupt_line_count) +
                             " corrupt lines; first: " + found.corrupt_lines.front().detail);
    }
    // Streamed, strictly: the log may hold a million records.
    auto reader = log->read();
    if (!reader) {
        violations.push_back("the log does not read: " + reader.error().message());
        return;
    }
    std::vector<record_key> seen;
    for (;;) {
        auto next = reader->next();
        if (!next) {
            violations.push_back("the log does not read strictly: " + next.error().message());
            return;
        }
        if (!*next) break;
        auto const* object = (*next)->value.if_object();
        auto const* slot = object ? object->if_contains("slot") : nullptr;
        auto const* seq = object ? object->if_contains("seq") : nullptr;
        if (!slot || !seq || !slot->is_int64() || !(seq->is_int64() || seq->is_uint64())) {
            violations.push_back("log line " + std::to_string((*next)->line) +
                                 " is not a record a worker wrote");
            continue;
        }
        seen.emplace_back(static_cast<int>(slot->as_int64()), seq->to_number<std::uint64_t>());
    }
    run.numbers.log_records_found = seen.size();
    std::sort(seen.begin(), seen.end());
    for (auto twice = std::adjacent_find(seen.begin(), seen.end()); twice != seen.end();
         twice = std::adjacent_find(twice + 1, seen.end())) {
        violations.push_back("log record slot " + std::to_string(twice->first) + " seq " +
                             std::to_string(twice->second) + " appears more than once");
    }
    for (auto const& [slot, acks] : run.acks) {
        for (auto seq : acks.log) {
            if (!std::binary_search(seen.begin(), seen.end(), record_key{slot, seq})) {
                violations.push_back("acked log record slot " + std::to_string(slot) + " seq " +
                                     std::to_string(seq) + " is missing");
            }
        }
    }
}

void check_settings(std::filesystem::path const& data, soak_run& run) {
    auto& violations = run.numbers.violations;
    persist::settings_store const store(data / global_settings_name, data / local_settings_name);
    for (auto scope : {persist::settings_scope::global, persist::settings_scope::local}) {
        if (auto whole = store.get(scope, ""); !whole) {
            violations.push_back("settings (" + std::string(to_string(scope)) +
                                 ") do not load: " + whole.error().message());
            continue;
        }
        for (auto const& [slot, acks] : run.acks) {
            auto const acked =
                scope == persist::settings_scope::global ? acks.last_global : acks.last_local;
            if (acked == 0) continue;
            auto const key = "/w" + std::to_string(slot);
            auto const value = store.get_as<std::uint64_t>(scope, key);
            if (!value || *value < acked) {
                violations.push_back("settings (" + std::string(to_string(scope)) + ") " + key +
                                     " is " + (value ? std::to_string(*value) : "missing") +
                                     ", acked " + std::to_string(acked));
            }
        }
    }
}

void check_replaced(std::filesystem::path const& data, soak_run& run) {
    auto& violations = run.numbers.violations;
    std::set<int> slots;
    for (int slot = 0; slot < run.numbers.workers; ++slot)
        slots.insert(slot);
    for (auto slot : slots) {
        auto const name = replaced_name(slot);
        auto const bytes = read_whole(data / name);
        auto const acked = run.acks[slot].last_replaced;
        if (!bytes) {
            if (acked != 0)
                violations.push_back(name + " is missing, acked " + std::to_string(acked));
            continue;
        }
        auto const version = parse_replaced(*bytes);
        if (!version || version->slot != slot || version->seq < acked) {
            violations.push_back(name + " is not a whole version at or after the acked " +
                                 std::to_string(acked));
        }
    }
    if (auto bytes = read_whole(data / shared_name); bytes && !parse_replaced(*bytes)) {
        violations.push_back(std::string(shared_name) + " is not a whole version of any worker");
    }
}

void check_state(std::filesystem::path const& data, soak_run& run) {
    auto& violations = run.numbers.violations;
    persist::state_file<std::map<std::string, std::uint64_t>> const file(data / state_name);
    auto loaded = file.load();
    if (!loaded) {
        violations.push_back("state.json does not load: " + loaded.error().message());
        return;
    }
    if (!loaded->report.quarantined.empty()) {
        violations.push_back("state.json was corrupt: " + loaded->report.summary());
    }
    for (auto const& [slot, acks] : run.acks) {
        if (acks.last_state == 0) continue;
        auto const found = loaded->state.find("w" + std::to_string(slot));
        auto const value = found == loaded->state.end() ? 0 : found->second;
        if (value < acks.last_state) {
            violations.push_back("state.json w" + std::to_string(slot) + " is " +
                                 std::to_string(value) + ", acked " +
                                 std::to_string(acks.last_state));
        }
    }
}

/// Sweeps the temps the killed workers left, then lists what remains: the
/// stores' files and the log's torn-tail quarantines (a kill in the middle
/// of an append's write(2) can leave one), and temps whose pid another
/// process has taken since (pid_max may be 32768), nothing else.
void check_leftovers(std::filesystem::path const& data, soak_run& run) {
    auto& violations = run.numbers.violations;
    auto swept = persist::sweep_stale_temps(data, persist::sweep_options{std::chrono::seconds(0)});
    if (!swept) {
        violations.push_back("the sweep failed: " + swept.error().message());
        return;
    }
    run.numbers.stale_temps_swept = swept->removed.size();
    std::set<std::string> known;
    known.insert(std::string(state_name) + ".bak");
    for (auto name : {log_name, global_settings_name, local_settings_name, state_name}) {
        known.insert(std::string(name));
        known.insert(std::string(name) + ".lock");
    }
    known.insert(std::string(shared_name));
    for (int slot = 0; slot < run.numbers.workers; ++slot)
        known.insert(replaced_name(slot));
    auto const torn_prefix = std::string(log_name) + ".torn-";
    for (auto const& entry : std::filesystem::directory_iterator(data)) {
        auto const name = entry.path().filename().string();
        auto const owner = persist::detail::temp_name_owner(name);
        if (name.starts_with(torn_prefix)) {
            ++run.numbers.torn_tails;
        } else if (owner && persist::detail::process_exists(*owner)) {
            // Every worker has exited: another process has the pid now, and
            // the sweep rightly keeps the temp (see sweep_stale_temps).
            ++run.numbers.temps_kept_pid_reused;
        } else if (!known.contains(name)) {
            violations.push_back("left after the sweep: " + name);
        }
    }
}

}  // namespace

void check_files(std::filesystem::path const& data, soak_run& run) {
    check_log(data, run);
    check_settings(data, run);
    check_replaced(data, run);
    check_state(data, run);
    check_leftovers(data, run);
}

}  // namespace soak
