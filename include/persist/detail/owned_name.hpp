// What persist says when a name it owns beside a store (a lock, a backup, a
// quarantine) holds something other than a regular file (fs_policy 9, 10).
#ifndef PERSIST_DETAIL_OWNED_NAME_HPP
#define PERSIST_DETAIL_OWNED_NAME_HPP

#include <persist/fs/fs_policy.hpp>

#include <string>
#include <string_view>

namespace persist::detail {

/// Whether an open as name_owner::persist refused what it found at the name
/// (ELOOP, EISDIR, errc::not_regular_file), as opposed to failing.
inline bool refused_at_owned_name(std::error_code const& cause) noexcept {
    return cause == std::errc::too_many_symbolic_link_levels ||
           cause == std::errc::is_a_directory || cause == errc::not_regular_file;
}

/// What is at p instead of a regular file, for an error's detail: "a
/// symbolic link is at the lock file's name; ...". Empty if it cannot tell
/// (the name is missing, or holds a regular file, by now).
template <class Fs>
std::string what_is_at(Fs& fs, std::filesystem::path const& p, std::string_view role) {
    auto const found = fs.lstat(p);
    if (!found) return {};
    std::string_view what;
    switch (found->kind) {
        case file_kind::regular: return {};
        case file_kind::symlink: what = "a symbolic link"; break;
        case file_kind::directory: what = "a directory"; break;
        case file_kind::other: what = "a FIFO, device or socket"; break;
    }
    std::string detail(what);
    detail.append(" is at the ").append(role);
    detail += "'s name; persist uses only a regular file there and never follows a link";
    return detail;
}

}  // namespace persist::detail

#endif
