// sweep_stale_temps: removes the temp files that a kill -9 or a power cut
// left behind.
#ifndef PERSIST_SWEEP_HPP
#define PERSIST_SWEEP_HPP

#include <persist/config.hpp>
#include <persist/detail/path_text.hpp>
#include <persist/detail/temp_name.hpp>
#include <persist/fs/fs_policy.hpp>

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <vector>

namespace persist {

struct sweep_options {
    /// A temp younger than this is kept even if its process is gone: it
    /// may belong to a process in another pid namespace (a container) that
    /// shares the directory, whose pid means nothing here.
    std::chrono::seconds min_age{std::chrono::minutes(10)};
};

/// What a sweep did. Paths are inside the swept directory.
struct sweep_report {
    std::vector<std::filesystem::path> removed;
    std::size_t kept_owner_alive = 0;  ///< temps whose writing process still runs
    std::size_t kept_too_young = 0;    ///< temps younger than min_age
};

namespace detail {

/// True unless kill(pid, 0) says the process does not exist (ESRCH). EPERM
/// means it exists under another user.
inline bool process_exists(pid_t pid) noexcept { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace detail

/// Removes from dir the regular files that persist's naming policies created
/// (exactly `.<name>.tmp-<pid>-<counter>-<16 hex digits>`), whose process
/// no longer exists, and that are older than options.min_age. It never
/// removes a file of any other name, a symlink, a directory, or a temp
/// whose process still runs.
///
/// Errors: stage::read if dir cannot be listed; stage::cleanup if a stale
/// temp cannot be removed (those removed before it are in no report then).
/// A temp that vanishes during the sweep (another sweeper) is not an error.
///
/// Not guaranteed: a pid reused by an unrelated process keeps its temp
/// until that process exits.
/// Thread safety: safe to run concurrently, also with replaces in dir.
template <fs_policy Fs>
result<sweep_report> sweep_stale_temps(Fs& fs, std::filesystem::path const& dir,
                                       sweep_options options = {}) {
    auto names = fs.list_directory(dir);
    if (!names) return error(stage::read, names.error(), dir);
    auto const now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto const min_age_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(options.min_age).count();
    sweep_report report;
    for (auto const& name : *names) {
        auto const owner = detail::temp_name_owner(name);
        if (!owner) continue;
        auto const path = dir / name;
        auto const status = fs.lstat(path);
        if (!status || status->kind != file_kind::regular) continue;
        if (detail::process_exists(*owner)) {
            ++report.kept_owner_alive;
        } else if (now_ns - status->modified_ns < min_age_ns) {
            ++report.kept_too_young;
        } else if (auto removed = fs.unlink(path); removed) {
            report.removed.push_back(path);
        } else if (removed.error() != std::errc::no_such_file_or_directory) {
            return error(stage::cleanup, removed.error(), dir, path);
        }
    }
    return report;
}

/// The same on the real filesystem (posix_fs, in impl/sweep.ipp: this
/// header depends on no Fs model).
PERSIST_DECL result<sweep_report> sweep_stale_temps(std::filesystem::path const& dir,
                                                    sweep_options options = {});

/// What a store does about stale temps when it opens: basic_jsonl_log::open
/// and the basic_settings_store and basic_state_file constructors.
struct open_sweep_options {
    /// Sweep on open. false: stale temps stay until someone calls
    /// sweep_stale_temps().
    bool enabled = true;
    /// For each sweep; its min_age keeps the temps of writers in other pid
    /// namespaces that may still run.
    sweep_options sweep;
};

/// Sweeps the directories where af's naming policy leaves named temps for
/// target: target's directory (sibling_temp's temps; anonymous_temp's where
/// O_TMPFILE is unsupported and it falls back to named temps; temp_dir's
/// copy when its directory is on another device), and the naming policy's
/// temp_directory(target) if that is another one (temp_dir's). Goes through
/// af's Fs, so it works on memory_fs too.
///
/// Best effort, never an error: a directory that cannot be listed (missing
/// yet) or a temp that cannot be removed is left as it is, and the next
/// open tries again. Call sweep_stale_temps() to see such errors. Returns
/// how many temps it removed; 0 if options.enabled is false.
template <class AtomicFile>
std::size_t sweep_stale_temps_for(AtomicFile const& af, std::filesystem::path const& target,
                                  open_sweep_options const& options) noexcept {
    if (!options.enabled) return 0;
    std::size_t removed = 0;
    try {
        auto const sweep_one = [&](std::filesystem::path const& dir) {
            if (auto swept = sweep_stale_temps(af.fs(), dir, options.sweep)) {
                removed += swept->removed.size();
            }
        };
        auto const target_dir = detail::directory_of(target);
        sweep_one(target_dir);
        auto const temp_directory = af.naming().temp_directory(target);
        if (temp_directory != target_dir) sweep_one(temp_directory);
    } catch (...) {  // std::bad_alloc: a sweep is never worth failing an open
    }
    return removed;
}

}  // namespace persist

#if defined(PERSIST_HEADER_ONLY)
#include <persist/impl/sweep.ipp>
#endif

#endif
