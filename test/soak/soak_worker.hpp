// A soak worker: appends to the shared log, sets its settings keys and
// replaces files, forever, acknowledging each success to the driver, until
// SIGTERM (or the driver's SIGKILL).
#ifndef PERSIST_TEST_SOAK_SOAK_WORKER_HPP
#define PERSIST_TEST_SOAK_SOAK_WORKER_HPP

#include "soak/soak.hpp"

#include <persist/atomic_file.hpp>
#include <persist/durability/data_sync.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/store/jsonl_log.hpp>
#include <persist/store/settings_store.hpp>
#include <persist/store/state_file.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace soak {

namespace detail {

inline volatile std::sig_atomic_t stop_requested = 0;

inline void on_stop(int) { stop_requested = 1; }

/// Sends one line to the driver; exits if the driver is gone.
inline void send_line(std::string line) {
    for (auto& c : line) {
        if (c == '\n') c = ' ';
    }
    line += '\n';
    if (::send(ack_fd, line.data(), line.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(line.size())) {
        std::_Exit(3);
    }
}

inline void report_error(std::string_view what, persist::error const& e) {
    send_line("err " + std::string(what) + ": " + e.message());
}

}  // namespace detail

/// The worker loop over Fs with Durability. after_op() runs after every
/// operation with whether it succeeded (the fault plan re-arms there).
template <class Fs, class Durability, class AfterOp>
int work(worker_config const& config, Fs fs, AfterOp after_op) {
    using file = persist::atomic_file<Fs, Durability, persist::sibling_temp>;
    using log_type = persist::basic_jsonl_log<file>;
    using settings_type = persist::basic_settings_store<file>;
    using state_type = persist::basic_state_file<std::map<std::string, std::uint64_t>, file>;

    struct sigaction stop {};
    stop.sa_handler = detail::on_stop;
    stop.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &stop, nullptr);
    detail::send_line("pid " + std::to_string(::getpid()));

    std::mt19937_64 random(config.seed);
    file const af(fs);
    settings_type settings(config.dir / global_settings_name, config.dir / local_settings_name, {},
                           af);
    state_type const state(config.dir / state_name, {}, af);
    std::optional<log_type> log;
    auto const name = "w" + std::to_string(config.slot);  // settings "/w<slot>", state "w<slot>"
    auto const key = "/" + name;
    auto seq = config.seq_base;

    while (!detail::stop_requested) {
        ++seq;
        auto const pick = random() % 10;
        bool ok = false;
        if (pick < 4) {
            if (!log) {
                auto opened = log_type::open(config.dir / log_name, {}, af);
                if (!opened) detail::report_error("log open", opened.error());
                if (opened) {
                    auto const& found = opened->recovery();
                    if (found.corrupt_line_count != 0) {
                        detail::send_line(
                            "bad log open found " + std::to_string(found.corrupt_line_count) +
                            " corrupt lines; first: " + found.corrupt_lines.front().detail);
                    }
                    log.emplace(std::move(*opened));
                }
            }
            if (log) {
                std::vector<boost::json::value> records;
                auto const count = 1 + random() % 3;
                for (std::uint64_t i = 0; i < count; ++i) {
                    records.emplace_back(
                        boost::json::object{{"slot", config.slot}, {"seq", seq + i}});
                }
                auto appended = log->append_batch(records);
                ok = appended.has_value();
                if (ok) {
                    for (std::uint64_t i = 0; i < count; ++i) {
                        detail::send_line("log " + std::to_string(seq + i));
                    }
                } else {
                    detail::report_error("log append", appended.error());
                    log.reset();  // after a failed sync the log refuses appends: reopen
                }
                seq += count - 1;
            }
        } else if (pick < 6) {
            bool const global = random() % 2 == 0;
            auto set = settings.set(
                global ? persist::settings_scope::global : persist::settings_scope::local, key,
                boost::json::value(seq));
            ok = set.has_value();
            if (ok) {
                detail::send_line(std::string("set ") + (global ? "g " : "l ") +
                                  std::to_string(seq));
            } else {
                detail::report_error("settings set", set.error());
            }
        } else if (pick < 7) {
            auto updated = state.update([&](auto& counters) { counters[name] = seq; });
            ok = updated.has_value();
            if (ok) {
                if (!updated->report.quarantined.empty()) {
                    detail::send_line("bad state update: " + updated->report.summary());
                }
                detail::send_line("sta " + std::to_string(seq));
            } else {
                detail::report_error("state update", updated.error());
            }
        } else {
            bool const shared = pick == 9;
            auto const target =
                config.dir / (shared ? std::string(shared_name) : replaced_name(config.slot));
            auto replaced = af.replace(target, replaced_content(config.slot, seq));
            ok = replaced.has_value();
            if (ok) {
                detail::send_line((shared ? "shr " : "rep ") + std::to_string(seq));
            } else {
                detail::report_error("replace", replaced.error());
            }
        }
        after_op(ok);
        ::usleep(static_cast<useconds_t>(random() % 4000));
    }
    return 0;
}

/// work() with config's tier.
template <class Fs, class AfterOp>
int work_in_tier(worker_config const& config, Fs fs, AfterOp after_op) {
    switch (config.durability) {
        case tier::full_sync: return work<Fs, persist::full_sync>(config, fs, after_op);
        case tier::data_sync: return work<Fs, persist::data_sync>(config, fs, after_op);
        case tier::file_sync: return work<Fs, persist::file_sync>(config, fs, after_op);
        case tier::no_sync: return work<Fs, persist::no_sync>(config, fs, after_op);
    }
    return 2;
}

}  // namespace soak

#endif
