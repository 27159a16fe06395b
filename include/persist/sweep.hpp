// sweep_stale_temps: removes the temp files that a kill -9 or a power cut
// left behind.
#ifndef PERSIST_SWEEP_HPP
#define PERSIST_SWEEP_HPP

#include <persist/detail/temp_name.hpp>
#include <persist/fs/posix_fs.hpp>

#include <signal.h>

#include <cerrno>
#include <chrono>
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
result<sweep_report> sweep_stale_temps(Fs& fs, std::filesystem::path const& dir, sweep_options options = {}) {
    auto names = fs.list_directory(dir);
    if (!names) return error(stage::read, names.error(), dir);
    auto const now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    auto const min_age_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(options.min_age).count();
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

/// The same on the real filesystem.
inline result<sweep_report> sweep_stale_temps(std::filesystem::path const& dir, sweep_options options = {}) {
    posix_fs fs;
    return sweep_stale_temps(fs, dir, options);
}

}  // namespace persist

#endif
